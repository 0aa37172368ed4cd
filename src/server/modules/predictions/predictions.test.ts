import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { choice, makeProject, startTestServer, type TestServer } from '../../testing/harness.js';
import { getJson, outsider, predict, projectCounters, taskCounters } from '../tasks/task-fixtures.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => s?.close());

const create = (payload: Record<string, unknown>, token?: string) => s.request({ method: 'POST', url: '/api/predictions', payload, token });
const stored = async (id: unknown) => (await getJson(s, `/api/predictions/${id}`)).result;
const FULL_POSITIVE = [{ from_name: 'sentiment', to_name: 'text', type: 'choices', value: { choices: ['positive'] } }];

describe('creating predictions', () => {
  it('stores a list result as given, with score and model_version, and counts it', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 1 });
    const result = [{ ...choice('negative'), id: 'r1', score: 0.4 }];
    const res = await create({ task: taskIds[0], result, score: 0.75, model_version: 'model-a' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ task: taskIds[0], project: id, score: 0.75, model_version: 'model-a', result, cluster: null, neighbors: null, mislabeling: 0 });
    expect(await stored(res.json().id)).toEqual(result);
    expect(await taskCounters(s, taskIds[0])).toMatchObject({ total_predictions: 1, is_labeled: false });
    expect((await projectCounters(s, id)).total_predictions_number).toBe(1);
  });

  it('expands the string shortcut to the first single-valued control’s full result item', async () => {
    const { taskIds } = await makeProject(s, { tasks: 1 });
    const res = await create({ task: taskIds[0], result: 'positive' });
    expect(res.statusCode).toBe(201);
    expect(await stored(res.json().id)).toEqual(FULL_POSITIVE);
  });

  it('expands a value dict to the full result item of the control whose type it names', async () => {
    const { taskIds } = await makeProject(s, { tasks: 1 });
    const res = await create({ task: taskIds[0], result: { choices: ['positive'] } });
    expect(res.statusCode).toBe(201);
    expect(await stored(res.json().id)).toEqual(FULL_POSITIVE);
  });

  it('rejects results it cannot place and stores nothing', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 1 });
    for (const result of [{ rating: 4 }, 3, [1], null]) {
      const res = await create({ task: taskIds[0], result });
      expect(res.statusCode).toBe(400);
    }
    expect((await projectCounters(s, id)).total_predictions_number).toBe(0);
  });

  it('needs a task it can see', async () => {
    expect((await create({ result: 'positive' })).statusCode).toBe(400);
    expect((await create({ task: 987654321, result: 'positive' })).statusCode).toBe(404);
    const { taskIds } = await makeProject(s, { tasks: 1 });
    expect((await create({ task: taskIds[0], result: 'positive' }, (await outsider(s)).token)).statusCode).toBe(404);
  });
});

