import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject } from '../../testing/harness.js';
import { freshBucket, requireS3, type S3TestServer } from '../../testing/s3.js';
import { getJson, outsider } from '../tasks/task-fixtures.js';
import { queueScheduledSyncs } from './jobs.js';
import { bucketWith, countGets, IMAGE_CONFIG, putAll, s3Fields } from './s3-fixtures.js';
import { createStorage, startStorageTestServer, syncStorage, waitFor, type Storage, type StorageTestServer } from './storage-fixtures.js';

let s: StorageTestServer;
let s3: S3TestServer;

beforeAll(async () => {
  [s3, s] = await Promise.all([requireS3(), startStorageTestServer()]);
});
afterAll(async () => {
  await s?.close();
});

const sync = (id: number) => syncStorage(s, 's3', id);
const taskData = async (projectId: number) =>
  (await getJson<{ tasks: { data: Record<string, unknown> }[] }>(s, `/api/tasks?project=${projectId}&page_size=1000&fields=all`)).tasks.map((t) => t.data);
const post = (url: string, payload: Record<string, unknown>) => s.request({ method: 'POST', url, payload });

describe('S3 import storage: API', () => {
  it('creates, lists, reads, patches and deletes with Label Studio field names, never echoing the keys', async () => {
    const project = await makeProject(s, { config: IMAGE_CONFIG });
    const { bucket } = await bucketWith('crud', { 'images/a.jpg': 'a' });
    const created = await createStorage(s, 's3', { project: project.id, title: 'Bucket', prefix: 'images', regex_filter: '.*\\.jpg', use_blob_urls: true, presign_ttl: 15, ...s3Fields(s3, bucket) });
    expect(created).toMatchObject({
      type: 's3', project: project.id, title: 'Bucket', bucket, prefix: 'images', regex_filter: '.*\\.jpg', use_blob_urls: true,
      presign: true, presign_ttl: 15, recursive_scan: false, s3_endpoint: s3.endpoint, region_name: 'us-east-1', status: 'initialized', last_sync: null, sync_interval_minutes: null,
    });
    const body = JSON.stringify(created);
    expect(body).not.toContain(s3.secretAccessKey);
    expect(body).not.toContain(s3.accessKeyId);
    expect(created).not.toHaveProperty('aws_secret_access_key');
    expect(created).not.toHaveProperty('can_delete_objects');

    expect(await getJson(s, `/api/storages/s3?project=${project.id}`)).toEqual([created]);
    expect(await getJson(s, `/api/storages/?project=${project.id}`)).toEqual([created]);
    expect(await getJson(s, `/api/storages/s3/${created.id}`)).toEqual(created);
    expect(await getJson(s, '/api/storages/export/types')).toContainEqual({ name: 's3', title: 'AWS S3' });

    // a patch without keys keeps the stored ones (it validates against the bucket with them)
    const patched = await s.request({ method: 'PATCH', url: `/api/storages/s3/${created.id}`, payload: { title: 'Renamed', presign: false } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ title: 'Renamed', presign: false, bucket, prefix: 'images' });
    expect((await post('/api/storages/s3/validate', { project: project.id, id: created.id, bucket })).statusCode).toBe(200);

    const stranger = await outsider(s);
    expect((await s.request({ method: 'GET', url: `/api/storages/s3/${created.id}`, token: stranger.token })).statusCode).toBe(404);
    expect((await s.request({ method: 'DELETE', url: `/api/storages/s3/${created.id}` })).statusCode).toBe(204);
    expect((await s.request({ method: 'GET', url: `/api/storages/s3/${created.id}` })).statusCode).toBe(404);
  });

  it('answers 400 naming the field for a missing bucket, refused keys, an unreachable endpoint and bad values', async () => {
    const project = await makeProject(s, { config: IMAGE_CONFIG });
    const bucket = await freshBucket('invalid');
    const base = { project: project.id, ...s3Fields(s3, bucket) };
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ bucket: 'no-such-bucket-lf' }, 'bucket', /does not exist/],
      [{ bucket: null }, 'bucket', /required/],
      [{ bucket: 'bad/name' }, 'bucket', /letters, digits/],
      [{ aws_secret_access_key: 'wrong-secret' }, 'aws_secret_access_key', /secret access key was refused/],
      [{ aws_access_key_id: 'NOSUCHKEY' }, 'aws_access_key_id', /access key id is not known/],
      [{ s3_endpoint: 'http://127.0.0.1:9' }, 's3_endpoint', /not reachable/],
      [{ s3_endpoint: 'not a url' }, 's3_endpoint', /valid http/],
      [{ prefix: 'nothing-here' }, 'prefix', /No objects found/],
      [{ presign_ttl: 0 }, 'presign_ttl', /greater than or equal to 1/],
      [{ sync_interval_minutes: 'soon' }, 'sync_interval_minutes', /integer/],
    ];
    for (const [override, field, message] of cases) {
      for (const url of ['/api/storages/s3', '/api/storages/s3/validate']) {
        const res = await post(url, { ...base, ...override });
        expect(res.statusCode, `${url} ${JSON.stringify(override)}`).toBe(400);
        expect(res.json().validation_errors?.[field]?.join(' ') ?? res.body, `${url} ${JSON.stringify(override)}`).toMatch(message);
      }
    }
    const { aws_secret_access_key: _, ...onlyKeyId } = base;
    const half = await post('/api/storages/s3', onlyKeyId);
    expect(half.statusCode).toBe(400);
    expect(half.json().validation_errors).toEqual({ aws_secret_access_key: ['Access Key ID and Secret Access Key must be provided together.'] });
    expect(await getJson(s, `/api/storages/s3?project=${project.id}`)).toEqual([]);
  });
});

