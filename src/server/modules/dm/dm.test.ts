import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { choice, makeProject, startTestServer, type TestServer } from '../../testing/harness.js';
import { annotate, getJson, outsider, predict, projectCounters, taskCounters } from '../tasks/task-fixtures.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => s?.close());

const idFilter = (operator: string, value: number) => ({ conjunction: 'and', items: [{ filter: 'filter:tasks:id', operator, type: 'Number', value }] });
const createView = async (project: number, data: Record<string, unknown>) => {
  const res = await s.request({ method: 'POST', url: '/api/dm/views', payload: { project, data } });
  if (res.statusCode !== 201) throw new Error(`view create failed: ${res.statusCode} ${res.body}`);
  return res.json() as { id: number; project: number; data: Record<string, unknown> };
};
const taskIdsOf = async (url: string) => (await getJson<{ tasks: { id: number }[] }>(s, url)).tasks.map((t) => t.id);
const action = (id: string | null, project: number, body: Record<string, unknown>, extra = '') =>
  s.request({ method: 'POST', url: `/api/dm/actions?${id ? `id=${id}&` : ''}project=${project}${extra}`, payload: body });

describe('Data Manager views', () => {
  it('creates, lists, gets, patches and deletes a view', async () => {
    const { id } = await makeProject(s);
    const v = await createView(id, { title: 'Mine', filters: idFilter('greater', 0), ordering: ['-tasks:id'] });
    expect(v).toMatchObject({ project: id, data: { title: 'Mine', ordering: ['-tasks:id'] }, ordering: ['-tasks:id'] });
    const second = await createView(id, { title: 'Second' });
    expect((await getJson<{ id: number }[]>(s, `/api/dm/views?project=${id}`)).map((x) => x.id)).toEqual([v.id, second.id]);
    expect((await getJson(s, `/api/dm/views/${v.id}`)).data).toMatchObject({ title: 'Mine' });

    const patched = await s.request({ method: 'PATCH', url: `/api/dm/views/${v.id}`, payload: { data: { title: 'Renamed' } } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().data).toMatchObject({ title: 'Renamed', ordering: ['-tasks:id'] });

    expect((await s.request({ method: 'DELETE', url: `/api/dm/views/${v.id}` })).statusCode).toBe(204);
    expect((await s.request({ method: 'GET', url: `/api/dm/views/${v.id}` })).statusCode).toBe(404);
    expect((await getJson<{ id: number }[]>(s, `/api/dm/views?project=${id}`)).map((x) => x.id)).toEqual([second.id]);
  });

  it('applies a view’s filters and ordering to /api/tasks?view=', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 4 });
    const v = await createView(id, { title: 'Later', filters: idFilter('greater', taskIds[1]), ordering: ['-tasks:id'] });
    expect(await taskIdsOf(`/api/tasks?view=${v.id}`)).toEqual([taskIds[3], taskIds[2]]);
    expect(await taskIdsOf(`/api/tasks?project=${id}&view=${v.id}`)).toEqual([taskIds[3], taskIds[2]]);
  });

  it('resets all views of a project', async () => {
    const { id } = await makeProject(s);
    await createView(id, { title: 'A' });
    await createView(id, { title: 'B' });
    expect((await s.request({ method: 'DELETE', url: `/api/dm/views/reset?project=${id}` })).statusCode).toBe(204);
    expect(await getJson(s, `/api/dm/views?project=${id}`)).toEqual([]);
  });

  it('hides another organization’s views', async () => {
    const { id } = await makeProject(s);
    const v = await createView(id, { title: 'Private' });
    const other = await outsider(s);
    expect((await s.request({ method: 'GET', url: `/api/dm/views/${v.id}`, token: other.token })).statusCode).toBe(404);
    expect((await s.request({ method: 'GET', url: `/api/dm/views?project=${id}`, token: other.token })).statusCode).toBe(404);
    expect((await s.request({ method: 'GET', url: `/api/tasks?view=${v.id}`, token: other.token })).statusCode).toBe(404);
    expect((await s.request({ method: 'DELETE', url: `/api/dm/views/${v.id}`, token: other.token })).statusCode).toBe(404);
    expect((await getJson(s, `/api/dm/views/${v.id}`)).id).toBe(v.id);
  });
});

