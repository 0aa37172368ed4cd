import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { choice, makeProject, startTestServer, type TestServer } from '../../testing/harness.js';
import { annotate, getJson, importTasks, outsider, predict, projectCounters } from './task-fixtures.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => s?.close());

interface TaskList {
  tasks: Record<string, unknown>[];
  total: number;
  total_annotations: number;
  total_predictions: number;
}

const list = (qs: string) => getJson<TaskList>(s, `/api/tasks?${qs}`);
const idsOf = (l: TaskList) => l.tasks.map((t) => t.id);

describe('task list', () => {
  it('pages tasks in id order with the Data Manager totals', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 5 });
    await annotate(s, taskIds[0], { result: [choice('positive')] });
    await annotate(s, taskIds[1], { result: [], was_cancelled: true });
    await predict(s, taskIds[2]);
    const first = await list(`project=${id}&page=1&page_size=2`);
    expect(Object.keys(first).sort()).toEqual(['tasks', 'total', 'total_annotations', 'total_predictions']);
    expect(idsOf(first)).toEqual(taskIds.slice(0, 2));
    expect(first).toMatchObject({ total: 5, total_annotations: 1, total_predictions: 1 });
    expect(idsOf(await list(`project=${id}&page=3&page_size=2`))).toEqual([taskIds[4]]);
  });

  it('answers 404 for a page past the end, so the legacy SDK stops paging', async () => {
    const { id } = await makeProject(s, { tasks: 3 });
    const res = await s.request({ method: 'GET', url: `/api/tasks?project=${id}&page=2&page_size=3` });
    expect(res.statusCode).toBe(404);
    expect(res.json().detail).toBe('Invalid page.');
  });

  it('answers an empty first page for a project without tasks', async () => {
    const { id } = await makeProject(s);
    expect(await list(`project=${id}`)).toEqual({ tasks: [], total: 0, total_annotations: 0, total_predictions: 0 });
  });

  it('counts totals over the filtered tasks only', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 3 });
    await annotate(s, taskIds[0], { result: [choice('positive')] });
    await predict(s, taskIds[0]);
    await predict(s, taskIds[1]);
    const query = JSON.stringify({ filters: { conjunction: 'and', items: [{ filter: 'filter:tasks:id', operator: 'greater', type: 'Number', value: taskIds[0] }] } });
    const filtered = await list(`project=${id}&query=${encodeURIComponent(query)}`);
    expect(filtered).toMatchObject({ total: 2, total_annotations: 0, total_predictions: 1 });
  });

  it('includes annotations, predictions and the caller’s drafts with fields=all', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 2 });
    const a = await annotate(s, taskIds[0], { result: [choice('negative')] });
    const p = await predict(s, taskIds[0], { score: 0.5 });
    const d = (await s.request({ method: 'POST', url: `/api/tasks/${taskIds[1]}/drafts`, payload: { result: [choice('positive')], lead_time: 2 } })).json();
    const [t0, t1] = (await list(`project=${id}&fields=all`)).tasks as { annotations: { id: number }[]; predictions: { id: number }[]; drafts: { id: number }[]; annotators: number[] }[];
    expect(t0.annotations.map((x) => x.id)).toEqual([a.id]);
    expect(t0.predictions.map((x) => x.id)).toEqual([p.id]);
    expect(t0.annotators).toEqual([a.completed_by]);
    expect(t1.drafts.map((x) => x.id)).toEqual([d.id]);
  });

  it('returns only the ids with include=id', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 3 });
    expect((await list(`project=${id}&include=id`)).tasks).toEqual(taskIds.map((t) => ({ id: t })));
  });

  it('requires a project or a view', async () => {
    const res = await s.request({ method: 'GET', url: '/api/tasks' });
    expect(res.statusCode).toBe(400);
    expect(res.json().validation_errors).toHaveProperty('project');
  });

  it('lists the tasks of a project as a plain array on /api/projects/{id}/tasks', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 3 });
    const res = await getJson<{ id: number }[]>(s, `/api/projects/${id}/tasks`);
    expect(res.map((t) => t.id)).toEqual(taskIds);
  });
});