describe('S3 import storage: sync', () => {
  it('imports one task per object with its s3:// URI, and a re-sync lists but reads nothing and imports only new or changed objects', async () => {
    const project = await makeProject(s, { config: IMAGE_CONFIG });
    const { bucket } = await bucketWith('blobs', { 'img/1.jpg': 'one', 'img/2.jpg': 'two', 'img/notes.txt': 'skip me', 'img/sub/3.jpg': 'deep', 'other/4.jpg': 'elsewhere' });
    const storage = await createStorage(s, 's3', { project: project.id, prefix: 'img/', regex_filter: '.*\\.jpg$', use_blob_urls: true, ...s3Fields(s3, bucket) });

    const first = await sync(storage.id);
    expect(first).toMatchObject({ status: 'completed', last_sync_count: 2, traceback: null, last_sync_job: expect.any(String) });
    expect(first.last_sync).toEqual(expect.any(String));
    expect(await taskData(project.id)).toEqual([{ image: `s3://${bucket}/img/1.jpg` }, { image: `s3://${bucket}/img/2.jpg` }]);

    const again = await countGets(() => sync(storage.id));
    expect(again.result).toMatchObject({ status: 'completed', last_sync_count: 0 });
    expect(again.gets).toBe(0);

    await putAll(s3, bucket, { 'img/2.jpg': 'two, edited', 'img/5.jpg': 'five' });
    expect(await sync(storage.id)).toMatchObject({ status: 'completed', last_sync_count: 2 });
    expect((await taskData(project.id)).map((d) => d.image)).toEqual([1, 2, 2, 5].map((n) => `s3://${bucket}/img/${n}.jpg`));

    const recursive = await s.request({ method: 'PATCH', url: `/api/storages/s3/${storage.id}`, payload: { recursive_scan: true } });
    expect(recursive.json()).toMatchObject({ recursive_scan: true });
    expect(await sync(storage.id)).toMatchObject({ status: 'completed', last_sync_count: 1 });
    expect((await taskData(project.id)).at(-1)).toEqual({ image: `s3://${bucket}/img/sub/3.jpg` });
  });

  it('reads JSON objects as a task or a list of tasks, reading again only the objects whose ETag changed', async () => {
    const project = await makeProject(s);
    const { bucket } = await bucketWith('json', {
      'tasks/one.json': JSON.stringify({ data: { text: 'first' } }),
      'tasks/many.json': JSON.stringify([{ text: 'second' }, { data: { text: 'third' } }]),
      'tasks/three.json': JSON.stringify({ text: 'fourth' }),
    });
    const storage = await createStorage(s, 's3', { project: project.id, prefix: 'tasks', use_blob_urls: false, ...s3Fields(s3, bucket) });
    const first = await countGets(() => sync(storage.id));
    expect(first.result).toMatchObject({ status: 'completed', last_sync_count: 4 });
    expect(first.gets).toBe(3);

    await putAll(s3, bucket, { 'tasks/three.json': JSON.stringify({ text: 'fourth, edited' }), 'tasks/new.json': JSON.stringify({ text: 'fifth' }) });
    const second = await countGets(() => sync(storage.id));
    expect(second.result).toMatchObject({ status: 'completed', last_sync_count: 2 });
    expect(second.gets).toBe(2);
    expect((await taskData(project.id)).map((d) => d.text).sort()).toEqual(['fifth', 'first', 'fourth', 'fourth, edited', 'second', 'third']);
    expect((await countGets(() => sync(storage.id))).gets).toBe(0);
  });

  it('imports nothing when one object is bad, records failed with a traceback naming it, and imports all once fixed', async () => {
    const project = await makeProject(s);
    const { bucket } = await bucketWith('bad', { 'a.json': JSON.stringify({ text: 'fine' }), 'b.json': '{"text": broken' });
    const storage = await createStorage(s, 's3', { project: project.id, ...s3Fields(s3, bucket) });
    const failed = await sync(storage.id);
    expect(failed.status).toBe('failed');
    expect(failed.traceback).toContain('b.json is not valid JSON');
    expect(await taskData(project.id)).toEqual([]);

    await putAll(s3, bucket, { 'b.json': JSON.stringify({ text: 'fixed' }) });
    expect(await sync(storage.id)).toMatchObject({ status: 'completed', last_sync_count: 2, traceback: null });
    expect((await taskData(project.id)).map((d) => d.text).sort()).toEqual(['fine', 'fixed']);
  });

  it('records a sync against a bucket that went away as failed, never a 500', async () => {
    const project = await makeProject(s, { config: IMAGE_CONFIG });
    const { bucket } = await bucketWith('gone', { 'x.jpg': 'x' });
    const storage = await createStorage(s, 's3', { project: project.id, use_blob_urls: true, ...s3Fields(s3, bucket) });
    await s.ctx.db.query(`UPDATE storages SET settings = settings || '{"bucket": "deleted-bucket-lf"}' WHERE id = $1`, [storage.id]);
    const failed = await sync(storage.id);
    expect(failed).toMatchObject({ status: 'failed', bucket: 'deleted-bucket-lf' });
    expect(failed.traceback).toMatch(/bucket "deleted-bucket-lf" does not exist/);
  });

  it('runs the sync as a job: queued, then in progress, then completed, when the reply does not wait', async () => {
    const project = await makeProject(s, { config: IMAGE_CONFIG });
    const { bucket } = await bucketWith('queued', { 'q.jpg': 'q' });
    const storage = await createStorage(s, 's3', { project: project.id, use_blob_urls: true, ...s3Fields(s3, bucket) });
    await s.workers.stop();
    process.env.LABELFLEET_STORAGE_SYNC_WAIT_MS = '0';
    try {
      const queued = await sync(storage.id);
      expect(queued).toMatchObject({ status: 'queued', last_sync: null });
      expect((await sync(storage.id)).last_sync_job).toBe(queued.last_sync_job); // no second job while one waits
    } finally {
      delete process.env.LABELFLEET_STORAGE_SYNC_WAIT_MS;
      const { startWorkers } = await import('../../jobs/worker.js');
      s.workers = startWorkers(s.ctx, { error: () => undefined, warn: () => undefined }, { pollMs: 20 });
    }
    const done = await waitFor(async () => {
      const st = await getJson<Storage>(s, `/api/storages/s3/${storage.id}`);
      return st.status === 'completed' ? st : null;
    }, 'the queued sync');
    expect(done.last_sync_count).toBe(1);
  });

  it('syncs on a schedule: the scheduler queues a storage once its interval came round, and not again before the next', async () => {
    const project = await makeProject(s, { config: IMAGE_CONFIG });
    const { bucket } = await bucketWith('sched', { 's1.jpg': '1' });
    const storage = await createStorage(s, 's3', { project: project.id, use_blob_urls: true, sync_interval_minutes: 30, ...s3Fields(s3, bucket) });
    expect(storage.sync_interval_minutes).toBe(30);
    const minutes = (n: number) => new Date(Date.now() + n * 60_000);
    const ours = async (now: Date) => (await queueScheduledSyncs(s.ctx.db, now)).length > 0 && (await getJson<Storage>(s, `/api/storages/s3/${storage.id}`)).last_sync_job;

    expect(await ours(minutes(10))).toBe(false);
    const job = await ours(minutes(31));
    expect(job).toEqual(expect.any(String));
    await waitFor(async () => (await getJson<Storage>(s, `/api/storages/s3/${storage.id}`)).status === 'completed', 'the scheduled sync');
    expect((await getJson<Storage>(s, `/api/storages/s3/${storage.id}`)).last_sync_count).toBe(1);
    expect(await ours(minutes(45))).toBe(false);
    expect(await ours(minutes(62))).toEqual(expect.any(String));

    await s.request({ method: 'PATCH', url: `/api/storages/s3/${storage.id}`, payload: { sync_interval_minutes: null } });
    expect(await ours(minutes(200))).toBe(false);
  });
});
