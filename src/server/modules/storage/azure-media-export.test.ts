import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { choice, makeProject } from '../../testing/harness.js';
import { freshContainer, requireAzure, type AzureTestServer } from '../../testing/azure.js';
import { containerOf, getBlobTextAndEtag, listBlobs } from '../../azure/client.js';
import { annotate, getJson, outsider } from '../tasks/task-fixtures.js';
import { encodeFileUri, resolveStorageUris } from './media.js';
import { azureFields, containerWith } from './azure-fixtures.js';
import { IMAGE_CONFIG } from './s3-fixtures.js';
import { createStorage, startStorageTestServer, storageJobsDone, syncStorage, type StorageTestServer } from './storage-fixtures.js';

let s: StorageTestServer;
let azure: AzureTestServer;

beforeAll(async () => {
  [azure, s] = await Promise.all([requireAzure(), startStorageTestServer()]);
});
afterAll(async () => {
  await s?.close();
});

const PIXELS = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 251));

/** A project with an Azure import storage over a container holding one image, synced into one task. */
async function projectWithImage(extra: Record<string, unknown> = {}) {
  const project = await makeProject(s, { config: IMAGE_CONFIG });
  const { container } = await containerWith('media', { 'media/cat.png': PIXELS });
  const storage = await createStorage(s, 'azure', { project: project.id, prefix: 'media', use_blob_urls: true, presign_ttl: 5, ...azureFields(azure, container), ...extra });
  expect(await syncStorage(s, 'azure', storage.id)).toMatchObject({ status: 'completed', last_sync_count: 1 });
  const tasks = await getJson<{ tasks: { id: number; data: { image: string } }[] }>(s, `/api/tasks?project=${project.id}&fields=all`);
  const uri = `azure-blob://${container}/media/cat.png`;
  expect(tasks.tasks[0].data.image).toBe(uri);
  return { project, container, storage, taskId: tasks.tasks[0].id, uri };
}

const presignPath = (taskId: number, fileuri: string) => `/tasks/${taskId}/presign/?fileuri=${encodeURIComponent(fileuri)}`;
const blobText = async (container: string, key: string) => (await getBlobTextAndEtag(containerOf(azure, container), key)).text;
const blobKeys = async (container: string, prefix: string) => {
  const out: string[] = [];
  for await (const b of listBlobs(containerOf(azure, container), prefix, { recursive: true })) out.push(b.key);
  return out.sort();
};

