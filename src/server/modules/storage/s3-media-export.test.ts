import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { choice, makeProject } from '../../testing/harness.js';
import { freshBucket, requireS3, type S3TestServer } from '../../testing/s3.js';
import { getObjectText, listObjects } from '../../s3/client.js';
import { annotate, getJson, outsider } from '../tasks/task-fixtures.js';
import { encodeFileUri, resolveStorageUris } from './media.js';
import { bucketWith, IMAGE_CONFIG, s3Fields } from './s3-fixtures.js';
import { createStorage, startStorageTestServer, storageJobsDone, syncStorage, waitFor, type StorageTestServer } from './storage-fixtures.js';

let s: StorageTestServer;
let s3: S3TestServer;

beforeAll(async () => {
  [s3, s] = await Promise.all([requireS3(), startStorageTestServer()]);
});
afterAll(async () => {
  await s?.close();
});

const PIXELS = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 251));

/** A project with an S3 import storage over a bucket holding one image, synced into one task. */
async function projectWithImage(extra: Record<string, unknown> = {}) {
  const project = await makeProject(s, { config: IMAGE_CONFIG });
  const { bucket } = await bucketWith('media', { 'media/cat.png': PIXELS });
  const storage = await createStorage(s, 's3', { project: project.id, prefix: 'media', use_blob_urls: true, presign_ttl: 5, ...s3Fields(s3, bucket), ...extra });
  expect(await syncStorage(s, 's3', storage.id)).toMatchObject({ status: 'completed', last_sync_count: 1 });
  const tasks = await getJson<{ tasks: { id: number; data: { image: string } }[] }>(s, `/api/tasks?project=${project.id}&fields=all`);
  const uri = `s3://${bucket}/media/cat.png`;
  expect(tasks.tasks[0].data.image).toBe(uri);
  return { project, bucket, storage, taskId: tasks.tasks[0].id, uri };
}

const presignPath = (taskId: number, fileuri: string) => `/tasks/${taskId}/presign/?fileuri=${encodeURIComponent(fileuri)}`;

describe('S3 media for the editor', () => {
  it('redirects to a presigned URL with the storage TTL; the URL serves the bytes, a tampered one is refused', async () => {
    const { taskId, uri, project } = await projectWithImage();
    const res = await s.request({ method: 'GET', url: presignPath(taskId, encodeFileUri(uri)) });
    expect(res.statusCode).toBe(303);
    expect(res.headers['cache-control']).toBe('no-store, max-age=300');
    const url = String(res.headers.location);
    expect(url).toContain(`${s3.endpoint}/`);
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('300');
    const fetched = await fetch(url);
    expect(fetched.status).toBe(200);
    expect(Buffer.from(await fetched.arrayBuffer()).equals(PIXELS)).toBe(true);

    const signature = new URL(url).searchParams.get('X-Amz-Signature')!;
    const tampered = url.replace(signature, signature.slice(0, -1) + (signature.endsWith('0') ? '1' : '0'));
    expect((await fetch(tampered)).status).toBe(403);

    // older clients send the URI itself; the project-level variant resolves the same way
    expect((await s.request({ method: 'GET', url: presignPath(taskId, uri) })).statusCode).toBe(303);
    expect((await s.request({ method: 'GET', url: `/projects/${project.id}/presign/?fileuri=${encodeFileUri(uri)}` })).statusCode).toBe(303);
  });

  it('answers 404 to a caller who may not see the task, for objects outside the storage, and 400 without fileuri', async () => {
    const { taskId, uri, bucket, project } = await projectWithImage();
    const stranger = await outsider(s);
    expect((await s.request({ method: 'GET', url: presignPath(taskId, encodeFileUri(uri)), token: stranger.token })).statusCode).toBe(404);
    expect((await s.request({ method: 'GET', url: `/projects/${project.id}/presign/?fileuri=${encodeFileUri(uri)}`, token: stranger.token })).statusCode).toBe(404);
    expect((await s.request({ method: 'GET', url: presignPath(taskId, encodeFileUri(uri)), token: null })).statusCode).toBe(401);
    for (const other of [`s3://${bucket}/elsewhere/cat.png`, `s3://another-bucket/media/cat.png`, 'https://example.com/cat.png']) {
      expect((await s.request({ method: 'GET', url: presignPath(taskId, encodeFileUri(other)) })).statusCode, other).toBe(404);
    }
    const missing = await s.request({ method: 'GET', url: `/tasks/${taskId}/presign/` });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().validation_errors).toHaveProperty('fileuri');
  });

  it('streams the object through the server when presign is off, with ranges', async () => {
    const { taskId, uri } = await projectWithImage({ presign: false });
    const res = await s.request({ method: 'GET', url: presignPath(taskId, encodeFileUri(uri)) });
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(PIXELS)).toBe(true);
    expect(res.headers['content-length']).toBe(String(PIXELS.length));
    expect(res.headers['content-security-policy']).toBe('sandbox');
    const part = await s.request({ method: 'GET', url: presignPath(taskId, encodeFileUri(uri)), headers: { range: 'bytes=10-19' } });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 10-19/${PIXELS.length}`);
    expect(part.rawPayload.equals(PIXELS.subarray(10, 20))).toBe(true);
    const stranger = await outsider(s);
    expect((await s.request({ method: 'GET', url: presignPath(taskId, encodeFileUri(uri)), token: stranger.token })).statusCode).toBe(404);
  });

  it('rewrites s3:// URIs of the project storages into presign URLs, as Label Studio resolves task data', async () => {
    const { taskId, uri, project, bucket } = await projectWithImage();
    const foreign = `s3://${bucket}/not-synced/x.png`;
    const [resolved] = await resolveStorageUris(s.ctx.db, project.id, [{ id: taskId, data: { image: uri, other: foreign, list: [uri] } }]);
    const expected = `/tasks/${taskId}/presign/?fileuri=${encodeFileUri(uri)}`;
    expect(resolved.data).toEqual({ image: expected, other: foreign, list: [expected] });
    expect(encodeFileUri(uri)).toBe(Buffer.from(uri).toString('base64').replace(/\+/g, '-').replace(/\//g, '_'));
  });
});

