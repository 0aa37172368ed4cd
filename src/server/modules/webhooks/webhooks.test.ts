import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainJobs } from '../../jobs/worker.js';
import { choice, makeProject, startTestServer, type TestServer } from '../../testing/harness.js';
import { annotate, getJson, importTasks, outsider } from '../tasks/task-fixtures.js';
import { startReceiver, type Receiver } from './test-receiver.js';

let s: TestServer;
const receivers: Receiver[] = [];
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await s?.close();
});

const receiver = async (opts: Parameters<typeof startReceiver>[0] = {}) => {
  const r = await startReceiver(opts);
  receivers.push(r);
  return r;
};

interface Hook {
  id: number;
  url: string;
  project: number | null;
  secret: string;
  [k: string]: unknown;
}

const createHook = async (payload: Record<string, unknown>, token?: string): Promise<Hook> => {
  const res = await s.request({ method: 'POST', url: '/api/webhooks/', payload, token });
  if (res.statusCode !== 201) throw new Error(`webhook create failed: ${res.statusCode} ${res.body}`);
  return res.json();
};
const deleteHook = (id: number) => s.request({ method: 'DELETE', url: `/api/webhooks/${id}` });
const deliveries = (id: number) => getJson<Record<string, unknown>[]>(s, `/api/webhooks/${id}/deliveries`);
const drain = (now?: Date) => drainJobs(s.ctx, { now });
const later = (t: Date, seconds: number) => new Date(t.getTime() + seconds * 1000);
const actionsOf = (r: Receiver) => r.delivered.map((d) => d.body.action);

