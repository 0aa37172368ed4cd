import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { choice, makeProject } from '../../testing/harness.js';
import { annotate, getJson, outsider } from '../tasks/task-fixtures.js';
import { createStorage as create, startStorageTestServer, storageJobsDone, syncStorage, type Storage, type StorageDirection, type StorageTestServer } from './storage-fixtures.js';

const IMAGE_CONFIG = `<View><Image name="image" value="$image"/><Choices name="kind" toName="image"><Choice value="cat"/><Choice value="dog"/></Choices></View>`;

let s: StorageTestServer;
let root: string;
const savedEnv = process.env.LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT;

beforeAll(async () => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'labelfleet-localfiles-')));
  process.env.LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT = root;
  s = await startStorageTestServer();
});
afterAll(async () => {
  await s?.close();
  if (savedEnv === undefined) delete process.env.LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT;
  else process.env.LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT = savedEnv;
  fs.rmSync(root, { recursive: true, force: true });
});

/** A file with a fixed whole-second modification time, so a test can restore it exactly. */
const MTIME = 1_700_000_000;
function put(dir: string, name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  fs.utimesSync(file, MTIME, MTIME);
  return file;
}
const folder = (name: string) => {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
};

const createStorage = (payload: Record<string, unknown>, kind: StorageDirection = ''): Promise<Storage> => create(s, 'localfiles', payload, kind);
const sync = (id: number, kind: StorageDirection = ''): Promise<Storage> => syncStorage(s, 'localfiles', id, kind);
const taskData = async (projectId: number) =>
  (await getJson<{ tasks: { data: Record<string, unknown> }[] }>(s, `/api/tasks?project=${projectId}&page_size=100&fields=all`)).tasks.map((t) => t.data);

