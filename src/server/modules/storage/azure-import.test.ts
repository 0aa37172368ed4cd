import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject } from '../../testing/harness.js';
import { freshContainer, requireAzure, type AzureTestServer } from '../../testing/azure.js';
import { getJson, outsider } from '../tasks/task-fixtures.js';
import { azureFields, containerWith, countDownloads, putBlobs } from './azure-fixtures.js';
import { IMAGE_CONFIG } from './s3-fixtures.js';
import { createStorage, startStorageTestServer, syncStorage, type StorageTestServer } from './storage-fixtures.js';

let s: StorageTestServer;
let azure: AzureTestServer;

beforeAll(async () => {
  [azure, s] = await Promise.all([requireAzure(), startStorageTestServer()]);
});
afterAll(async () => {
  await s?.close();
});

const sync = (id: number) => syncStorage(s, 'azure', id);
const taskData = async (projectId: number) =>
  (await getJson<{ tasks: { data: Record<string, unknown> }[] }>(s, `/api/tasks?project=${projectId}&page_size=1000&fields=all`)).tasks.map((t) => t.data);
const post = (url: string, payload: Record<string, unknown>) => s.request({ method: 'POST', url, payload });

describe('Azure import storage: API', () => {
  it('creates, lists, reads, patches and deletes with Label Studio field names, never echoing the account key', async () => {
    const project = await makeProject(s, { config: IMAGE_CONFIG });
    const { container } = await containerWith('crud', { 'images/a.jpg': 'a' });
    const created = await createStorage(s, 'azure', { project: project.id, title: 'Blobs', prefix: 'images', regex_filter: '.*\\.jpg', use_blob_urls: true, presign_ttl: 15, ...azureFields(azure, container) });
    expect(created).toMatchObject({
      type: 'azure', project: project.id, title: 'Blobs', container, prefix: 'images', regex_filter: '.*\\.jpg', use_blob_urls: true,
      presign: true, presign_ttl: 15, recursive_scan: false, account_name: azure.accountName, azure_endpoint: azure.endpoint, status: 'initialized', last_sync: null,
    });
    expect(JSON.stringify(created)).not.toContain(azure.accountKey);
    expect(created).not.toHaveProperty('account_key');
    expect(created).not.toHaveProperty('can_delete_objects');

    expect(await getJson(s, `/api/storages/azure?project=${project.id}`)).toEqual([created]);
    expect(await getJson(s, `/api/storages/?project=${project.id}`)).toEqual([created]);
    expect(await getJson(s, `/api/storages/azure/${created.id}`)).toEqual(created);
    expect(await getJson(s, '/api/storages/types')).toContainEqual({ name: 'azure', title: 'Microsoft Azure' });
    expect(await getJson(s, '/api/storages/export/types')).toContainEqual({ name: 'azure', title: 'Microsoft Azure' });

    // a patch without the key keeps the stored one (it validates against the container with it)
    const patched = await s.request({ method: 'PATCH', url: `/api/storages/azure/${created.id}`, payload: { title: 'Renamed', presign: false } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ title: 'Renamed', presign: false, container, prefix: 'images' });
    expect(JSON.stringify(patched.json())).not.toContain(azure.accountKey);
    expect((await post('/api/storages/azure/validate', { project: project.id, id: created.id, container })).statusCode).toBe(200);

    const stranger = await outsider(s);
    expect((await s.request({ method: 'GET', url: `/api/storages/azure/${created.id}`, token: stranger.token })).statusCode).toBe(404);
    expect((await s.request({ method: 'PATCH', url: `/api/storages/azure/${created.id}`, token: stranger.token, payload: { title: 'x' } })).statusCode).toBe(404);
    expect((await s.request({ method: 'GET', url: `/api/storages/s3/${created.id}` })).statusCode).toBe(404);
    expect((await s.request({ method: 'DELETE', url: `/api/storages/azure/${created.id}` })).statusCode).toBe(204);
    expect((await s.request({ method: 'GET', url: `/api/storages/azure/${created.id}` })).statusCode).toBe(404);
  });

  it('answers 400 naming the field for a missing container, a refused key, an unreachable endpoint and bad values', async () => {
    const project = await makeProject(s, { config: IMAGE_CONFIG });
    const container = await freshContainer('invalid');
    const base = { project: project.id, ...azureFields(azure, container) };
    const wrongKey = Buffer.from('not the account key, but 64 bytes long so that it decodes fine!!').toString('base64');
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ container: 'no-such-container-lf' }, 'container', /does not exist/],
      [{ container: null }, 'container', /required/],
      [{ container: 'Bad_Name' }, 'container', /lowercase letters/],
      [{ account_name: null }, 'account_name', /required/],
      [{ account_key: null }, 'account_key', /required/],
      [{ account_key: wrongKey }, 'account_key', /account key was refused/],
      [{ azure_endpoint: 'http://127.0.0.1:9/devstoreaccount1' }, 'azure_endpoint', /not reachable/],
      [{ azure_endpoint: 'not a url' }, 'azure_endpoint', /valid http/],
      [{ prefix: 'nothing-here' }, 'prefix', /No blobs found/],
      [{ presign_ttl: 0 }, 'presign_ttl', /greater than or equal to 1/],
    ];
    for (const [override, field, message] of cases) {
      for (const url of ['/api/storages/azure', '/api/storages/azure/validate']) {
        const res = await post(url, { ...base, ...override });
        expect(res.statusCode, `${url} ${JSON.stringify(override)}`).toBe(400);
        expect(res.json().validation_errors?.[field]?.join(' ') ?? res.body, `${url} ${JSON.stringify(override)}`).toMatch(message);
      }
    }
    expect(await getJson(s, `/api/storages/azure?project=${project.id}`)).toEqual([]);
  });
});