describe('webhook CRUD', () => {
  it('creates, lists, gets, updates and deletes webhooks as plain JSON', async () => {
    const { id: project } = await makeProject(s);
    const hook = await createHook({ url: 'http://127.0.0.1:9/a', project, send_for_all_actions: false, actions: ['ANNOTATION_CREATED'], headers: { 'X-Token': 'abc' } });
    expect(hook).toMatchObject({ url: 'http://127.0.0.1:9/a', project, send_payload: true, send_for_all_actions: false, actions: ['ANNOTATION_CREATED'], headers: { 'X-Token': 'abc' }, is_active: true, consecutive_failures: 0 });
    expect(hook.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(hook.created_at).toMatch(/\.\d{6}Z$/);

    const listed = await getJson<Hook[]>(s, `/api/webhooks?project=${project}`);
    expect(listed.map((h) => h.id)).toEqual([hook.id]);
    expect(listed[0]).not.toHaveProperty('secret');
    expect((await getJson<Hook>(s, `/api/webhooks/${hook.id}/`)).url).toBe(hook.url);

    const patched = await s.request({ method: 'PATCH', url: `/api/webhooks/${hook.id}`, payload: { url: 'http://127.0.0.1:9/b', is_active: false, actions: ['TASKS_CREATED', 'TASKS_CREATED'] } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ url: 'http://127.0.0.1:9/b', is_active: false, actions: ['TASKS_CREATED'], project });
    expect(patched.json()).not.toHaveProperty('secret');

    const put = await s.request({ method: 'PUT', url: `/api/webhooks/${hook.id}/`, payload: { url: 'http://127.0.0.1:9/c', secret: 'my-own-secret-0123456789' } });
    expect(put.json()).toMatchObject({ url: 'http://127.0.0.1:9/c', secret: 'my-own-secret-0123456789' });

    expect((await deleteHook(hook.id)).statusCode).toBe(204);
    expect((await s.request({ method: 'GET', url: `/api/webhooks/${hook.id}` })).statusCode).toBe(404);
    expect(await getJson<Hook[]>(s, `/api/webhooks?project=${project}`)).toEqual([]);
  });

  it('lists organization-wide webhooks apart from project ones', async () => {
    const { id: project } = await makeProject(s);
    const org = await createHook({ url: 'http://127.0.0.1:9/org', is_active: false });
    const own = await createHook({ url: 'http://127.0.0.1:9/own', project, is_active: false });
    expect(org.project).toBeNull();
    const all = (await getJson<Hook[]>(s, '/api/webhooks')).map((h) => h.id);
    expect(all).toEqual(expect.arrayContaining([org.id, own.id]));
    expect((await getJson<Hook[]>(s, '/api/webhooks?project=null')).map((h) => h.id)).toContain(org.id);
    expect((await getJson<Hook[]>(s, '/api/webhooks?project=null')).map((h) => h.id)).not.toContain(own.id);
    await deleteHook(org.id);
    await deleteHook(own.id);
  });

  it('refuses bad URLs, header names and actions with Label Studio validation errors', async () => {
    const bad = async (payload: Record<string, unknown>) => {
      const res = await s.request({ method: 'POST', url: '/api/webhooks', payload });
      expect(res.statusCode).toBe(400);
      return res.json();
    };
    expect((await bad({ url: 'not a url' })).validation_errors).toHaveProperty('url');
    expect((await bad({ url: 'ftp://example.com/x' })).validation_errors).toHaveProperty('url');
    expect((await bad({ url: 'http://127.0.0.1:9/x', headers: { 'bad header': 'x' } })).validation_errors).toHaveProperty('headers');
    expect(Object.keys((await bad({ url: 'http://127.0.0.1:9/x', actions: ['NOT_AN_ACTION'] })).validation_errors)[0]).toMatch(/^actions/);
    const tooMany = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`h${i}`, 'v']));
    expect((await bad({ url: 'http://127.0.0.1:9/x', headers: tooMany })).validation_errors).toHaveProperty('headers');
  });

  it('hides webhooks of other organizations and keeps annotators out', async () => {
    const { id: project } = await makeProject(s);
    const hook = await createHook({ url: 'http://127.0.0.1:9/x', project, is_active: false });
    const other = await outsider(s);
    expect((await s.request({ method: 'GET', url: `/api/webhooks/${hook.id}`, token: other.token })).statusCode).toBe(404);
    expect((await s.request({ method: 'DELETE', url: `/api/webhooks/${hook.id}`, token: other.token })).statusCode).toBe(404);
    expect((await getJson<Hook[]>(s, '/api/webhooks', other.token)).map((h) => h.id)).not.toContain(hook.id);
    expect((await s.request({ method: 'POST', url: '/api/webhooks', payload: { url: 'http://127.0.0.1:9/y', project }, token: other.token })).statusCode).toBe(404);
    const annotator = await s.makeUser('annotator');
    expect((await s.request({ method: 'GET', url: '/api/webhooks', token: annotator.token })).statusCode).toBe(403);
    await deleteHook(hook.id);
  });

  it('describes every action at /api/webhooks/info, filtered by organization-only', async () => {
    const info = await getJson<Record<string, Record<string, unknown>>>(s, '/api/webhooks/info/');
    for (const action of ['ANNOTATION_CREATED', 'ANNOTATIONS_CREATED', 'ANNOTATION_UPDATED', 'ANNOTATIONS_DELETED', 'TASKS_CREATED', 'TASKS_DELETED', 'PROJECT_CREATED', 'PROJECT_UPDATED', 'PROJECT_DELETED']) {
      expect(info[action]).toMatchObject({ name: expect.any(String), description: expect.any(String), key: expect.any(String), 'organization-only': expect.any(Boolean) });
    }
    expect(Object.keys(await getJson(s, '/api/webhooks/info?organization-only=true')).sort()).toEqual(['PROJECT_CREATED', 'PROJECT_DELETED']);
    expect(Object.keys(await getJson(s, '/api/webhooks/info?organization-only=false'))).not.toContain('PROJECT_CREATED');
  });
});