describe('task list filters and ordering', () => {
  let projectId: number;
  let ids: number[];
  let doneAt: string;
  beforeAll(async () => {
    ({ id: projectId } = await makeProject(s));
    ids = await importTasks(s, projectId, [
      { text: 'apple pie', n: 5 },
      { text: 'banana split', n: 15 },
      { text: 'cherry tart', n: 25 },
      { text: 'apple crumble', n: 35 },
      { text: 'date loaf', n: 45 },
    ]);
    await annotate(s, ids[1], { result: [choice('positive')] });
    await annotate(s, ids[3], { result: [choice('negative')] });
    await annotate(s, ids[2], { result: [], was_cancelled: true });
    await predict(s, ids[0]);
    await predict(s, ids[2]);
    await predict(s, ids[2], { result: 'negative' });
    doneAt = (await getJson(s, `/api/tasks/${ids[1]}`)).completed_at as string;
  });

  const filtered = async (items: unknown[], conjunction = 'and', ordering?: string[]) => {
    const query = JSON.stringify({ filters: { conjunction, items }, ordering });
    return idsOf(await list(`project=${projectId}&query=${encodeURIComponent(query)}`));
  };
  const item = (column: string, operator: string, type: string, value: unknown) => ({ filter: `filter:tasks:${column}`, operator, type, value });
  const pick = (...i: number[]) => i.map((k) => ids[k]);

  it('filters by id greater, less and equal', async () => {
    expect(await filtered([item('id', 'greater', 'Number', ids[2])])).toEqual(pick(3, 4));
    expect(await filtered([item('id', 'less', 'Number', ids[2])])).toEqual(pick(0, 1));
    expect(await filtered([item('id', 'equal', 'Number', ids[2])])).toEqual(pick(2));
  });

  it('filters by inner_id', async () => {
    expect(await filtered([item('inner_id', 'equal', 'Number', 4)])).toEqual(pick(3));
  });

  it('filters by completed_at within a range and by emptiness', async () => {
    const at = new Date(doneAt).getTime();
    const range = (from: number, to: number) => ({ min: new Date(from).toISOString(), max: new Date(to).toISOString() });
    expect(await filtered([item('completed_at', 'in', 'Datetime', range(at - 60_000, at + 60_000))])).toEqual(pick(1, 3));
    expect(await filtered([item('completed_at', 'in', 'Datetime', range(at - 120_000, at - 60_000))])).toEqual([]);
    expect(await filtered([item('completed_at', 'empty', 'Datetime', true)])).toEqual(pick(0, 2, 4));
    expect(await filtered([item('completed_at', 'empty', 'Datetime', false)])).toEqual(pick(1, 3));
  });

  it('filters by annotation and prediction counts', async () => {
    expect(await filtered([item('total_annotations', 'greater', 'Number', 0)])).toEqual(pick(1, 3));
    expect(await filtered([item('total_predictions', 'equal', 'Number', 2)])).toEqual(pick(2));
    expect(await filtered([item('cancelled_annotations', 'greater', 'Number', 0)])).toEqual(pick(2));
  });

  it('filters data.text with contains, not_contains and equal, ignoring case for contains', async () => {
    expect(await filtered([item('data.text', 'contains', 'String', 'APPLE')])).toEqual(pick(0, 3));
    expect(await filtered([item('data.text', 'not_contains', 'String', 'apple')])).toEqual(pick(1, 2, 4));
    expect(await filtered([item('data.text', 'equal', 'String', 'cherry tart')])).toEqual(pick(2));
  });

  it('compares a numeric data field as a number', async () => {
    expect(await filtered([item('data.n', 'greater', 'Number', 10), item('data.n', 'less', 'Number', 30)])).toEqual(pick(1, 2));
    expect(await filtered([item('data.n', 'greater', 'Number', 9)])).toEqual(pick(1, 2, 3, 4));
  });

  it('orders by a numeric data field by value, not as text', async () => {
    expect(await filtered([], 'and', ['tasks:data.n'])).toEqual(pick(0, 1, 2, 3, 4));
    expect(await filtered([], 'and', ['-tasks:data.n'])).toEqual(pick(4, 3, 2, 1, 0));
    expect(await filtered([], 'and', ['tasks:data.text'])).toEqual(pick(3, 0, 1, 2, 4));
  });

  it('joins items with the or conjunction', async () => {
    expect(await filtered([item('id', 'equal', 'Number', ids[0]), item('data.text', 'contains', 'String', 'date')], 'or')).toEqual(pick(0, 4));
  });

  it('orders by -tasks:id, tasks:total_annotations and tasks:data.text', async () => {
    expect(await filtered([], 'and', ['-tasks:id'])).toEqual(pick(4, 3, 2, 1, 0));
    expect(await filtered([], 'and', ['tasks:total_annotations'])).toEqual(pick(0, 2, 4, 1, 3));
    expect(await filtered([], 'and', ['tasks:data.text'])).toEqual(pick(3, 0, 1, 2, 4));
  });

  it('rejects a query that is not JSON', async () => {
    const res = await s.request({ method: 'GET', url: `/api/tasks?project=${projectId}&query=${encodeURIComponent('{filters:')}` });
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toContain('"query"');
  });

  it('rejects an unknown filter column and an unknown operator', async () => {
    const q1 = JSON.stringify({ filters: { conjunction: 'and', items: [item('no_such_column', 'equal', 'Number', 1)] } });
    const bad = await s.request({ method: 'GET', url: `/api/tasks?project=${projectId}&query=${encodeURIComponent(q1)}` });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toContain('no_such_column');
    const q2 = JSON.stringify({ filters: { conjunction: 'and', items: [item('id', 'sounds_like', 'Number', 1)] } });
    expect((await s.request({ method: 'GET', url: `/api/tasks?project=${projectId}&query=${encodeURIComponent(q2)}` })).statusCode).toBe(400);
  });
});