describe('Azure import storage: sync', () => {
  it('imports one task per blob with its azure-blob:// URI, and a re-sync lists but reads nothing and imports only new or changed blobs', async () => {
    const project = await makeProject(s, { config: IMAGE_CONFIG });
    const { container } = await containerWith('blobs', { 'img/1.jpg': 'one', 'img/2.jpg': 'two', 'img/notes.txt': 'skip me', 'img/sub/3.jpg': 'deep', 'other/4.jpg': 'elsewhere' });
    const storage = await createStorage(s, 'azure', { project: project.id, prefix: 'img/', regex_filter: '.*\\.jpg$', use_blob_urls: true, ...azureFields(azure, container) });

    const first = await sync(storage.id);
    expect(first).toMatchObject({ status: 'completed', last_sync_count: 2, traceback: null });
    expect(await taskData(project.id)).toEqual([{ image: `azure-blob://${container}/img/1.jpg` }, { image: `azure-blob://${container}/img/2.jpg` }]);

    const again = await countDownloads(() => sync(storage.id));
    expect(again.result).toMatchObject({ status: 'completed', last_sync_count: 0 });
    expect(again.downloads).toBe(0);

    await putBlobs(azure, container, { 'img/2.jpg': 'two, edited', 'img/5.jpg': 'five' });
    expect(await sync(storage.id)).toMatchObject({ status: 'completed', last_sync_count: 2 });
    expect((await taskData(project.id)).map((d) => d.image)).toEqual([1, 2, 2, 5].map((n) => `azure-blob://${container}/img/${n}.jpg`));

    const recursive = await s.request({ method: 'PATCH', url: `/api/storages/azure/${storage.id}`, payload: { recursive_scan: true } });
    expect(recursive.json()).toMatchObject({ recursive_scan: true });
    expect(await sync(storage.id)).toMatchObject({ status: 'completed', last_sync_count: 1 });
    expect((await taskData(project.id)).at(-1)).toEqual({ image: `azure-blob://${container}/img/sub/3.jpg` });
  });

  it('reads JSON blobs as a task or a list of tasks, reading again only the blobs whose ETag changed', async () => {
    const project = await makeProject(s);
    const { container } = await containerWith('json', {
      'tasks/one.json': JSON.stringify({ data: { text: 'first' } }),
      'tasks/many.json': JSON.stringify([{ text: 'second' }, { data: { text: 'third' } }]),
      'tasks/three.json': JSON.stringify({ text: 'fourth' }),
    });
    const storage = await createStorage(s, 'azure', { project: project.id, prefix: 'tasks', use_blob_urls: false, ...azureFields(azure, container) });
    const first = await countDownloads(() => sync(storage.id));
    expect(first.result).toMatchObject({ status: 'completed', last_sync_count: 4 });
    expect(first.downloads).toBe(3);

    await putBlobs(azure, container, { 'tasks/three.json': JSON.stringify({ text: 'fourth, edited' }), 'tasks/new.json': JSON.stringify({ text: 'fifth' }) });
    const second = await countDownloads(() => sync(storage.id));
    expect(second.result).toMatchObject({ status: 'completed', last_sync_count: 2 });
    expect(second.downloads).toBe(2);
    expect((await taskData(project.id)).map((d) => d.text).sort()).toEqual(['fifth', 'first', 'fourth', 'fourth, edited', 'second', 'third']);
    expect((await countDownloads(() => sync(storage.id))).downloads).toBe(0);
  });

  it('records a sync against a container that went away as failed, naming it', async () => {
    const project = await makeProject(s, { config: IMAGE_CONFIG });
    const { container } = await containerWith('gone', { 'x.jpg': 'x' });
    const storage = await createStorage(s, 'azure', { project: project.id, use_blob_urls: true, ...azureFields(azure, container) });
    await s.ctx.db.query(`UPDATE storages SET settings = settings || '{"container": "deleted-container-lf"}' WHERE id = $1`, [storage.id]);
    const failed = await sync(storage.id);
    expect(failed).toMatchObject({ status: 'failed', container: 'deleted-container-lf' });
    expect(failed.traceback).toMatch(/container "deleted-container-lf" does not exist/);
  });
});