describe('Azure media for the editor', () => {
  it('redirects to a SAS URL valid the storage TTL; the URL serves the bytes, a tampered one is refused', async () => {
    const { taskId, uri, project } = await projectWithImage();
    const before = Date.now();
    const res = await s.request({ method: 'GET', url: presignPath(taskId, encodeFileUri(uri)) });
    expect(res.statusCode).toBe(303);
    expect(res.headers['cache-control']).toBe('no-store, max-age=300');
    const url = new URL(String(res.headers.location));
    expect(url.href.startsWith(`${azure.endpoint}/`)).toBe(true);
    expect(url.searchParams.get('sp')).toBe('r');
    const expires = Date.parse(url.searchParams.get('se')!);
    expect(Math.abs(expires - (before + 300_000))).toBeLessThan(10_000);
    const fetched = await fetch(url);
    expect(fetched.status).toBe(200);
    expect(Buffer.from(await fetched.arrayBuffer()).equals(PIXELS)).toBe(true);

    const signature = url.searchParams.get('sig')!;
    const tampered = new URL(url);
    tampered.searchParams.set('sig', (signature.startsWith('A') ? 'B' : 'A') + signature.slice(1));
    expect((await fetch(tampered)).status).toBe(403);
    const longer = new URL(url);
    longer.searchParams.set('se', new Date(expires + 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z'));
    expect((await fetch(longer)).status).toBe(403);

    // older clients send the URI itself; the project-level variant resolves the same way
    expect((await s.request({ method: 'GET', url: presignPath(taskId, uri) })).statusCode).toBe(303);
    expect((await s.request({ method: 'GET', url: `/projects/${project.id}/presign/?fileuri=${encodeFileUri(uri)}` })).statusCode).toBe(303);
  });

  it('answers 404 to a caller who may not see the task and for blobs outside the storage', async () => {
    const { taskId, uri, container, project } = await projectWithImage();
    const stranger = await outsider(s);
    expect((await s.request({ method: 'GET', url: presignPath(taskId, encodeFileUri(uri)), token: stranger.token })).statusCode).toBe(404);
    expect((await s.request({ method: 'GET', url: `/projects/${project.id}/presign/?fileuri=${encodeFileUri(uri)}`, token: stranger.token })).statusCode).toBe(404);
    expect((await s.request({ method: 'GET', url: presignPath(taskId, encodeFileUri(uri)), token: null })).statusCode).toBe(401);
    for (const other of [`azure-blob://${container}/elsewhere/cat.png`, `azure-blob://another-container/media/cat.png`, `s3://${container}/media/cat.png`]) {
      expect((await s.request({ method: 'GET', url: presignPath(taskId, encodeFileUri(other)) })).statusCode, other).toBe(404);
    }
  });

  it('streams the blob through the server when presign is off, with ranges, and 404 for a blob that is gone', async () => {
    const { taskId, uri, container } = await projectWithImage({ presign: false });
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
    await containerOf(azure, container).getBlobClient('media/cat.png').delete();
    expect((await s.request({ method: 'GET', url: presignPath(taskId, encodeFileUri(uri)) })).statusCode).toBe(404);
  });

  it('rewrites azure-blob:// URIs of the project storages into presign URLs, as Label Studio resolves task data', async () => {
    const { taskId, uri, project, container } = await projectWithImage();
    const foreign = `azure-blob://${container}/not-synced/x.png`;
    const [resolved] = await resolveStorageUris(s.ctx.db, project.id, [{ id: taskId, data: { image: uri, other: foreign, list: [uri] } }]);
    const expected = `/tasks/${taskId}/presign/?fileuri=${encodeFileUri(uri)}`;
    expect(resolved.data).toEqual({ image: expected, other: foreign, list: [expected] });
  });
});

describe('Azure export storage', () => {
  it('writes each annotation as <prefix>/<id> on create and update, mirrors deletes, and writes all on sync', async () => {
    const project = await makeProject(s, { tasks: 2 });
    const container = await freshContainer('export');
    const early = await annotate(s, project.taskIds[0], { result: [choice('positive')] });
    const storage = await createStorage(s, 'azure', { project: project.id, prefix: 'out/', can_delete_objects: true, ...azureFields(azure, container) }, 'export/');
    expect(storage).toMatchObject({ type: 'azure', container, prefix: 'out/', can_delete_objects: true, status: 'initialized' });
    expect(storage).not.toHaveProperty('presign');
    expect(JSON.stringify(storage)).not.toContain(azure.accountKey);
    expect(await getJson(s, `/api/storages/export/azure?project=${project.id}`)).toEqual([storage]);

    const created = await annotate(s, project.taskIds[1], { result: [choice('negative')] });
    await storageJobsDone(s);
    const key = `out/${created.id}`;
    expect(JSON.parse(await blobText(container, key))).toMatchObject({ id: project.taskIds[1], data: { text: 'task number 2' }, annotations: [{ id: created.id, result: [choice('negative')] }] });

    await s.request({ method: 'PATCH', url: `/api/annotations/${created.id}`, payload: { result: [choice('positive')] } });
    await storageJobsDone(s);
    expect(JSON.parse(await blobText(container, key)).annotations[0].result).toEqual([choice('positive')]);

    expect(await syncStorage(s, 'azure', storage.id, 'export/')).toMatchObject({ status: 'completed', last_sync_count: 2 });
    expect(await blobKeys(container, 'out/')).toEqual([`out/${created.id}`, `out/${early.id}`].sort());

    expect((await s.request({ method: 'DELETE', url: `/api/annotations/${created.id}` })).statusCode).toBe(204);
    await storageJobsDone(s);
    expect(await blobKeys(container, 'out/')).toEqual([`out/${early.id}`]);
  });

  it('keeps blobs of deleted annotations unless can_delete_objects, and validates a prefix that holds nothing yet', async () => {
    const project = await makeProject(s, { tasks: 1 });
    const container = await freshContainer('export-keep');
    const valid = await s.request({ method: 'POST', url: '/api/storages/export/azure/validate', payload: { project: project.id, prefix: 'empty-yet', ...azureFields(azure, container) } });
    expect(valid.statusCode).toBe(200);
    await createStorage(s, 'azure', { project: project.id, ...azureFields(azure, container) }, 'export/');
    const a = await annotate(s, project.taskIds[0], { result: [choice('positive')] });
    await storageJobsDone(s);
    expect(await blobText(container, String(a.id))).toContain(`"id":${a.id}`);
    expect((await s.request({ method: 'DELETE', url: `/api/annotations/${a.id}` })).statusCode).toBe(204);
    await storageJobsDone(s);
    expect(await blobText(container, String(a.id))).toContain(`"id":${a.id}`);
  });
});
