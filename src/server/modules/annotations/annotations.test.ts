import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { choice, makeProject, startTestServer, type TestServer } from '../../testing/harness.js';
import { annotate, getJson, outsider, patchProject, projectCounters, taskCounters } from '../tasks/task-fixtures.js';

let s: TestServer;
let adminId: number;
beforeAll(async () => {
  s = await startTestServer();
  adminId = (await getJson<{ id: number }>(s, '/api/current-user/whoami')).id;
});
afterAll(async () => s?.close());

const zeroCounters = { task_number: 1, total_annotations_number: 0, skipped_annotations_number: 0, num_tasks_with_annotations: 0, finished_task_number: 0, ground_truth_number: 0, total_predictions_number: 0 };
const patch = (id: unknown, payload: Record<string, unknown>, token?: string) => s.request({ method: 'PATCH', url: `/api/annotations/${id}`, payload, token });

describe('annotation writes and counters', () => {
  it('creates an annotation with 201 by the caller and counts it on the task and the project', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 1 });
    const res = await s.request({ method: 'POST', url: `/api/tasks/${taskIds[0]}/annotations/`, payload: { result: [choice('positive')], lead_time: 4.25 } });
    expect(res.statusCode).toBe(201);
    const a = res.json();
    expect(a).toMatchObject({ task: taskIds[0], project: id, completed_by: adminId, lead_time: 4.25, was_cancelled: false, ground_truth: false, result: [choice('positive')], result_count: 1 });
    expect(a.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const t = await taskCounters(s, taskIds[0]);
    expect(t).toMatchObject({ total_annotations: 1, cancelled_annotations: 0, is_labeled: true });
    expect(Date.parse(t.completed_at as string)).toBe(Date.parse(a.created_at));
    expect(await projectCounters(s, id)).toEqual({ ...zeroCounters, total_annotations_number: 1, num_tasks_with_annotations: 1, finished_task_number: 1 });
  });

  it('counts a skipped annotation as cancelled and leaves the task unlabeled', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 1 });
    const a = await annotate(s, taskIds[0], { result: [], was_cancelled: true });
    expect(a.was_cancelled).toBe(true);
    expect(await taskCounters(s, taskIds[0])).toEqual({ total_annotations: 0, cancelled_annotations: 1, total_predictions: 0, is_labeled: false, completed_at: null });
    expect(await projectCounters(s, id)).toEqual({ ...zeroCounters, skipped_annotations_number: 1 });
  });

  it('counts ground truth annotations', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 1 });
    const a = await annotate(s, taskIds[0], { result: [choice('negative')], ground_truth: true });
    expect(a.ground_truth).toBe(true);
    expect((await getJson(s, `/api/tasks/${taskIds[0]}`)).ground_truth).toBe(true);
    expect(await projectCounters(s, id)).toEqual({ ...zeroCounters, total_annotations_number: 1, num_tasks_with_annotations: 1, finished_task_number: 1, ground_truth_number: 1 });
  });

  it('labels a task only when it has maximum_annotations finished annotations', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 1 });
    await patchProject(s, id, { maximum_annotations: 2 });
    const other = await s.makeUser('annotator');
    await annotate(s, taskIds[0], { result: [choice('positive')] });
    expect(await taskCounters(s, taskIds[0])).toMatchObject({ total_annotations: 1, is_labeled: false, completed_at: null });
    await annotate(s, taskIds[0], { result: [choice('negative')] }, other.token);
    expect(await taskCounters(s, taskIds[0])).toMatchObject({ total_annotations: 2, is_labeled: true, completed_at: expect.any(String) });
    expect(await projectCounters(s, id)).toMatchObject({ total_annotations_number: 2, num_tasks_with_annotations: 1, finished_task_number: 1 });
  });

  it('patches result, skip and ground truth flags and moves the counters with them', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 1 });
    const a = await annotate(s, taskIds[0], { result: [choice('positive')] });
    const edited = await patch(a.id, { result: [choice('negative')], lead_time: 9 });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ id: a.id, result: [choice('negative')], lead_time: 9, updated_by: adminId, last_action: 'updated' });

    expect((await patch(a.id, { was_cancelled: true })).json().was_cancelled).toBe(true);
    expect(await taskCounters(s, taskIds[0])).toMatchObject({ total_annotations: 0, cancelled_annotations: 1, is_labeled: false, completed_at: null });
    expect(await projectCounters(s, id)).toEqual({ ...zeroCounters, skipped_annotations_number: 1 });

    await patch(a.id, { was_cancelled: false, ground_truth: true });
    expect(await taskCounters(s, taskIds[0])).toMatchObject({ total_annotations: 1, cancelled_annotations: 0, is_labeled: true });
    expect(await projectCounters(s, id)).toEqual({ ...zeroCounters, total_annotations_number: 1, num_tasks_with_annotations: 1, finished_task_number: 1, ground_truth_number: 1 });
  });

  it('keeps one ground truth annotation per task', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 1 });
    const first = await annotate(s, taskIds[0], { result: [choice('positive')], ground_truth: true });
    const second = await annotate(s, taskIds[0], { result: [choice('negative')], ground_truth: true });
    expect((await getJson(s, `/api/annotations/${first.id}`)).ground_truth).toBe(false);
    expect((await projectCounters(s, id)).ground_truth_number).toBe(1);
    await patch(first.id, { ground_truth: true });
    expect((await getJson(s, `/api/annotations/${second.id}`)).ground_truth).toBe(false);
    expect((await projectCounters(s, id)).ground_truth_number).toBe(1);
  });

  it('deletes an annotation with 204 and takes it off every counter', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 1 });
    const a = await annotate(s, taskIds[0], { result: [choice('positive')], ground_truth: true });
    expect((await s.request({ method: 'DELETE', url: `/api/annotations/${a.id}` })).statusCode).toBe(204);
    expect((await s.request({ method: 'GET', url: `/api/annotations/${a.id}` })).statusCode).toBe(404);
    expect(await taskCounters(s, taskIds[0])).toEqual({ total_annotations: 0, cancelled_annotations: 0, total_predictions: 0, is_labeled: false, completed_at: null });
    expect(await projectCounters(s, id)).toEqual(zeroCounters);
  });

  it('rejects a result that is not a list of objects and stores nothing', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 1 });
    for (const result of [{ choices: ['positive'] }, 'positive', [1, 2], [[choice('positive')]]]) {
      const res = await s.request({ method: 'POST', url: `/api/tasks/${taskIds[0]}/annotations`, payload: { result } });
      expect(res.statusCode).toBe(400);
      expect(res.json().validation_errors).toHaveProperty('result');
    }
    const a = await annotate(s, taskIds[0], { result: [choice('positive')] });
    expect((await patch(a.id, { result: { choices: ['negative'] } })).statusCode).toBe(400);
    expect((await getJson(s, `/api/annotations/${a.id}`)).result).toEqual([choice('positive')]);
    expect((await projectCounters(s, id)).total_annotations_number).toBe(1);
  });

  it('answers 404 for an unknown task or annotation', async () => {
    expect((await s.request({ method: 'POST', url: '/api/tasks/987654321/annotations', payload: { result: [] } })).statusCode).toBe(404);
    expect((await s.request({ method: 'GET', url: '/api/tasks/987654321/annotations' })).statusCode).toBe(404);
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      expect((await s.request({ method, url: '/api/annotations/987654321', payload: method === 'PATCH' ? { lead_time: 1 } : undefined })).statusCode).toBe(404);
    }
  });
});