describe('Data Manager actions', () => {
  it('lists the actions it can run', async () => {
    const { id } = await makeProject(s);
    const actions = await getJson<{ id: string; title: string; order: number; permission: string; experimental: boolean }[]>(s, `/api/dm/actions?project=${id}`);
    expect(actions.map((a) => a.id)).toEqual(expect.arrayContaining(['delete_tasks', 'delete_tasks_annotations', 'delete_tasks_predictions']));
    for (const a of actions) expect(a).toMatchObject({ title: expect.any(String), order: expect.any(Number), permission: expect.any(String), experimental: false });
  });

  it('deletes the included tasks and takes them off the counters', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 4 });
    await annotate(s, taskIds[0], { result: [choice('positive')] });
    await predict(s, taskIds[1]);
    await annotate(s, taskIds[2], { result: [choice('negative')] });
    const res = await action('delete_tasks', id, { selectedItems: { all: false, included: [taskIds[0], taskIds[1]] } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ processed_items: 2 });
    expect(await taskIdsOf(`/api/tasks?project=${id}`)).toEqual([taskIds[2], taskIds[3]]);
    expect(await projectCounters(s, id)).toMatchObject({ task_number: 2, total_annotations_number: 1, num_tasks_with_annotations: 1, finished_task_number: 1, total_predictions_number: 0 });
  });

  it('deletes every task but the excluded ones when all is true', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 4 });
    await annotate(s, taskIds[0], { result: [choice('positive')] });
    const res = await action('delete_tasks', id, { selectedItems: { all: true, excluded: [taskIds[1]] } });
    expect(res.json()).toMatchObject({ processed_items: 3 });
    expect(await taskIdsOf(`/api/tasks?project=${id}`)).toEqual([taskIds[1]]);
    expect(await projectCounters(s, id)).toMatchObject({ task_number: 1, total_annotations_number: 0, num_tasks_with_annotations: 0, finished_task_number: 0 });
  });

  it('asks the Data Manager to reload and drops the tabs when the last task goes', async () => {
    const { id } = await makeProject(s, { tasks: 2 });
    await createView(id, { title: 'Tab' });
    const res = await action('delete_tasks', id, { selectedItems: { all: true, excluded: [] } });
    expect(res.json()).toEqual({ processed_items: 2, reload: true, detail: 'Deleted 2 tasks' });
    expect(await getJson(s, `/api/dm/views?project=${id}`)).toEqual([]);
    expect((await projectCounters(s, id)).task_number).toBe(0);
  });

  it('narrows all:true to the tasks a view’s filters select', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 4 });
    const v = await createView(id, { title: 'Later', filters: idFilter('greater', taskIds[1]), ordering: ['tasks:data.text'] });
    const res = await action('delete_tasks', id, { selectedItems: { all: true, excluded: [] } }, `&view=${v.id}`);
    expect(res.statusCode).toBe(200);
    expect(await taskIdsOf(`/api/tasks?project=${id}`)).toEqual([taskIds[0], taskIds[1]]);
  });

  it('deletes the annotations of the selected tasks and resets their counters', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 3 });
    await annotate(s, taskIds[0], { result: [choice('positive')], ground_truth: true });
    await annotate(s, taskIds[0], { result: [], was_cancelled: true }, (await s.makeUser('annotator')).token);
    await annotate(s, taskIds[1], { result: [choice('negative')] });
    await annotate(s, taskIds[2], { result: [choice('negative')] });
    await s.request({ method: 'POST', url: `/api/tasks/${taskIds[1]}/drafts`, payload: { result: [] } });
    const res = await action('delete_tasks_annotations', id, { selectedItems: { all: true, excluded: [taskIds[2]] } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ processed_items: 3, detail: 'Deleted 3 annotations' });
    expect(await getJson(s, `/api/tasks/${taskIds[1]}/drafts`)).toEqual([]);
    expect(await taskCounters(s, taskIds[0])).toEqual({ total_annotations: 0, cancelled_annotations: 0, total_predictions: 0, is_labeled: false, completed_at: null });
    expect(await getJson(s, `/api/tasks/${taskIds[1]}/annotations`)).toEqual([]);
    expect((await getJson<unknown[]>(s, `/api/tasks/${taskIds[2]}/annotations`)).length).toBe(1);
    expect(await projectCounters(s, id)).toEqual({ task_number: 3, total_annotations_number: 1, skipped_annotations_number: 0, num_tasks_with_annotations: 1, finished_task_number: 1, ground_truth_number: 0, total_predictions_number: 0 });
  });

  it('deletes the predictions of the selected tasks', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 2 });
    await predict(s, taskIds[0]);
    await predict(s, taskIds[0], { result: 'negative' });
    await predict(s, taskIds[1]);
    const res = await action('delete_tasks_predictions', id, { selectedItems: { all: false, included: [taskIds[0]] } });
    expect(res.json()).toMatchObject({ processed_items: 2 });
    expect(await taskCounters(s, taskIds[0])).toMatchObject({ total_predictions: 0 });
    expect((await getJson<unknown[]>(s, `/api/predictions?task=${taskIds[1]}`)).length).toBe(1);
    expect((await projectCounters(s, id)).total_predictions_number).toBe(1);
  });

  it('answers 422 without an action id and 404 when nothing is selected', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 1 });
    expect((await action(null, id, { selectedItems: { all: true, excluded: [] } })).statusCode).toBe(422);
    expect((await action('delete_tasks', id, { selectedItems: { all: false, included: [] } })).statusCode).toBe(404);
    expect(await taskIdsOf(`/api/tasks?project=${id}`)).toEqual(taskIds);
  });

  it('refuses actions from annotators and from other organizations', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 1 });
    const body = { selectedItems: { all: true, excluded: [] } };
    const annotator = await s.makeUser('annotator');
    expect((await s.request({ method: 'POST', url: `/api/dm/actions?id=delete_tasks&project=${id}`, payload: body, token: annotator.token })).statusCode).toBe(403);
    const other = await outsider(s);
    expect((await s.request({ method: 'POST', url: `/api/dm/actions?id=delete_tasks&project=${id}`, payload: body, token: other.token })).statusCode).toBe(404);
    expect(await taskIdsOf(`/api/tasks?project=${id}`)).toEqual(taskIds);
  });
});