describe('local files import storage', () => {
  it('creates, lists, reads, updates and deletes a storage with Label Studio field names', async () => {
    const project = await makeProject(s, { config: IMAGE_CONFIG });
    const dir = folder('crud');
    const created = await createStorage({ project: project.id, path: dir, title: 'Pictures', regex_filter: '.*\\.png', use_blob_urls: true });
    expect(created).toMatchObject({ type: 'localfiles', project: project.id, path: dir, title: 'Pictures', regex_filter: '.*\\.png', use_blob_urls: true, status: 'initialized', last_sync: null, last_sync_count: null, traceback: null });
    expect(created).not.toHaveProperty('can_delete_objects');

    expect(await getJson(s, `/api/storages/localfiles?project=${project.id}`)).toEqual([created]);
    expect(await getJson(s, `/api/storages/?project=${project.id}`)).toEqual([created]);
    expect(await getJson(s, `/api/storages/localfiles/${created.id}`)).toEqual(created);
    expect(await getJson(s, '/api/storages/types')).toEqual([
      { name: 's3', title: 'AWS S3' },
      { name: 'azure', title: 'Microsoft Azure' },
      { name: 'localfiles', title: 'Local files' },
    ]);

    const patched = await s.request({ method: 'PATCH', url: `/api/storages/localfiles/${created.id}`, payload: { title: 'Renamed' } });
    expect(patched.json()).toMatchObject({ title: 'Renamed', path: dir, regex_filter: '.*\\.png' });

    const valid = await s.request({ method: 'POST', url: '/api/storages/localfiles/validate', payload: { project: project.id, path: dir } });
    expect(valid.statusCode).toBe(200);

    expect((await s.request({ method: 'DELETE', url: `/api/storages/localfiles/${created.id}` })).statusCode).toBe(204);
    expect((await s.request({ method: 'GET', url: `/api/storages/localfiles/${created.id}` })).statusCode).toBe(404);
  });

  it('refuses a path outside the document root, and one that escapes it', async () => {
    const project = await makeProject(s, { config: IMAGE_CONFIG });
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'labelfleet-outside-'));
    try {
      for (const p of [outside, path.join(root, '..', path.basename(outside))]) {
        const res = await s.request({ method: 'POST', url: '/api/storages/localfiles', payload: { project: project.id, path: p } });
        expect(res.statusCode).toBe(400);
        const check = await s.request({ method: 'POST', url: '/api/storages/localfiles/validate', payload: { project: project.id, path: p } });
        expect(check.statusCode).toBe(400);
      }
      fs.symlinkSync(outside, path.join(root, 'sneaky-link'));
      const viaLink = await s.request({ method: 'POST', url: '/api/storages/export/localfiles', payload: { project: project.id, path: path.join(root, 'sneaky-link') } });
      expect(viaLink.statusCode).toBe(400);
      const belowLink = await s.request({ method: 'POST', url: '/api/storages/export/localfiles', payload: { project: project.id, path: path.join(root, 'sneaky-link', 'not-yet') } });
      expect(belowLink.statusCode).toBe(400);
      expect(fs.existsSync(path.join(outside, 'not-yet'))).toBe(false);
      expect(await getJson(s, `/api/storages/?project=${project.id}`)).toEqual([]);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('imports one task per file with a /data/local-files URL, and a re-sync imports only the new file', async () => {
    const project = await makeProject(s, { config: IMAGE_CONFIG });
    const dir = folder('images');
    put(dir, 'a.png', 'png-a');
    put(dir, 'b.png', 'png-b');
    const storage = await createStorage({ project: project.id, path: dir, use_blob_urls: true });

    const first = await sync(storage.id);
    expect(first).toMatchObject({ status: 'completed', last_sync_count: 2, traceback: null });
    expect(first.last_sync).toEqual(expect.any(String));
    expect(await taskData(project.id)).toEqual([{ image: '/data/local-files/?d=images/a.png' }, { image: '/data/local-files/?d=images/b.png' }]);

    put(dir, 'c.png', 'png-c');
    expect(await sync(storage.id)).toMatchObject({ status: 'completed', last_sync_count: 1 });
    expect((await taskData(project.id)).map((d) => d.image)).toEqual(['/data/local-files/?d=images/a.png', '/data/local-files/?d=images/b.png', '/data/local-files/?d=images/c.png']);
    expect(await sync(storage.id)).toMatchObject({ status: 'completed', last_sync_count: 0 });

    const served = await s.request({ method: 'GET', url: '/data/local-files/?d=images/c.png' });
    expect(served.statusCode).toBe(200);
    expect(served.body).toBe('png-c');
    expect(served.headers['content-security-policy']).toBe('sandbox');
    expect((await s.request({ method: 'GET', url: '/data/local-files/?d=images/c.png', token: null })).statusCode).toBe(401);
    expect((await s.request({ method: 'GET', url: '/data/local-files/?d=images/../../etc/passwd' })).statusCode).toBe(404);
    const stranger = await outsider(s);
    expect((await s.request({ method: 'GET', url: '/data/local-files/?d=images/c.png', token: stranger.token })).statusCode).toBe(404);
  });

  it('imports only files the regex filter matches', async () => {
    const project = await makeProject(s, { config: IMAGE_CONFIG });
    const dir = folder('filtered');
    put(dir, 'keep-1.jpg', 'x');
    put(dir, 'skip.txt', 'x');
    put(dir, 'keep-2.jpg', 'x');
    const storage = await createStorage({ project: project.id, path: dir, use_blob_urls: true, regex_filter: '^keep-\\d+\\.jpg$' });
    expect(await sync(storage.id)).toMatchObject({ status: 'completed', last_sync_count: 2 });
    expect((await taskData(project.id)).map((d) => d.image)).toEqual(['/data/local-files/?d=filtered/keep-1.jpg', '/data/local-files/?d=filtered/keep-2.jpg']);
  });

  it('reads JSON files as a task or a list of tasks, and never re-reads an unchanged file', async () => {
    const project = await makeProject(s);
    const dir = folder('json-tasks');
    const one = put(dir, 'one.json', JSON.stringify({ data: { text: 'first' } }));
    put(dir, 'many.json', JSON.stringify([{ text: 'second' }, { data: { text: 'third' } }]));
    const storage = await createStorage({ project: project.id, path: dir, use_blob_urls: false, regex_filter: '.*\\.json' });
    expect(await sync(storage.id)).toMatchObject({ status: 'completed', last_sync_count: 3 });

    // same size and modification time, but no longer JSON: reading it again would fail the sync
    const size = fs.statSync(one).size;
    put(dir, 'one.json', 'x'.repeat(size));
    expect(fs.statSync(one).size).toBe(size);
    put(dir, 'later.json', JSON.stringify({ text: 'fourth' }));
    expect(await sync(storage.id)).toMatchObject({ status: 'completed', last_sync_count: 1, traceback: null });
    expect((await taskData(project.id)).map((d) => d.text).sort()).toEqual(['first', 'fourth', 'second', 'third']);

    // a changed file is read again; a bad one fails the sync, imports nothing and is retried next time
    put(dir, 'later.json', '{"text": broken');
    const failed = await sync(storage.id);
    expect(failed.status).toBe('failed');
    expect(failed.traceback).toContain('later.json');
    put(dir, 'later.json', JSON.stringify({ text: 'the fifth' }));
    expect(await sync(storage.id)).toMatchObject({ status: 'completed', last_sync_count: 1 });
    expect((await taskData(project.id)).length).toBe(5);
  });
});

describe('local files export storage', () => {
  it('writes each annotation on create and update, deletes it when asked, and writes all on sync', async () => {
    const project = await makeProject(s, { tasks: 2 });
    const dir = path.join(root, 'exports', `p${project.id}`);
    const early = await annotate(s, project.taskIds[0], { result: [choice('positive')] });

    const storage = await createStorage({ project: project.id, path: dir, can_delete_objects: true, title: 'Out' }, 'export/');
    expect(storage).toMatchObject({ type: 'localfiles', can_delete_objects: true, path: dir, status: 'initialized' });
    expect(await getJson(s, `/api/storages/export?project=${project.id}`)).toEqual([storage]);
    expect(await getJson(s, `/api/storages/export/localfiles/${storage.id}`)).toEqual(storage);
    expect(await getJson(s, `/api/storages/?project=${project.id}`)).toEqual([]);

    const created = await annotate(s, project.taskIds[1], { result: [choice('negative')] });
    await storageJobsDone(s);
    const file = path.join(dir, String(created.id));
    const written = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(written).toMatchObject({ id: project.taskIds[1], data: { text: 'task number 2' }, annotations: [{ id: created.id, result: [choice('negative')] }] });
    expect(fs.existsSync(path.join(dir, String(early.id)))).toBe(false);

    const upd = await s.request({ method: 'PATCH', url: `/api/annotations/${created.id}`, payload: { result: [choice('positive')] } });
    expect(upd.statusCode).toBe(200);
    await storageJobsDone(s);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).annotations[0].result).toEqual([choice('positive')]);

    expect(await sync(storage.id, 'export/')).toMatchObject({ status: 'completed', last_sync_count: 2 });
    expect(JSON.parse(fs.readFileSync(path.join(dir, String(early.id)), 'utf8')).annotations[0].id).toBe(early.id);

    expect((await s.request({ method: 'DELETE', url: `/api/annotations/${created.id}` })).statusCode).toBe(204);
    await storageJobsDone(s);
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.readdirSync(dir).sort()).toEqual([String(early.id)]);
  });

  it('keeps the object of a deleted annotation when can_delete_objects is off', async () => {
    const project = await makeProject(s, { tasks: 1 });
    const dir = path.join(root, 'exports-keep', `p${project.id}`);
    await createStorage({ project: project.id, path: dir }, 'export/');
    const a = await annotate(s, project.taskIds[0], { result: [choice('positive')] });
    await storageJobsDone(s);
    expect(fs.existsSync(path.join(dir, String(a.id)))).toBe(true);
    expect((await s.request({ method: 'DELETE', url: `/api/annotations/${a.id}` })).statusCode).toBe(204);
    await storageJobsDone(s);
    expect(fs.existsSync(path.join(dir, String(a.id)))).toBe(true);
  });
});
