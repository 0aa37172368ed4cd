import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject } from '../../testing/harness.js';
import { requireS3, type S3TestServer } from '../../testing/s3.js';
import { bucketWith, IMAGE_CONFIG, s3Fields } from '../storage/s3-fixtures.js';
import { createStorage, startStorageTestServer, syncStorage, type StorageTestServer } from '../storage/storage-fixtures.js';
import { getJson } from './task-fixtures.js';

let s: StorageTestServer;
let s3: S3TestServer;

beforeAll(async () => {
  [s3, s] = await Promise.all([requireS3(), startStorageTestServer()]);
});
afterAll(async () => {
  await s?.close();
});

const PIXELS = Buffer.from(Array.from({ length: 2000 }, (_, i) => i % 199));

describe('cloud URIs in task data, as the editor receives them', () => {
  it('turns s3:// URIs into presign URLs in a task, in /next and in a list with resolve_uri, and leaves them raw otherwise', async () => {
    const project = await makeProject(s, { config: IMAGE_CONFIG });
    const { bucket } = await bucketWith('resolve', { 'photos/dog.png': PIXELS });
    const storage = await createStorage(s, 's3', { project: project.id, prefix: 'photos', use_blob_urls: true, ...s3Fields(s3, bucket) });
    expect(await syncStorage(s, 's3', storage.id)).toMatchObject({ status: 'completed', last_sync_count: 1 });
    const uri = `s3://${bucket}/photos/dog.png`;

    const raw = await getJson<{ tasks: { id: number; data: { image: string } }[] }>(s, `/api/tasks?project=${project.id}`);
    const taskId = raw.tasks[0].id;
    expect(raw.tasks[0].data.image).toBe(uri);

    const presignPrefix = `/tasks/${taskId}/presign/?fileuri=`;
    const one = await getJson<{ data: { image: string } }>(s, `/api/tasks/${taskId}`);
    expect(one.data.image.startsWith(presignPrefix)).toBe(true);
    const next = await getJson<{ id: number; data: { image: string } }>(s, `/api/projects/${project.id}/next`);
    expect(next).toMatchObject({ id: taskId, data: { image: one.data.image } });
    const resolved = await getJson<{ tasks: { data: { image: string } }[] }>(s, `/api/tasks?project=${project.id}&resolve_uri=true`);
    expect(resolved.tasks[0].data.image).toBe(one.data.image);

    // the URL the editor gets leads to the object's bytes
    const redirect = await s.request({ method: 'GET', url: one.data.image });
    expect(redirect.statusCode).toBe(303);
    const fetched = await fetch(String(redirect.headers.location));
    expect(Buffer.from(await fetched.arrayBuffer()).equals(PIXELS)).toBe(true);
  });
});
