import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { choice, makeProject, startTestServer, type TestServer } from '../../testing/harness.js';
import { annotate, getJson, outsider, patchProject } from '../tasks/task-fixtures.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => s?.close());

const duplicate = (id: number, payload: Record<string, unknown>, token?: string) => s.request({ method: 'POST', url: `/api/projects/${id}/duplicate/`, payload, token });

describe('project duplicate', () => {
  it('copies the settings into a new project without tasks in mode "settings"', async () => {
    const { id } = await makeProject(s, { title: 'Original', tasks: 2 });
    await patchProject(s, id, { show_skip_button: false, maximum_annotations: 3, expert_instruction: '<p>Read twice</p>' });
    const res = await duplicate(id, { mode: 'settings', title: 'Copy of original' });
    expect(res.statusCode).toBe(201);
    const copy = await getJson(s, `/api/projects/${res.json().id}`);
    const source = await getJson(s, `/api/projects/${id}`);
    expect(copy).toMatchObject({ title: 'Copy of original', label_config: source.label_config, show_skip_button: false, maximum_annotations: 3, expert_instruction: '<p>Read twice</p>', task_number: 0 });
    expect(copy.id).not.toBe(id);
  });

  it('copies the tasks’ data but not their annotations in mode "settings,data"', async () => {
    const { id, taskIds } = await makeProject(s, { title: 'With data', tasks: 3 });
    await annotate(s, taskIds[0], { result: [choice('positive')] });
    const res = await duplicate(id, { mode: 'settings,data' });
    expect(res.statusCode).toBe(201);
    const newId = res.json().id as number;
    expect(await getJson(s, `/api/projects/${newId}`)).toMatchObject({ title: 'With data (copy)', task_number: 3, total_annotations_number: 0, num_tasks_with_annotations: 0 });
    const tasks = (await getJson<{ tasks: { id: number; inner_id: number; data: unknown; total_annotations: number }[] }>(s, `/api/tasks?project=${newId}`)).tasks;
    expect(tasks.map((t) => [t.inner_id, t.data, t.total_annotations])).toEqual([1, 2, 3].map((n) => [n, { text: `task number ${n}` }, 0]));
    expect(tasks.map((t) => t.id).some((tid) => taskIds.includes(tid))).toBe(false);
    // the source keeps its tasks and annotation
    expect(await getJson(s, `/api/projects/${id}`)).toMatchObject({ task_number: 3, total_annotations_number: 1 });
  });

  it('hides another organization’s project and refuses annotators', async () => {
    const { id } = await makeProject(s);
    const other = await outsider(s);
    expect((await duplicate(id, {}, other.token)).statusCode).toBe(404);
    const annotator = await s.makeUser('annotator');
    expect((await duplicate(id, {}, annotator.token)).statusCode).toBe(403);
  });

  it('refuses a title longer than 50 characters', async () => {
    const { id } = await makeProject(s);
    const res = await duplicate(id, { title: 'x'.repeat(51) });
    expect(res.statusCode).toBe(400);
  });
});
