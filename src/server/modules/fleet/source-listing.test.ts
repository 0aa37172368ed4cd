import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainJobs } from '../../jobs/worker.js';
import { startTestServer, type TestServer } from '../../testing/harness.js';
import { IMAGE_CHOICES, seedFiles, signIn, startAnnotator, withCookie, type Call } from './fleet-fixtures.js';
import { sourceSyncSubject } from './source-sync.js';

let s: TestServer;
let admin: Call;
let configId: number;
let annotatorId: number;

beforeAll(async () => {
  s = await startTestServer();
  admin = withCookie(s, await signIn(s));
  configId = (await admin('POST', '/api/labeling-configs', { name: 'Pets', configXml: IMAGE_CHOICES })).json().id;
  annotatorId = (await admin('POST', '/api/annotators', { name: 'Lister', email: 'lister@example.com' })).json().id;
  await startAnnotator(admin, annotatorId);
});
afterAll(async () => s?.close());

const assign = async (workflowId: number) => admin('POST', `/api/workflows/${workflowId}/assign`, { annotatorId });
const keysOf = async (assignmentId: number) => (await admin('GET', `/api/assignments/${assignmentId}`)).json().tasks.map((t: { imageKey: string }) => t.imageKey);

describe('source listing', () => {
  it('lists the folder when the workflow is created and on sync, not on every assignment', async () => {
    seedFiles(s, 'images/listed', ['a.jpg', 'b.jpg']);
    const wf = (await admin('POST', '/api/workflows', { name: 'Listed', labelingConfigId: configId, s3SourcePath: 'images/listed', s3ExportPath: 'out/listed', imagesPerProject: 1, shuffleImages: false, autoAssign: false })).json();
    expect(wf).toMatchObject({ totalImagesAvailable: 2, totalImagesAssigned: 0 });

    // uploaded after the listing: assignments work from the recorded items only
    seedFiles(s, 'images/listed', ['c.jpg']);
    const first = await assign(wf.id);
    const second = await assign(wf.id);
    expect([...(await keysOf(first.json().assignment.id)), ...(await keysOf(second.json().assignment.id))]).toEqual(['images/listed/a.jpg', 'images/listed/b.jpg']);
    expect((await assign(wf.id)).statusCode).toBe(409);

    const synced = await admin('POST', `/api/workflows/${wf.id}/sync`);
    expect(synced.json()).toMatchObject({ success: true, added: 1, workflow: { totalImagesAvailable: 3, totalImagesAssigned: 2 } });
    expect((await admin('POST', `/api/workflows/${wf.id}/sync`)).json().added).toBe(0);
    const third = await assign(wf.id);
    expect(await keysOf(third.json().assignment.id)).toEqual(['images/listed/c.jpg']);
    expect((await admin('GET', `/api/workflows/${wf.id}`)).json()).toMatchObject({ totalImagesAvailable: 3, totalImagesAssigned: 3 });
  });

  it('queues a re-listing job on assignment once the listing is older than fleet.sourceRescanSeconds', async () => {
    seedFiles(s, 'images/stale', ['a.jpg']);
    const wf = (await admin('POST', '/api/workflows', { name: 'Stale', labelingConfigId: configId, s3SourcePath: 'images/stale/', s3ExportPath: 'out/stale', imagesPerProject: 5, autoAssign: false })).json();
    expect((await assign(wf.id)).statusCode).toBe(200);
    seedFiles(s, 'images/stale', ['b.jpg', 'c.jpg']);
    expect((await assign(wf.id)).statusCode).toBe(409);
    const jobs = () => s.ctx.db.query<{ state: string }>('SELECT state FROM jobs WHERE subject = $1 ORDER BY id', [sourceSyncSubject(wf.id)]);
    expect(await jobs()).toEqual([]);

    // time passes: the listing is older than the default 60 s. The assignment does not wait for a listing: it
    // hands out what is recorded (nothing) and queues one job, however many assignments notice
    await s.ctx.db.query(`UPDATE workflows SET source_listed_at = now() - interval '61 seconds' WHERE id = $1`, [wf.id]);
    expect((await assign(wf.id)).statusCode).toBe(409);
    expect((await assign(wf.id)).statusCode).toBe(409);
    expect(await jobs()).toEqual([{ state: 'queued' }]);
    expect(await drainJobs(s.ctx)).toBe(1);
    expect(await jobs()).toEqual([{ state: 'done' }]);
    expect((await admin('GET', `/api/workflows/${wf.id}`)).json()).toMatchObject({ totalImagesAvailable: 3, totalImagesAssigned: 1 });
    const later = await assign(wf.id);
    expect(later.statusCode).toBe(200);
    expect((await keysOf(later.json().assignment.id)).sort()).toEqual(['images/stale/b.jpg', 'images/stale/c.jpg']);

    // with the rescan turned off, a stale listing stays as it is
    await admin('PUT', '/api/settings/fleet.sourceRescanSeconds', { value: 0 });
    seedFiles(s, 'images/stale', ['d.jpg']);
    await s.ctx.db.query(`UPDATE workflows SET source_listed_at = now() - interval '1 day' WHERE id = $1`, [wf.id]);
    expect((await assign(wf.id)).statusCode).toBe(409);
    expect(await jobs()).toHaveLength(1);
    await admin('PUT', '/api/settings/fleet.sourceRescanSeconds', { value: 60 });
  });

  it('marks items deleted from the source gone, never assigns them, and revives them when they come back', async () => {
    seedFiles(s, 'images/vanish', ['Zebra.jpg', 'apple.jpg', 'Mango.jpg', 'banana.jpg', 'cherry.jpg']);
    const wf = (await admin('POST', '/api/workflows', { name: 'Vanish', labelingConfigId: configId, s3SourcePath: 'images/vanish', s3ExportPath: 'out/vanish', imagesPerProject: 1, shuffleImages: false, autoAssign: false })).json();
    expect(wf.totalImagesAvailable).toBe(5);
    const first = await assign(wf.id);
    const firstKey = (await keysOf(first.json().assignment.id))[0];

    const dir = path.join(s.dataDir, 'storage', 'labelfleet', 'images', 'vanish');
    const gone = ['Zebra.jpg', 'banana.jpg', 'cherry.jpg'].filter((n) => `images/vanish/${n}` !== firstKey).slice(0, 2);
    for (const n of [...gone, firstKey.split('/').pop()!]) fs.rmSync(path.join(dir, n));
    const synced = (await admin('POST', `/api/workflows/${wf.id}/sync`)).json();
    // the assigned item stays assigned though its object went; the two unassigned deletions are gone
    expect(synced).toMatchObject({ added: 0, workflow: { totalImagesAvailable: 3, totalImagesAssigned: 1 } });
    const statuses = await s.ctx.db.query<{ item_key: string; status: string }>('SELECT item_key, status FROM workflow_items WHERE workflow_id = $1 ORDER BY item_key', [wf.id]);
    expect(statuses.filter((r) => r.status === 'gone').map((r) => r.item_key).sort()).toEqual(gone.map((n) => `images/vanish/${n}`).sort());

    const handed: string[] = [firstKey];
    for (;;) {
      const res = await assign(wf.id);
      if (res.statusCode === 409) break;
      handed.push(...(await keysOf(res.json().assignment.id)));
    }
    expect(handed).toHaveLength(3);
    for (const n of gone) expect(handed).not.toContain(`images/vanish/${n}`);

    // reconcile recomputes the counters the same way
    expect((await admin('POST', '/api/reconcile')).statusCode).toBe(200);
    expect((await admin('GET', `/api/workflows/${wf.id}`)).json()).toMatchObject({ totalImagesAvailable: 3, totalImagesAssigned: 3 });

    // uploaded again: available again, and handed out
    seedFiles(s, 'images/vanish', [gone[0]]);
    expect((await admin('POST', `/api/workflows/${wf.id}/sync`)).json()).toMatchObject({ added: 0, workflow: { totalImagesAvailable: 4, totalImagesAssigned: 3 } });
    expect(await keysOf((await assign(wf.id)).json().assignment.id)).toEqual([`images/vanish/${gone[0]}`]);
  });

  it('keeps a folder prefix from matching its siblings', async () => {
    seedFiles(s, 'images/cat', ['one.jpg']);
    seedFiles(s, 'images/cats', ['two.jpg']);
    const wf = (await admin('POST', '/api/workflows', { name: 'Prefix', labelingConfigId: configId, s3SourcePath: 'images/cat', s3ExportPath: 'out/cat', autoAssign: false })).json();
    expect(wf.totalImagesAvailable).toBe(1);
  });
});