describe('S3 export storage', () => {
  it('writes each annotation as <prefix>/<id> on create and update, mirrors deletes, and writes all on sync', async () => {
    const project = await makeProject(s, { tasks: 2 });
    const bucket = await freshBucket('export');
    const early = await annotate(s, project.taskIds[0], { result: [choice('positive')] });
    const storage = await createStorage(s, 's3', { project: project.id, prefix: 'out/', can_delete_objects: true, ...s3Fields(s3, bucket) }, 'export/');
    expect(storage).toMatchObject({ type: 's3', bucket, prefix: 'out/', can_delete_objects: true, status: 'initialized' });
    expect(storage).not.toHaveProperty('presign');
    expect(JSON.stringify(storage)).not.toContain(s3.secretAccessKey);
    expect(await getJson(s, `/api/storages/export/s3?project=${project.id}`)).toEqual([storage]);

    const created = await annotate(s, project.taskIds[1], { result: [choice('negative')] });
    await storageJobsDone(s);
    const key = `out/${created.id}`;
    expect(JSON.parse(await getObjectText(s3.client, bucket, key))).toMatchObject({ id: project.taskIds[1], data: { text: 'task number 2' }, annotations: [{ id: created.id, result: [choice('negative')] }] });

    await s.request({ method: 'PATCH', url: `/api/annotations/${created.id}`, payload: { result: [choice('positive')] } });
    await storageJobsDone(s);
    expect(JSON.parse(await getObjectText(s3.client, bucket, key)).annotations[0].result).toEqual([choice('positive')]);

    expect(await syncStorage(s, 's3', storage.id, 'export/')).toMatchObject({ status: 'completed', last_sync_count: 2 });
    const keys = async () => {
      const out: string[] = [];
      for await (const o of listObjects(s3.client, bucket, 'out/')) out.push(o.key);
      return out.sort();
    };
    expect(await keys()).toEqual([`out/${created.id}`, `out/${early.id}`].sort());

    expect((await s.request({ method: 'DELETE', url: `/api/annotations/${created.id}` })).statusCode).toBe(204);
    await storageJobsDone(s);
    expect(await keys()).toEqual([`out/${early.id}`]);
  });

  it('keeps objects of deleted annotations unless can_delete_objects, and validates a prefix that holds nothing yet', async () => {
    const project = await makeProject(s, { tasks: 1 });
    const bucket = await freshBucket('export-keep');
    const valid = await s.request({ method: 'POST', url: '/api/storages/export/s3/validate', payload: { project: project.id, prefix: 'empty-yet', ...s3Fields(s3, bucket) } });
    expect(valid.statusCode).toBe(200);
    await createStorage(s, 's3', { project: project.id, ...s3Fields(s3, bucket) }, 'export/');
    const a = await annotate(s, project.taskIds[0], { result: [choice('positive')] });
    await storageJobsDone(s);
    expect(await getObjectText(s3.client, bucket, String(a.id))).toContain(`"id":${a.id}`);
    expect((await s.request({ method: 'DELETE', url: `/api/annotations/${a.id}` })).statusCode).toBe(204);
    await storageJobsDone(s);
    expect(await getObjectText(s3.client, bucket, String(a.id))).toContain(`"id":${a.id}`);
  });


  it('retries an export write while the bucket is missing, and delivers it once the bucket exists', async () => {
    const project = await makeProject(s, { tasks: 1 });
    const bucket = await freshBucket('export-retry');
    const storage = await createStorage(s, 's3', { project: project.id, prefix: 'later', ...s3Fields(s3, bucket) }, 'export/');
    const missing = `${bucket}-later`;
    await s.ctx.db.query(`UPDATE storages SET settings = settings || jsonb_build_object('bucket', $2::text) WHERE id = $1`, [storage.id, missing]);
    const a = await annotate(s, project.taskIds[0], { result: [choice('negative')] });
    const failedOnce = async () => (await s.ctx.db.query<{ last_error: string | null }>(`SELECT last_error FROM jobs WHERE subject = $1`, [`storage-export:${storage.id}`]))[0]?.last_error;
    expect(await waitFor(failedOnce, 'a failed first attempt')).toMatch(/bucket|NoSuchBucket/i);
    await s3.client.send(new CreateBucketCommand({ Bucket: missing }));
    await storageJobsDone(s);
    expect(JSON.parse(await getObjectText(s3.client, missing, `later/${a.id}`)).annotations[0].id).toBe(a.id);
  });
});