describe('single tasks', () => {
  it('gets a task with its annotations and counters', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 1 });
    const a = await annotate(s, taskIds[0], { result: [choice('positive')] });
    const t = await getJson(s, `/api/tasks/${taskIds[0]}`);
    expect(t).toMatchObject({ id: taskIds[0], project: id, inner_id: 1, data: { text: 'task number 1' }, is_labeled: true, total_annotations: 1 });
    expect((t.annotations as { id: number }[]).map((x) => x.id)).toEqual([a.id]);
  });

  it('patches data and meta, checking the data against the labeling config', async () => {
    const { taskIds } = await makeProject(s, { tasks: 1 });
    const ok = await s.request({ method: 'PATCH', url: `/api/tasks/${taskIds[0]}`, payload: { data: { text: 'edited' }, meta: { source: 'test' } } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ data: { text: 'edited' }, meta: { source: 'test' } });
    const bad = await s.request({ method: 'PATCH', url: `/api/tasks/${taskIds[0]}`, payload: { data: { body: 'no text key' } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().validation_errors.data[0]).toBe('"text" key is expected in task data');
    expect((await getJson(s, `/api/tasks/${taskIds[0]}`)).data).toEqual({ text: 'edited' });
  });

  it('creates a task with 201 and counts it in the project', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 2 });
    const res = await s.request({ method: 'POST', url: '/api/tasks', payload: { project: id, data: { text: 'new one' }, meta: { k: 1 } } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ project: id, inner_id: 3, data: { text: 'new one' }, meta: { k: 1 }, is_labeled: false });
    expect(res.json().id).toBeGreaterThan(taskIds[1]);
    expect((await projectCounters(s, id)).task_number).toBe(3);
    const bad = await s.request({ method: 'POST', url: '/api/tasks', payload: { project: id, data: { nope: 1 } } });
    expect(bad.statusCode).toBe(400);
  });

  it('deletes a task with 204 and takes its annotations off the project counters', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 2 });
    await annotate(s, taskIds[0], { result: [choice('positive')] });
    expect((await s.request({ method: 'DELETE', url: `/api/tasks/${taskIds[0]}` })).statusCode).toBe(204);
    expect((await s.request({ method: 'GET', url: `/api/tasks/${taskIds[0]}` })).statusCode).toBe(404);
    expect(await projectCounters(s, id)).toMatchObject({ task_number: 1, total_annotations_number: 0, num_tasks_with_annotations: 0, finished_task_number: 0 });
  });

  it('deletes every task of a project and zeroes its counters', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 3 });
    await annotate(s, taskIds[0], { result: [choice('positive')], ground_truth: true });
    await annotate(s, taskIds[1], { result: [], was_cancelled: true });
    await predict(s, taskIds[2]);
    expect((await s.request({ method: 'DELETE', url: `/api/projects/${id}/tasks` })).statusCode).toBe(204);
    expect(await getJson(s, `/api/projects/${id}/tasks`)).toEqual([]);
    expect(Object.values(await projectCounters(s, id))).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('answers 404 for a task id that does not exist', async () => {
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const res = await s.request({ method, url: '/api/tasks/987654321', payload: method === 'PATCH' ? { meta: {} } : undefined });
      expect(res.statusCode).toBe(404);
    }
  });

  it('hides another organization’s tasks as if they did not exist', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 1 });
    const other = await outsider(s);
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const res = await s.request({ method, url: `/api/tasks/${taskIds[0]}`, payload: method === 'PATCH' ? { meta: { x: 1 } } : undefined, token: other.token });
      expect(res.statusCode).toBe(404);
    }
    expect((await s.request({ method: 'GET', url: `/api/tasks?project=${id}`, token: other.token })).statusCode).toBe(404);
    expect((await s.request({ method: 'POST', url: '/api/tasks', payload: { project: id, data: { text: 'x' } }, token: other.token })).statusCode).toBe(404);
    expect((await getJson(s, `/api/tasks/${taskIds[0]}`)).meta).toEqual({});
  });
});