describe('webhook delivery', () => {
  it('posts Label Studio payloads for task and annotation events, signed, with the custom headers', async () => {
    const r = await receiver();
    const { id: project } = await makeProject(s);
    const hook = await createHook({ url: `${r.url}/hook`, project, headers: { 'X-Api-Key': 'k-123' } });
    const [t1, t2] = await importTasks(s, project, [{ text: 'one' }, { text: 'two' }]);
    const ann = await annotate(s, t1, { result: [choice('positive')], lead_time: 2 });
    await s.request({ method: 'PATCH', url: `/api/annotations/${ann.id}`, payload: { result: [choice('negative')] } });
    await s.request({ method: 'DELETE', url: `/api/annotations/${ann.id}` });
    await s.request({ method: 'DELETE', url: `/api/tasks/${t2}` });
    await s.request({ method: 'PATCH', url: `/api/projects/${project}`, payload: { description: 'changed' } });
    expect(r.requests).toEqual([]); // nothing leaves before a worker runs
    await drain();

    expect(actionsOf(r)).toEqual(['TASKS_CREATED', 'ANNOTATION_CREATED', 'ANNOTATION_UPDATED', 'ANNOTATIONS_DELETED', 'TASKS_DELETED', 'PROJECT_UPDATED']);
    const [created, annCreated, annUpdated, annDeleted, tasksDeleted, projUpdated] = r.delivered.map((d) => d.body);
    expect(created.tasks).toMatchObject([{ id: t1, data: { text: 'one' }, project }, { id: t2, data: { text: 'two' }, project }]);
    expect(created.project).toMatchObject({ id: project, label_config: expect.stringContaining('<Choices'), task_number: 2 });
    expect(annCreated).toMatchObject({ annotation: { id: ann.id, task: t1, project, result: [choice('positive')], lead_time: 2 }, task: { id: t1, data: { text: 'one' } }, project: { id: project } });
    expect(annUpdated).toMatchObject({ annotation: { id: ann.id, result: [choice('negative')] }, task: { id: t1 } });
    expect(annDeleted).toMatchObject({ annotations: [{ id: ann.id }], project: { id: project } });
    expect(tasksDeleted).toMatchObject({ tasks: [{ id: t2 }], project: { id: project } });
    expect(projUpdated).toMatchObject({ project: { id: project, description: 'changed' } });

    for (const d of r.delivered) {
      expect(d.path).toBe('/hook');
      expect(d.headers['content-type']).toBe('application/json');
      expect(d.headers['x-api-key']).toBe('k-123');
      expect(d.headers['x-labelfleet-event']).toBe(d.body.action);
      expect(d.headers['x-labelfleet-delivery']).toMatch(/^[0-9a-f-]{36}$/);
      const expected = `sha256=${createHmac('sha256', hook.secret).update(d.raw).digest('hex')}`;
      expect(d.headers['x-labelfleet-signature']).toBe(expected);
    }
    const log = await deliveries(hook.id);
    expect(log).toHaveLength(6);
    expect(log[0]).toMatchObject({ action: 'PROJECT_UPDATED', attempt: 1, delivered: true, status_code: 200, error: null, response_body: '{"ok":true}' });
    expect((await getJson<Hook>(s, `/api/webhooks/${hook.id}`)).consecutive_failures).toBe(0);
    await deleteHook(hook.id);
  });

  it('sends only the action without send_payload, and only the chosen actions without send_for_all_actions', async () => {
    const bare = await receiver();
    const picky = await receiver();
    const { id: project, taskIds } = await makeProject(s, { tasks: 1 });
    const h1 = await createHook({ url: bare.url, project, send_payload: false });
    const h2 = await createHook({ url: picky.url, project, send_for_all_actions: false, actions: ['ANNOTATION_CREATED'] });
    await annotate(s, taskIds[0], { result: [choice('positive')] });
    await importTasks(s, project, [{ text: 'more' }]);
    await drain();
    expect(bare.delivered.map((d) => d.body)).toEqual([{ action: 'ANNOTATION_CREATED' }, { action: 'TASKS_CREATED' }]);
    expect(actionsOf(picky)).toEqual(['ANNOTATION_CREATED']);
    await deleteHook(h1.id);
    await deleteHook(h2.id);
  });

  it('sends project life-cycle events to organization-wide webhooks only, and nothing to inactive ones', async () => {
    const org = await receiver();
    const off = await receiver();
    const orgHook = await createHook({ url: org.url });
    const offHook = await createHook({ url: off.url, is_active: false });
    const { id: project } = await makeProject(s, { title: 'Lifecycle' });
    const projectHook = await createHook({ url: off.url, project });
    await s.request({ method: 'DELETE', url: `/api/projects/${project}` });
    await drain();
    expect(actionsOf(org)).toEqual(['PROJECT_CREATED', 'PROJECT_DELETED']);
    expect(org.delivered[0].body).toMatchObject({ project: { id: project, title: 'Lifecycle' } });
    expect(org.delivered[1].body).toEqual({ action: 'PROJECT_DELETED', project: { id: project } });
    expect(off.requests).toEqual([]);
    expect((await s.request({ method: 'GET', url: `/api/webhooks/${projectHook.id}` })).statusCode).toBe(404); // went with its project
    await deleteHook(orgHook.id);
    await deleteHook(offHook.id);
  });

  it('keeps a project webhook to its own project', async () => {
    const r = await receiver();
    const a = await makeProject(s);
    const b = await makeProject(s);
    const hook = await createHook({ url: r.url, project: a.id });
    await importTasks(s, b.id, [{ text: 'elsewhere' }]);
    await importTasks(s, a.id, [{ text: 'here' }]);
    await drain();
    expect(r.delivered.map((d) => (d.body.project as { id: number }).id)).toEqual([a.id]);
    await deleteHook(hook.id);
  });

  it('announces bulk annotation changes of Data Manager actions', async () => {
    const r = await receiver();
    const { id: project, taskIds } = await makeProject(s, { tasks: 2 });
    for (const t of taskIds) await s.request({ method: 'POST', url: '/api/predictions', payload: { task: t, result: [choice('positive')], model_version: 'm1' } });
    const hook = await createHook({ url: r.url, project });
    const act = (id: string) => s.request({ method: 'POST', url: `/api/dm/actions?id=${id}&project=${project}`, payload: { selectedItems: { all: true, excluded: [] } } });
    expect((await act('predictions_to_annotations')).statusCode).toBe(200);
    expect((await act('delete_tasks_annotations')).statusCode).toBe(200);
    await drain();
    expect(actionsOf(r)).toEqual(['ANNOTATIONS_CREATED', 'ANNOTATIONS_DELETED']);
    const created = r.delivered[0].body as { annotation: { id: number; task: number }[]; task: { id: number }[] };
    expect(created.annotation.map((x) => x.task).sort()).toEqual([...taskIds].sort());
    expect(created.task.map((x) => x.id).sort()).toEqual([...taskIds].sort());
    const deleted = r.delivered[1].body as { annotations: { id: number }[] };
    expect(deleted.annotations.map((x) => x.id).sort()).toEqual(created.annotation.map((x) => x.id).sort());
    await deleteHook(hook.id);
  });

  it('retries a failing receiver with exponential backoff and delivers exactly once, in order per task', async () => {
    const r = await receiver({ failFirst: 2 });
    const { id: project, taskIds } = await makeProject(s, { tasks: 1 });
    const hook = await createHook({ url: r.url, project, send_for_all_actions: false, actions: ['ANNOTATION_CREATED', 'ANNOTATION_UPDATED'] });
    const ann = await annotate(s, taskIds[0], { result: [choice('positive')] });
    await s.request({ method: 'PATCH', url: `/api/annotations/${ann.id}`, payload: { result: [choice('negative')] } });
    const t0 = new Date();

    expect(await drain(t0)).toBe(1); // first attempt fails; the update waits behind it
    expect(r.requests.map((x) => x.body.action)).toEqual(['ANNOTATION_CREATED']);
    expect(await drain(later(t0, 0.9))).toBe(0); // backoff: 1 s
    expect(await drain(later(t0, 1))).toBe(1); // second attempt fails
    expect(await drain(later(t0, 2.9))).toBe(0); // backoff: 2 s more
    expect(await drain(later(t0, 3))).toBe(2); // third attempt delivers, then the update goes
    expect(r.requests.map((x) => x.body.action)).toEqual(['ANNOTATION_CREATED', 'ANNOTATION_CREATED', 'ANNOTATION_CREATED', 'ANNOTATION_UPDATED']);
    expect(actionsOf(r)).toEqual(['ANNOTATION_CREATED', 'ANNOTATION_UPDATED']);
    expect(new Set(r.requests.slice(0, 3).map((x) => x.headers['x-labelfleet-delivery'])).size).toBe(1); // one delivery, three attempts
    expect(new Set(r.delivered.map((x) => x.headers['x-labelfleet-delivery'])).size).toBe(2);
    expect(await drain(later(t0, 3600))).toBe(0);
    expect(r.delivered).toHaveLength(2);

    const log = (await deliveries(hook.id)).reverse();
    expect(log.map((d) => [d.action, d.attempt, d.delivered, d.status_code])).toEqual([
      ['ANNOTATION_CREATED', 1, false, 503],
      ['ANNOTATION_CREATED', 2, false, 503],
      ['ANNOTATION_CREATED', 3, true, 200],
      ['ANNOTATION_UPDATED', 1, true, 200],
    ]);
    expect(log[0].error).toBe('HTTP 503');
    await deleteHook(hook.id);
  });

  it('gives a delivery up after its last attempt, counts the failures and moves on', async () => {
    const r = await receiver({ failFirst: 1000 });
    const { id: project } = await makeProject(s);
    const hook = await createHook({ url: r.url, project, send_for_all_actions: false, actions: ['TASKS_CREATED'] });
    await importTasks(s, project, [{ text: 'a' }]);
    await importTasks(s, project, [{ text: 'b' }]);
    let t = new Date();
    for (let i = 0; i < 10; i++) {
      t = later(t, 3600);
      await drain(t);
    }
    expect(r.requests.filter((x) => (x.body.tasks as { data: { text: string } }[])[0].data.text === 'a')).toHaveLength(10);
    expect((await getJson<Hook>(s, `/api/webhooks/${hook.id}`)).consecutive_failures).toBeGreaterThanOrEqual(10);
    r.failNext(0);
    await drain(later(t, 3600));
    expect(r.delivered.map((x) => (x.body.tasks as { data: { text: string } }[])[0].data.text)).toEqual(['b']);
    expect((await getJson<Hook>(s, `/api/webhooks/${hook.id}`)).consecutive_failures).toBe(0);
    await deleteHook(hook.id);
  });

  it('does not retry a URL that answers 404, so later deliveries are not held back', async () => {
    const r = await receiver({ respond: (x) => ((x.body.tasks as { data: { text: string } }[])[0].data.text === 'lost' ? { status: 404, body: {} } : null) });
    const { id: project } = await makeProject(s);
    const hook = await createHook({ url: r.url, project, send_for_all_actions: false, actions: ['TASKS_CREATED'] });
    await importTasks(s, project, [{ text: 'lost' }]);
    await importTasks(s, project, [{ text: 'found' }]);
    await drain();
    expect(r.requests.map((x) => (x.body.tasks as { data: { text: string } }[])[0].data.text)).toEqual(['lost', 'found']);
    expect((await deliveries(hook.id)).map((d) => [d.status_code, d.delivered])).toEqual([[200, true], [404, false]]);
    await deleteHook(hook.id);
  });

  it('splits a large import into deliveries of 100 tasks, read when each is sent', async () => {
    const r = await receiver();
    const { id: project } = await makeProject(s);
    const hook = await createHook({ url: r.url, project, send_for_all_actions: false, actions: ['TASKS_CREATED'] });
    const ids = await importTasks(s, project, Array.from({ length: 1050 }, (_, i) => ({ text: `t${i}` })));
    await drain();
    const sent = r.delivered.map((d) => (d.body.tasks as { id: number }[]).map((t) => t.id));
    expect(sent.map((x) => x.length)).toEqual([...Array(10).fill(100), 50]);
    expect(sent.flat()).toEqual(ids);
    expect(r.delivered[0].body.project).toMatchObject({ id: project, task_number: 1050 });
    await deleteHook(hook.id);
  });

  it('logs a refused connection as a failed attempt', async () => {
    const r = await receiver();
    const url = r.url;
    await r.close();
    const { id: project } = await makeProject(s);
    const hook = await createHook({ url, project, send_for_all_actions: false, actions: ['TASKS_CREATED'] });
    await importTasks(s, project, [{ text: 'x' }]);
    await drain();
    const [attempt] = await deliveries(hook.id);
    expect(attempt).toMatchObject({ action: 'TASKS_CREATED', attempt: 1, delivered: false, status_code: null });
    expect(attempt.error).toMatch(/ECONNREFUSED|fetch failed/);
    await deleteHook(hook.id);
  });
});
