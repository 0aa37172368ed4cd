import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainJobs } from '../../jobs/worker.js';
import { choice, makeProject, startTestServer, TEXT_CONFIG, type TestServer } from '../../testing/harness.js';
import { annotate, getJson, importTasks, outsider, patchProject } from '../tasks/task-fixtures.js';
import { startFakeBackend, type FakeBackend } from './fake-backend.js';

let s: TestServer;
const backends: FakeBackend[] = [];
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await Promise.all(backends.map((b) => b.close()));
  await s?.close();
});

const fake = async (state: Parameters<typeof startFakeBackend>[0] = {}) => {
  const b = await startFakeBackend(state);
  backends.push(b);
  return b;
};

interface Ml {
  id: number;
  project: number;
  state: string;
  model_version: string;
  error_message: string | null;
  [k: string]: unknown;
}

const connect = async (project: number, url: string, extra: Record<string, unknown> = {}): Promise<Ml> => {
  const res = await s.request({ method: 'POST', url: '/api/ml/', payload: { project, url, ...extra } });
  if (res.statusCode !== 201) throw new Error(`ml create failed: ${res.statusCode} ${res.body}`);
  return res.json();
};
const getMl = (id: number) => getJson<Ml>(s, `/api/ml/${id}`);
const drain = (now?: Date) => drainJobs(s.ctx, { now });
const later = (seconds: number) => new Date(Date.now() + seconds * 1000);
const predictionsOf = async (taskId: number) => (await getJson<{ predictions: { score: number; model_version: string; result: unknown[] }[] }>(s, `/api/tasks/${taskId}`)).predictions;
const dmAction = (project: number, id: string, body: Record<string, unknown> = {}) =>
  s.request({ method: 'POST', url: `/api/dm/actions?id=${id}&project=${project}`, payload: { selectedItems: { all: true, excluded: [] }, ...body } });