describe('who sees which annotations', () => {
  it('lists the submitted annotations of a task for a manager in id order, leaving skips out', async () => {
    const { taskIds } = await makeProject(s, { tasks: 1 });
    const [u, skipper] = [await s.makeUser('annotator'), await s.makeUser('annotator')];
    const mine = await annotate(s, taskIds[0], { result: [choice('positive')] });
    await annotate(s, taskIds[0], { result: [], was_cancelled: true }, skipper.token);
    const theirs = await annotate(s, taskIds[0], { result: [choice('negative')] }, u.token);
    const all = await getJson<{ id: number; completed_by: number }[]>(s, `/api/tasks/${taskIds[0]}/annotations`);
    expect(all.map((a) => [a.id, a.completed_by])).toEqual([
      [mine.id, adminId],
      [theirs.id, u.id],
    ]);
  });

  it('shows an annotator only their own annotations', async () => {
    const { taskIds } = await makeProject(s, { tasks: 1 });
    const [u, other] = [await s.makeUser('annotator'), await s.makeUser('annotator')];
    const mine = await annotate(s, taskIds[0], { result: [choice('positive')] }, u.token);
    const theirs = await annotate(s, taskIds[0], { result: [choice('negative')] }, other.token);
    expect(mine.completed_by).toBe(u.id);
    const listed = await getJson<{ id: number }[]>(s, `/api/tasks/${taskIds[0]}/annotations`, u.token);
    expect(listed.map((a) => a.id)).toEqual([mine.id]);
    expect((await s.request({ method: 'GET', url: `/api/annotations/${theirs.id}`, token: u.token })).statusCode).toBe(404);
    expect((await patch(theirs.id, { result: [] }, u.token)).statusCode).toBe(404);
    expect((await s.request({ method: 'DELETE', url: `/api/annotations/${theirs.id}`, token: u.token })).statusCode).toBe(404);
    const task = await getJson<{ annotations: { id: number }[] }>(s, `/api/tasks/${taskIds[0]}`, u.token);
    expect(task.annotations.map((a) => a.id)).toEqual([mine.id]);
  });

  it('ignores completed_by sent by an annotator', async () => {
    const { taskIds } = await makeProject(s, { tasks: 1 });
    const u = await s.makeUser('annotator');
    expect((await annotate(s, taskIds[0], { result: [], completed_by: adminId }, u.token)).completed_by).toBe(u.id);
  });

  it('hides another organization’s annotations as if they did not exist', async () => {
    const { taskIds } = await makeProject(s, { tasks: 1 });
    const a = await annotate(s, taskIds[0], { result: [choice('positive')] });
    const other = await outsider(s);
    expect((await s.request({ method: 'GET', url: `/api/annotations/${a.id}`, token: other.token })).statusCode).toBe(404);
    expect((await s.request({ method: 'GET', url: `/api/tasks/${taskIds[0]}/annotations`, token: other.token })).statusCode).toBe(404);
    expect((await s.request({ method: 'POST', url: `/api/tasks/${taskIds[0]}/annotations`, payload: { result: [] }, token: other.token })).statusCode).toBe(404);
    expect((await s.request({ method: 'DELETE', url: `/api/annotations/${a.id}`, token: other.token })).statusCode).toBe(404);
    expect((await getJson(s, `/api/annotations/${a.id}`)).id).toBe(a.id);
  });
});

