import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../testing/harness.js';
import { catOrDog, IMAGE_CHOICES, numbered, seedFiles, signIn, startAnnotator, waitFor, withCookie, withToken, type Call } from './fleet-fixtures.js';
import { reconcile } from './reconcile.js';

let s: TestServer;
let admin: Call;

beforeAll(async () => {
  s = await startTestServer();
  admin = withCookie(s, await signIn(s));
  seedFiles(s, 'images/hook', numbered(30));
  const config = (await admin('POST', '/api/labeling-configs', { name: 'Pets', configXml: IMAGE_CHOICES })).json();
  await admin('POST', '/api/workflows', { name: 'Hook', labelingConfigId: config.id, s3SourcePath: 'images/hook/', s3ExportPath: 'out/hook/', imagesPerProject: 2, shuffleImages: false });
});
afterAll(async () => s?.close());

/** A started annotator with their webhook secret and their open batch's tasks. */
async function annotatorWithBatch(email: string) {
  const created = (await admin('POST', '/api/annotators', { name: email.split('@')[0], email })).json();
  await startAnnotator(admin, created.id);
  const batch = await waitFor(async () => (await admin('GET', `/api/assignments?annotatorId=${created.id}&status=pending`)).json().data[0], 'a batch');
  const detail = (await admin('GET', `/api/assignments/${batch.id}`)).json();
  const secret = (await admin('GET', `/api/annotators/${created.id}`)).json().webhookSecret as string;
  return { id: created.id as number, token: created.apiToken as string, secret, assignment: detail };
}

const hook = (annotatorId: number | string, secret: string | null, body: unknown) =>
  s.request({ method: 'POST', url: '/api/webhook', token: null, headers: { 'x-annotator-id': String(annotatorId), ...(secret === null ? {} : { 'x-webhook-secret': secret }) }, payload: body as object });

const created = (annotationId: number, taskId: number, action = 'ANNOTATION_CREATED') => ({
  action,
  annotation: { id: annotationId, created_at: '2026-04-06T12:00:00Z', updated_at: '2026-04-06T12:00:00Z', lead_time: 12.5, result: catOrDog('cat'), task: taskId, completed_by: 1 },
  project: { id: 1, title: 'LS' },
  task: { id: taskId, data: { image: 'x' } },
});

describe('POST /api/webhook', () => {
  it('refuses a missing or wrong secret before looking at the body', async () => {
    const a = await annotatorWithBatch('hooked@example.com');
    for (const [id, secret] of [
      [a.id, null],
      [a.id, 'wrong'],
      ['abc', a.secret],
      [a.id + 1000, a.secret],
    ] as const) {
      const res = await hook(id, secret, { nonsense: true });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: 'Unauthorized' });
    }
    const bad = await hook(a.id, a.secret, { action: 'SOMETHING', annotation: {} });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toBe('Validation failed');
    expect(bad.json().details.map((d: { path: string[] }) => d.path.join('.'))).toEqual(expect.arrayContaining(['action', 'annotation.id']));
  });

  it('records each annotation event once, marks tasks done and completes the batch', async () => {
    const a = await annotatorWithBatch('twice@example.com');
    const [t1, t2] = a.assignment.tasks.map((t: { lsTaskId: number }) => t.lsTaskId);
    for (let i = 0; i < 3; i++) {
      const res = await hook(a.id, a.secret, created(9001, t1));
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ ok: true });
    }
    expect((await hook(a.id, a.secret, created(9001, t1, 'ANNOTATION_UPDATED'))).json()).toEqual({ ok: true });
    const events = (await admin('GET', `/api/events?annotatorId=${a.id}&type=annotation`)).json();
    expect(events.data.map((e: { eventType: string }) => e.eventType)).toEqual(['annotation_updated', 'annotation_created']);
    expect(events.data[1]).toMatchObject({ lsTaskId: t1, lsAnnotationId: 9001, timeSpentMs: 12500, source: 'webhook', assignmentId: a.assignment.id });
    expect((await admin('GET', `/api/assignments/${a.assignment.id}`)).json()).toMatchObject({ completedCount: 1, status: 'in_progress' });

    await hook(a.id, a.secret, created(9002, t2));
    expect((await admin('GET', `/api/assignments/${a.assignment.id}`)).json()).toMatchObject({ completedCount: 2, status: 'completed' });
    expect((await admin('GET', `/api/annotators/${a.id}`)).json().lastActiveAt).not.toBeNull();
  });

  it("does not let one annotator's webhook mark another's task", async () => {
    const a = await annotatorWithBatch('owner@example.com');
    const other = await annotatorWithBatch('intruder@example.com');
    const res = await hook(other.id, other.secret, created(9100, a.assignment.tasks[0].lsTaskId));
    expect(res.statusCode).toBe(200);
    expect((await admin('GET', `/api/assignments/${a.assignment.id}`)).json().completedCount).toBe(0);
  });
});