describe('connecting ML backends', () => {
  it('checks /health, sends /setup, tracks the model version and creates the project webhook', async () => {
    const b = await fake({ version: 'v7' });
    const { id: project } = await makeProject(s);
    const ml = await connect(project, `${b.url}/`, { title: 'Sentiment', extra_params: { threshold: 0.3 } });
    expect(ml).toMatchObject({ project, url: `${b.url}/`, title: 'Sentiment', state: 'CO', readable_state: 'Connected', error_message: null, model_version: 'v7', is_interactive: false, auth_method: 'NONE', basic_auth_pass_is_set: false, timeout: 100, auto_update: true, extra_params: { threshold: 0.3 } });
    expect(b.calls('/health')).toHaveLength(1);
    const p = await getJson<{ created_at: string }>(s, `/api/projects/${project}`);
    expect(b.calls('/setup')[0].body).toEqual({
      project: `${project}.${Math.floor(Date.parse(p.created_at) / 1000)}`,
      schema: TEXT_CONFIG,
      hostname: 'http://localhost:80',
      access_token: s.adminToken,
      model_version: null,
      extra_params: { threshold: 0.3 },
    });
    const hooks = await getJson<{ url: string; send_payload: boolean; send_for_all_actions: boolean }[]>(s, `/api/webhooks?project=${project}`);
    expect(hooks).toMatchObject([{ url: `${b.url}/webhook`, send_payload: true, send_for_all_actions: true }]);

    expect((await getJson<Ml[]>(s, `/api/ml?project=${project}`)).map((x) => x.id)).toEqual([ml.id]);
    const patched = await s.request({ method: 'PATCH', url: `/api/ml/${ml.id}`, payload: { title: 'Renamed' } });
    expect(patched.json()).toMatchObject({ title: 'Renamed', state: 'CO' });
    expect((await s.request({ method: 'DELETE', url: `/api/ml/${ml.id}/` })).statusCode).toBe(204);
    expect((await s.request({ method: 'GET', url: `/api/ml/${ml.id}` })).statusCode).toBe(404);
    expect(await getJson(s, `/api/webhooks?project=${project}`)).toEqual([]);
  });

  it('refuses a backend that does not answer /health, or whose /setup fails', async () => {
    const { id: project } = await makeProject(s);
    const down = await fake();
    const url = down.url;
    await down.close();
    const res = await s.request({ method: 'POST', url: '/api/ml', payload: { project, url } });
    expect(res.statusCode).toBe(400);
    expect(res.json().validation_errors.url[0]).toMatch(/Can't connect to ML backend .* health check failed/);
    const broken = await fake({ failSetup: true });
    const res2 = await s.request({ method: 'POST', url: '/api/ml', payload: { project, url: broken.url } });
    expect(res2.statusCode).toBe(400);
    expect(res2.json().validation_errors.url[0]).toMatch(/doesn't look like a valid ML backend.*HTTP 500/);
    expect(await getJson(s, `/api/ml?project=${project}`)).toEqual([]);
  });

  it('sends basic auth credentials and hides the password', async () => {
    const b = await fake();
    const { id: project } = await makeProject(s);
    const ml = await connect(project, b.url, { auth_method: 'BASIC_AUTH', basic_auth_user: 'bob', basic_auth_pass: 's3cret' });
    expect(ml).toMatchObject({ basic_auth_user: 'bob', basic_auth_pass_is_set: true });
    expect(ml).not.toHaveProperty('basic_auth_pass');
    expect(b.calls('/setup')[0].headers.authorization).toBe(`Basic ${Buffer.from('bob:s3cret').toString('base64')}`);
  });

  it('hides backends of other organizations', async () => {
    const b = await fake();
    const { id: project } = await makeProject(s);
    const ml = await connect(project, b.url);
    const other = await outsider(s);
    expect((await s.request({ method: 'GET', url: `/api/ml/${ml.id}`, token: other.token })).statusCode).toBe(404);
    expect((await s.request({ method: 'POST', url: '/api/ml', payload: { project, url: b.url }, token: other.token })).statusCode).toBe(404);
    expect(await getJson(s, '/api/ml', other.token)).toEqual([]);
  });
});

describe('pre-labeling', () => {
  it('predicts imported tasks in batches when the project evaluates predictions automatically', async () => {
    const b = await fake({ version: 'v1' });
    const { id: project } = await makeProject(s);
    await patchProject(s, project, { evaluate_predictions_automatically: true });
    const ml = await connect(project, b.url);
    const ids = await importTasks(s, project, [{ text: 'good one', score: 0.9 }, { text: 'bad one', score: 0.3 }, { text: 'meh' }]);
    expect(b.calls('/predict')).toHaveLength(0); // queued, not sent inline
    await drain();
    const predict = b.calls('/predict');
    expect(predict).toHaveLength(1);
    expect(predict[0].body).toMatchObject({ tasks: [{ id: ids[0], data: { text: 'good one' } }, { id: ids[1] }, { id: ids[2] }], label_config: TEXT_CONFIG, params: { login: null, password: null, context: null } });
    expect(await predictionsOf(ids[0])).toMatchObject([{ result: [choice('positive')], score: 0.9, model_version: 'v1' }]);
    expect(await predictionsOf(ids[1])).toMatchObject([{ result: [choice('negative')], score: 0.3, model_version: 'v1' }]);
    expect((await getMl(ml.id)).state).toBe('CO');
    expect((await getJson<{ total_predictions_number: number }>(s, `/api/projects/${project}`)).total_predictions_number).toBe(3);
  });

  it('leaves imports alone when the project does not ask for predictions', async () => {
    const b = await fake();
    const { id: project } = await makeProject(s);
    await connect(project, b.url);
    const [t] = await importTasks(s, project, [{ text: 'x' }]);
    await drain();
    expect(b.calls('/predict')).toHaveLength(0);
    expect(await predictionsOf(t)).toEqual([]);
  });

  it('retrieves predictions on demand through the Data Manager, in batches, skipping tasks already predicted by this version', async () => {
    const b = await fake({ version: 'v2' });
    const { id: project, taskIds } = await makeProject(s, { tasks: 5 });
    await connect(project, b.url);
    const res = await dmAction(project, 'retrieve_tasks_predictions', { batch_size: 2 });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ processed_items: 5 });
    await drain();
    expect(b.calls('/predict').map((c) => (c.body.tasks as unknown[]).length).sort()).toEqual([1, 2, 2]);
    for (const t of taskIds) expect(await predictionsOf(t)).toMatchObject([{ model_version: 'v2', score: 0.5 }]);

    await dmAction(project, 'retrieve_tasks_predictions');
    await drain();
    expect(b.calls('/predict')).toHaveLength(3); // nothing new to ask for
    b.state.version = 'v3'; // a retrained model: /setup reports it, everything is asked again
    await dmAction(project, 'retrieve_tasks_predictions');
    await drain();
    expect(b.calls('/predict')).toHaveLength(4);
    expect((await predictionsOf(taskIds[0])).map((p) => p.model_version)).toEqual(['v2', 'v3']);
    expect((await getJson<Ml[]>(s, `/api/ml?project=${project}`))[0].model_version).toBe('v3');
  });

  it('keeps a numeric model version (label-studio-ml 1.0 job ids) as text', async () => {
    const b = await fake({ version: 1795575200 });
    const { id: project, taskIds } = await makeProject(s, { tasks: 1 });
    const ml = await connect(project, b.url);
    expect(ml.model_version).toBe('1795575200');
    await dmAction(project, 'retrieve_tasks_predictions');
    await drain();
    expect(await predictionsOf(taskIds[0])).toMatchObject([{ model_version: '1795575200' }]);
  });

  it('answers the action without queuing anything when no backend is connected', async () => {
    const { id: project } = await makeProject(s, { tasks: 1 });
    expect((await dmAction(project, 'retrieve_tasks_predictions')).json()).toMatchObject({ processed_items: 0, detail: 'No ML backend is connected to this project' });
    const actions = await getJson<{ id: string }[]>(s, `/api/dm/actions?project=${project}`);
    expect(actions.map((a) => a.id)).toContain('retrieve_tasks_predictions');
  });

  it('retries a failing /predict with backoff and reports the error on the backend meanwhile', async () => {
    const b = await fake({ failPredict: 2 });
    const { id: project, taskIds } = await makeProject(s, { tasks: 1 });
    const ml = await connect(project, b.url);
    await dmAction(project, 'retrieve_tasks_predictions');
    await drain();
    expect(await getMl(ml.id)).toMatchObject({ state: 'ER', queued_jobs: 1, failed_jobs: 0 });
    expect((await getMl(ml.id)).error_message).toMatch(/Prediction failed \(attempt 1 of 5, will retry\): .*HTTP 500/);
    await drain(later(2));
    await drain(later(10));
    expect(b.calls('/predict')).toHaveLength(3);
    expect(await predictionsOf(taskIds[0])).toHaveLength(1);
    expect(await getMl(ml.id)).toMatchObject({ state: 'CO', error_message: null, queued_jobs: 0, failed_jobs: 0 });
  });

  it('never drops a batch silently: one that keeps failing stays listed, failed, with its tasks and error', async () => {
    const b = await fake({ failPredict: 1000 });
    const { id: project, taskIds } = await makeProject(s, { tasks: 2 });
    const ml = await connect(project, b.url);
    await dmAction(project, 'retrieve_tasks_predictions');
    for (let i = 1; i <= 6; i++) await drain(later(3600 * i));
    expect(b.calls('/predict')).toHaveLength(5);
    const now = await getMl(ml.id);
    expect(now).toMatchObject({ state: 'ER', failed_jobs: 1, queued_jobs: 0 });
    expect(now.error_message).toMatch(/gave up after 5 attempt/);
    const jobs = await getJson<{ state: string; task_ids: number[]; attempts: number; last_error: string }[]>(s, `/api/ml/${ml.id}/jobs`);
    expect(jobs).toMatchObject([{ state: 'failed', task_ids: taskIds, attempts: 5, last_error: expect.stringContaining('HTTP 500') }]);
  });

  it('falls back to one task per call when a backend answers a batch with one result', async () => {
    const b = await fake({ oneResultOnly: true });
    const { id: project, taskIds } = await makeProject(s, { tasks: 3 });
    await connect(project, b.url);
    await dmAction(project, 'retrieve_tasks_predictions');
    await drain();
    expect(b.calls('/predict').map((c) => (c.body.tasks as unknown[]).length).sort()).toEqual([1, 1, 1, 3]);
    for (const t of taskIds) expect(await predictionsOf(t)).toHaveLength(1);
  });

  it('fails a batch at once when the predictions do not fit the labeling config', async () => {
    const b = await fake({ invalidResults: true });
    const { id: project } = await makeProject(s, { tasks: 1 });
    const ml = await connect(project, b.url);
    await dmAction(project, 'retrieve_tasks_predictions');
    await drain();
    expect(b.calls('/predict')).toHaveLength(1);
    expect(await getMl(ml.id)).toMatchObject({ state: 'ER', failed_jobs: 1 });
  });
});