describe('reading and changing predictions', () => {
  it('lists predictions by task and by project', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 2 });
    const other = await makeProject(s, { tasks: 1 });
    const p1 = await predict(s, taskIds[0]);
    const p2 = await predict(s, taskIds[1]);
    const p3 = await predict(s, taskIds[1], { result: 'negative' });
    await predict(s, other.taskIds[0]);
    const ids = async (qs: string) => (await getJson<{ id: number }[]>(s, `/api/predictions?${qs}`)).map((p) => p.id);
    expect(await ids(`task=${taskIds[1]}`)).toEqual([p2.id, p3.id]);
    expect(await ids(`project=${id}`)).toEqual([p1.id, p2.id, p3.id]);
    expect(await ids(`task__project=${id}`)).toEqual([p1.id, p2.id, p3.id]);
  });

  it('gets and patches a prediction, normalizing a new result', async () => {
    const { taskIds } = await makeProject(s, { tasks: 1 });
    const p = await predict(s, taskIds[0], { score: 0.2, model_version: 'v1' });
    expect(await getJson(s, `/api/predictions/${p.id}`)).toMatchObject({ id: p.id, task: taskIds[0], score: 0.2, model_version: 'v1', result: FULL_POSITIVE });
    const res = await s.request({ method: 'PATCH', url: `/api/predictions/${p.id}`, payload: { result: 'negative', score: 0.9, model_version: 'v2' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ score: 0.9, model_version: 'v2', result: [{ ...FULL_POSITIVE[0], value: { choices: ['negative'] } }] });
    const cleared = await s.request({ method: 'PATCH', url: `/api/predictions/${p.id}`, payload: { score: null } });
    expect(cleared.json()).toMatchObject({ score: null, model_version: 'v2' });
  });

  it('deletes a prediction with 204 and takes it off the counters', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 1 });
    const p = await predict(s, taskIds[0]);
    expect((await s.request({ method: 'DELETE', url: `/api/predictions/${p.id}` })).statusCode).toBe(204);
    expect((await s.request({ method: 'GET', url: `/api/predictions/${p.id}` })).statusCode).toBe(404);
    expect((await taskCounters(s, taskIds[0])).total_predictions).toBe(0);
    expect((await projectCounters(s, id)).total_predictions_number).toBe(0);
  });

  it('hides another organization’s predictions as if they did not exist', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 1 });
    const p = await predict(s, taskIds[0]);
    const other = await outsider(s);
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const res = await s.request({ method, url: `/api/predictions/${p.id}`, payload: method === 'PATCH' ? { score: 1 } : undefined, token: other.token });
      expect(res.statusCode).toBe(404);
    }
    expect(await getJson(s, `/api/predictions?project=${id}`, other.token)).toEqual([]);
    expect((await getJson(s, `/api/predictions/${p.id}`)).score).toBeNull();
  });

  it('lets annotators read predictions but not write them', async () => {
    const { taskIds } = await makeProject(s, { tasks: 1 });
    const p = await predict(s, taskIds[0]);
    const u = await s.makeUser('annotator');
    expect((await getJson(s, `/api/predictions/${p.id}`, u.token)).id).toBe(p.id);
    expect((await create({ task: taskIds[0], result: 'positive' }, u.token)).statusCode).toBe(403);
    expect((await s.request({ method: 'DELETE', url: `/api/predictions/${p.id}`, token: u.token })).statusCode).toBe(403);
  });
});

describe('bulk prediction import and model versions', () => {
  it('imports predictions with 201 and the number created', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 2 });
    const items = [
      { task: taskIds[0], result: 'positive', score: 0.5, model_version: 'm1' },
      { task: taskIds[1], result: [choice('negative')], model_version: 'm2' },
    ];
    const res = await s.request({ method: 'POST', url: `/api/projects/${id}/import/predictions`, payload: items });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ created: 2 });
    const listed = await getJson<{ task: number; result: unknown; model_version: string; score: number | null }[]>(s, `/api/predictions?project=${id}`);
    expect(listed.map((p) => [p.task, p.model_version, p.score, p.result])).toEqual([
      [taskIds[0], 'm1', 0.5, FULL_POSITIVE],
      [taskIds[1], 'm2', null, [choice('negative')]],
    ]);
    expect(await projectCounters(s, id)).toMatchObject({ total_predictions_number: 2 });
  });

  it('refuses the whole import when one item’s task is in another project', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 1 });
    const other = await makeProject(s, { tasks: 1 });
    const items = [
      { task: taskIds[0], result: 'positive' },
      { task: other.taskIds[0], result: 'positive' },
    ];
    const res = await s.request({ method: 'POST', url: `/api/projects/${id}/import/predictions`, payload: items });
    expect(res.statusCode).toBe(400);
    expect(await getJson(s, `/api/predictions?project=${id}`)).toEqual([]);
    expect(await getJson(s, `/api/predictions?project=${other.id}`)).toEqual([]);
    expect((await projectCounters(s, id)).total_predictions_number).toBe(0);
  });

  it('counts predictions per model version', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 2 });
    await predict(s, taskIds[0], { model_version: 'alpha' });
    await predict(s, taskIds[1], { model_version: 'alpha' });
    await predict(s, taskIds[1], { model_version: 'beta' });
    expect(await getJson(s, `/api/projects/${id}/model-versions`)).toEqual({ alpha: 2, beta: 1 });
  });
});