describe('annotations saved through our own Label Studio API', () => {
  it('mark tasks done natively, and a deleted annotation undoes its task', async () => {
    const a = await annotatorWithBatch('native@example.com');
    const ls = withToken(s, a.token);
    const task = a.assignment.tasks[0].lsTaskId;
    const created = (await ls('POST', `/api/tasks/${task}/annotations`, { result: catOrDog('cat'), lead_time: 2 })).json();
    expect((await admin('GET', `/api/assignments/${a.assignment.id}`)).json()).toMatchObject({ completedCount: 1, status: 'in_progress' });
    expect((await ls('DELETE', `/api/annotations/${created.id}`)).statusCode).toBe(204);
    const after = (await admin('GET', `/api/assignments/${a.assignment.id}`)).json();
    expect(after.completedCount).toBe(0);
    expect(after.tasks[0]).toMatchObject({ lsAnnotationId: null, completedAt: null });
    const types = (await admin('GET', `/api/events?annotatorId=${a.id}&type=annotation`)).json().data.map((e: { eventType: string }) => e.eventType);
    expect(types).toEqual(['annotation_deleted', 'annotation_created']);
  });
});

describe('POST /api/annotators/:id/token', () => {
  it('stores the token an instance reports, proven by the webhook secret', async () => {
    const a = (await admin('POST', '/api/annotators', { name: 'Tok', email: 'tok@example.com' })).json();
    const secret = (await admin('GET', `/api/annotators/${a.id}`)).json().webhookSecret;
    const post = (headers: Record<string, string>, payload: object) => s.request({ method: 'POST', url: `/api/annotators/${a.id}/token`, token: null, headers, payload });
    expect((await post({ 'x-webhook-secret': 'nope' }, { token: 'abc' })).statusCode).toBe(401);
    expect((await post({}, { token: 'abc' })).statusCode).toBe(401);
    expect((await post({ 'x-webhook-secret': secret }, {})).statusCode).toBe(400);
    const ok = await post({ 'x-webhook-secret': secret }, { token: 'ls-token-123' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ success: true });
    const stored = await s.ctx.db.query<{ reported_token: string }>('SELECT reported_token FROM annotators WHERE id = $1', [a.id]);
    expect(stored[0].reported_token).toBe('ls-token-123');
  });
});

describe('POST /api/reconcile', () => {
  it('repairs progress that events missed and completes the batch once, however many callers', async () => {
    const a = await annotatorWithBatch('missed@example.com');
    const ls = withToken(s, a.token);
    for (const t of a.assignment.tasks) expect((await ls('POST', `/api/tasks/${t.lsTaskId}/annotations`, { result: catOrDog('dog') })).statusCode).toBe(201);
    // pretend the events never arrived
    await s.ctx.db.query('DELETE FROM annotation_events WHERE annotator_id = $1', [a.id]);
    await s.ctx.db.query('UPDATE assignment_tasks SET completed_at = NULL, ls_annotation_id = NULL WHERE assignment_id = $1', [a.assignment.id]);
    await s.ctx.db.query(`UPDATE assignments SET status = 'pending', completed_count = 0, completed_at = NULL WHERE id = $1`, [a.assignment.id]);
    await s.ctx.db.query(`UPDATE assignments SET status = 'cancelled' WHERE annotator_id = $1 AND id <> $2 AND status = 'pending'`, [a.id, a.assignment.id]);

    const runs = await Promise.all(Array.from({ length: 4 }, () => admin('POST', '/api/reconcile')));
    const ok = runs.filter((r) => r.statusCode === 200);
    expect(ok.length).toBeGreaterThan(0);
    for (const r of runs.filter((x) => x.statusCode !== 200)) {
      expect(r.statusCode).toBe(409);
      expect(r.json()).toEqual({ error: 'Reconcile is already running' });
    }
    expect(ok.reduce((n, r) => n + r.json().completed, 0)).toBe(1);
    for (const r of ok) expect(r.json().errors).toEqual([]);
    expect((await admin('GET', `/api/assignments/${a.assignment.id}`)).json()).toMatchObject({ status: 'completed', completedCount: 2 });
    const events = (await admin('GET', `/api/events?annotatorId=${a.id}&type=annotation`)).json().data;
    expect(events.map((e: { source: string }) => e.source)).toEqual(['reconcile', 'reconcile']);
  });

  it('finishes a workspace start that was cut short', async () => {
    const a = (await admin('POST', '/api/annotators', { name: 'Stuck', email: 'stuck@example.com' })).json();
    await s.ctx.db.query(`UPDATE annotators SET status = 'starting' WHERE id = $1`, [a.id]);
    await s.ctx.db.query(`INSERT INTO container_events (annotator_id, event_type, from_status, to_status, created_at) VALUES ($1, 'starting', 'created', 'starting', now() - interval '2 minutes')`, [a.id]);
    expect((await admin('POST', '/api/reconcile')).statusCode).toBe(200);
    expect((await admin('GET', `/api/annotators/${a.id}/status`)).json()).toMatchObject({ status: 'active', containerId: `labelfleet-workspace-${a.id}` });
  });

  it('answers 409 to a second caller while a run holds the lock (advisory lock on PostgreSQL, a mutex on PGlite)', async () => {
    const second = async () => {
      const res = await admin('POST', '/api/reconcile');
      expect(res.statusCode).toBe(409);
      expect(res.json()).toEqual({ error: 'Reconcile is already running' });
    };
    if (s.ctx.db.kind === 'postgres') {
      // another node's run: a transaction holding the advisory lock
      await s.ctx.db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock(727004, 1)');
        await second();
      });
    } else {
      const first = reconcile(s.ctx, 1);
      await second();
      expect((await first).errors).toEqual([]);
    }
    expect((await admin('POST', '/api/reconcile')).statusCode).toBe(200);
  });
});