describe('training and active learning', () => {
  const webhookActions = (b: FakeBackend) => b.calls('/webhook').map((c) => c.body.action);

  it('sends annotation events to /webhook and START_TRAINING after every N new annotations', async () => {
    const b = await fake();
    const { id: project, taskIds } = await makeProject(s, { tasks: 5 });
    await patchProject(s, project, { min_annotations_to_start_training: 2 });
    await connect(project, b.url);
    await annotate(s, taskIds[0], { result: [choice('positive')] });
    await annotate(s, taskIds[1], { result: [], was_cancelled: true }); // a skip does not count
    await drain();
    expect(webhookActions(b)).toEqual(['ANNOTATION_CREATED', 'ANNOTATION_CREATED']);
    expect(b.calls('/webhook')[0].body).toMatchObject({ annotation: { task: taskIds[0] }, task: { id: taskIds[0] }, project: { id: project, label_config: TEXT_CONFIG } });

    await annotate(s, taskIds[2], { result: [choice('negative')] });
    await drain();
    expect(webhookActions(b).filter((a) => a === 'START_TRAINING')).toHaveLength(1);
    expect(b.calls('/webhook').at(-1)!.body).toMatchObject({ action: 'START_TRAINING', project: { id: project, label_config: TEXT_CONFIG } });

    await annotate(s, taskIds[3], { result: [choice('negative')] });
    await drain();
    expect(webhookActions(b).filter((a) => a === 'START_TRAINING')).toHaveLength(1);
    await annotate(s, taskIds[4], { result: [choice('positive')] });
    await drain();
    expect(webhookActions(b).filter((a) => a === 'START_TRAINING')).toHaveLength(2);
  });

  it('trains on request, through the legacy /train when the backend has no /webhook', async () => {
    const b = await fake({ legacy: true });
    const { id: project, taskIds } = await makeProject(s, { tasks: 2 });
    const ml = await connect(project, b.url);
    await annotate(s, taskIds[0], { result: [choice('positive')] });
    const res = await s.request({ method: 'POST', url: `/api/ml/${ml.id}/train`, payload: {} });
    expect(res.statusCode).toBe(200);
    await drain();
    const [call] = b.calls('/train');
    expect(call.body).toMatchObject({ project: expect.stringMatching(new RegExp(`^${project}\\.\\d+$`)), label_config: TEXT_CONFIG, annotations: [{ id: taskIds[0], annotations: [{ result: [choice('positive')] }] }] });
    expect((call.body.annotations as unknown[]).length).toBe(1);
  });

  it('serves the least certain task first under uncertainty sampling', async () => {
    const b = await fake();
    const { id: project } = await makeProject(s);
    const ids = await importTasks(s, project, [{ text: 'a', score: 0.9 }, { text: 'b', score: 0.2 }, { text: 'c', score: 0.6 }, { text: 'd' }]);
    await connect(project, b.url);
    await dmAction(project, 'retrieve_tasks_predictions', { selectedItems: { all: false, included: ids.slice(0, 3) } });
    await drain();
    const next = async (token?: string) => (await getJson<{ id: number }>(s, `/api/projects/${project}/next`, token)).id;

    expect(await next()).toBe(ids[0]); // sequential sampling ignores scores
    await patchProject(s, project, { sampling: 'Uncertainty sampling' });
    const other = await s.makeUser('manager');
    const first = await next(other.token);
    expect(first).toBe(ids[1]);
    await annotate(s, first, { result: [choice('positive')] }, other.token);
    expect(await next(other.token)).toBe(ids[2]);
    const third = await s.makeUser('manager');
    expect(await next(third.token)).toBe(ids[3]); // the scored tasks are held by the others: the unscored one follows
  });

  it('answers interactive annotation and model versions from the backend', async () => {
    const b = await fake({ version: 'v9' });
    const { id: project, taskIds } = await makeProject(s, { tasks: 1 });
    const ml = await connect(project, b.url, { is_interactive: true });
    const res = await s.request({ method: 'POST', url: `/api/ml/${ml.id}/interactive-annotating`, payload: { task: taskIds[0], context: { result: [{ type: 'keypointlabels' }] } } });
    expect(res.json()).toEqual({ data: { result: [choice('negative')], score: 0.5 } });
    expect(b.calls('/predict')[0].body).toMatchObject({ params: { context: { result: [{ type: 'keypointlabels' }] } } });
    expect(await getJson(s, `/api/ml/${ml.id}/versions`)).toEqual({ versions: ['v9'], message: '' });
    const test = await s.request({ method: 'POST', url: `/api/ml/${ml.id}/predict/test` });
    expect(test.json()).toMatchObject({ status: 'ok', data: { status: 'ok', task: taskIds[0], url: b.url } });
  });
});
