import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../testing/harness.js';
import { IMAGE_CHOICES, seedFiles, signIn, startAnnotator, withCookie, type Call } from './fleet-fixtures.js';

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

  it('lists again on assignment once the listing is older than fleet.sourceRescanSeconds', async () => {
    seedFiles(s, 'images/stale', ['a.jpg']);
    const wf = (await admin('POST', '/api/workflows', { name: 'Stale', labelingConfigId: configId, s3SourcePath: 'images/stale/', s3ExportPath: 'out/stale', imagesPerProject: 5, autoAssign: false })).json();
    expect((await assign(wf.id)).statusCode).toBe(200);
    seedFiles(s, 'images/stale', ['b.jpg', 'c.jpg']);
    expect((await assign(wf.id)).statusCode).toBe(409);

    // time passes: the listing is older than the default 60 s
    await s.ctx.db.query(`UPDATE workflows SET source_listed_at = now() - interval '61 seconds' WHERE id = $1`, [wf.id]);
    const later = await assign(wf.id);
    expect(later.statusCode).toBe(200);
    expect((await keysOf(later.json().assignment.id)).sort()).toEqual(['images/stale/b.jpg', 'images/stale/c.jpg']);

    // with the rescan turned off, a stale listing stays as it is
    await admin('PUT', '/api/settings/fleet.sourceRescanSeconds', { value: 0 });
    seedFiles(s, 'images/stale', ['d.jpg']);
    await s.ctx.db.query(`UPDATE workflows SET source_listed_at = now() - interval '1 day' WHERE id = $1`, [wf.id]);
    expect((await assign(wf.id)).statusCode).toBe(409);
    await admin('PUT', '/api/settings/fleet.sourceRescanSeconds', { value: 60 });
  });

  it('keeps a folder prefix from matching its siblings', async () => {
    seedFiles(s, 'images/cat', ['one.jpg']);
    seedFiles(s, 'images/cats', ['two.jpg']);
    const wf = (await admin('POST', '/api/workflows', { name: 'Prefix', labelingConfigId: configId, s3SourcePath: 'images/cat', s3ExportPath: 'out/cat', autoAssign: false })).json();
    expect(wf.totalImagesAvailable).toBe(1);
  });
});