describe('drafts', () => {
  it('saves, lists, updates and deletes a draft of the caller', async () => {
    const { taskIds } = await makeProject(s, { tasks: 1 });
    const created = await s.request({ method: 'POST', url: `/api/tasks/${taskIds[0]}/drafts`, payload: { result: [choice('positive')], lead_time: 1.5 } });
    expect(created.statusCode).toBe(201);
    const d = created.json();
    expect(d).toMatchObject({ task: taskIds[0], user: adminId, annotation: null, result: [choice('positive')], lead_time: 1.5, was_postponed: false });
    expect((await getJson<{ id: number }[]>(s, `/api/tasks/${taskIds[0]}/drafts`)).map((x) => x.id)).toEqual([d.id]);

    const edited = await s.request({ method: 'PATCH', url: `/api/drafts/${d.id}`, payload: { result: [choice('negative')], was_postponed: true } });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ id: d.id, result: [choice('negative')], lead_time: 1.5, was_postponed: true });

    expect((await s.request({ method: 'DELETE', url: `/api/drafts/${d.id}` })).statusCode).toBe(204);
    expect(await getJson(s, `/api/tasks/${taskIds[0]}/drafts`)).toEqual([]);
  });

  it('removes the draft when the annotation is submitted, keeping when the draft was started', async () => {
    const { taskIds } = await makeProject(s, { tasks: 1 });
    const d = (await s.request({ method: 'POST', url: `/api/tasks/${taskIds[0]}/drafts`, payload: { result: [choice('positive')] } })).json();
    const a = await annotate(s, taskIds[0], { result: [choice('positive')], draft_id: d.id });
    expect(a.draft_created_at).toBe(d.created_at);
    expect(await getJson(s, `/api/tasks/${taskIds[0]}/drafts`)).toEqual([]);
    expect((await s.request({ method: 'PATCH', url: `/api/drafts/${d.id}`, payload: { result: [] } })).statusCode).toBe(404);
  });

  it('keeps drafts private to their author', async () => {
    const { taskIds } = await makeProject(s, { tasks: 1 });
    const u = await s.makeUser('annotator');
    const d = (await s.request({ method: 'POST', url: `/api/tasks/${taskIds[0]}/drafts`, payload: { result: [] }, token: u.token })).json();
    expect(await getJson(s, `/api/tasks/${taskIds[0]}/drafts`)).toEqual([]);
    expect((await s.request({ method: 'PATCH', url: `/api/drafts/${d.id}`, payload: { result: [] } })).statusCode).toBe(404);
    expect((await s.request({ method: 'DELETE', url: `/api/drafts/${d.id}` })).statusCode).toBe(404);
  });

  it('refuses to submit from someone else’s draft or a draft of another task', async () => {
    const { taskIds } = await makeProject(s, { tasks: 2 });
    const u = await s.makeUser('annotator');
    const theirs = (await s.request({ method: 'POST', url: `/api/tasks/${taskIds[0]}/drafts`, payload: { result: [] }, token: u.token })).json();
    const mine = (await s.request({ method: 'POST', url: `/api/tasks/${taskIds[1]}/drafts`, payload: { result: [] } })).json();
    for (const draft_id of [theirs.id, mine.id]) {
      const res = await s.request({ method: 'POST', url: `/api/tasks/${taskIds[0]}/annotations`, payload: { result: [], draft_id } });
      expect(res.statusCode).toBe(403);
    }
    expect(await getJson(s, `/api/tasks/${taskIds[0]}/annotations`)).toEqual([]);
    expect((await getJson<unknown[]>(s, `/api/tasks/${taskIds[0]}/drafts`, u.token)).length).toBe(1);
  });

  it('saves a draft of an existing annotation, and 404s for an annotation of another task', async () => {
    const { taskIds } = await makeProject(s, { tasks: 2 });
    const a = await annotate(s, taskIds[0], { result: [choice('positive')] });
    const res = await s.request({ method: 'POST', url: `/api/tasks/${taskIds[0]}/annotations/${a.id}/drafts`, payload: { result: [choice('negative')] } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ task: taskIds[0], annotation: a.id });
    for (const url of [`/api/tasks/${taskIds[1]}/annotations/${a.id}/drafts`, `/api/tasks/${taskIds[0]}/annotations/987654321/drafts`]) {
      expect((await s.request({ method: 'POST', url, payload: { result: [] } })).statusCode).toBe(404);
    }
  });

  it('rejects a draft result that is not a list', async () => {
    const { taskIds } = await makeProject(s, { tasks: 1 });
    const res = await s.request({ method: 'POST', url: `/api/tasks/${taskIds[0]}/drafts`, payload: { result: 'positive' } });
    expect(res.statusCode).toBe(400);
    expect(await getJson(s, `/api/tasks/${taskIds[0]}/drafts`)).toEqual([]);
  });
});
