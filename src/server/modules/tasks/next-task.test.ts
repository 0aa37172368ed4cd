import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { choice, makeProject, startTestServer, type TestServer } from '../../testing/harness.js';
import { annotate, patchProject } from './task-fixtures.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => s?.close());

const next = (projectId: number, token: string) => s.request({ method: 'GET', url: `/api/projects/${projectId}/next`, token });
const nextId = async (projectId: number, token: string): Promise<number> => {
  const res = await next(projectId, token);
  if (res.statusCode !== 200) throw new Error(`next failed: ${res.statusCode} ${res.body}`);
  return res.json().id;
};
const label = (taskId: number, token: string) => annotate(s, taskId, { result: [choice('positive')] }, token);
const skip = (taskId: number, token: string) => annotate(s, taskId, { result: [], was_cancelled: true }, token);

describe('next task', () => {
  it('hands out unlabeled tasks in id order', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 3 });
    const u = await s.makeUser('annotator');
    const first = await next(id, u.token);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ id: taskIds[0], data: { text: 'task number 1' }, annotations: [] });
    await label(taskIds[0], u.token);
    expect(await nextId(id, u.token)).toBe(taskIds[1]);
  });

  it('skips the tasks this user already annotated or skipped', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 3 });
    await patchProject(s, id, { maximum_annotations: 2 });
    const u = await s.makeUser('annotator');
    await label(taskIds[0], u.token);
    await skip(taskIds[1], u.token);
    expect(await nextId(id, u.token)).toBe(taskIds[2]);
  });

  it('skips tasks already labeled by others', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 2 });
    await label(taskIds[0], s.adminToken);
    const u = await s.makeUser('annotator');
    expect(await nextId(id, u.token)).toBe(taskIds[1]);
  });

  it('gives annotators who ask at the same time different tasks', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 8 });
    const users = await Promise.all(Array.from({ length: 6 }, () => s.makeUser('annotator')));
    const got = await Promise.all(users.map((u) => nextId(id, u.token)));
    expect(new Set(got).size).toBe(users.length);
    expect(got.every((t) => taskIds.includes(t))).toBe(true);
  });

  it('keeps giving a user the same task until they annotate it', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 3 });
    const u = await s.makeUser('annotator');
    const other = await s.makeUser('annotator');
    expect(await nextId(id, u.token)).toBe(taskIds[0]);
    expect(await nextId(id, u.token)).toBe(taskIds[0]);
    expect(await nextId(id, other.token)).toBe(taskIds[1]);
    await label(taskIds[0], u.token);
    expect(await nextId(id, u.token)).toBe(taskIds[2]);
  });

  it('lets a second annotator take a task the first finished when maximum_annotations is 2', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 2 });
    await patchProject(s, id, { maximum_annotations: 2 });
    const [a, b] = [await s.makeUser('annotator'), await s.makeUser('annotator')];
    expect(await nextId(id, a.token)).toBe(taskIds[0]);
    await label(taskIds[0], a.token);
    expect(await nextId(id, b.token)).toBe(taskIds[0]);
    await label(taskIds[0], b.token);
    expect(await nextId(id, a.token)).toBe(taskIds[1]);
  });

  it('answers 404 when nothing is left for the user', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 1 });
    const u = await s.makeUser('annotator');
    await label(taskIds[0], u.token);
    const res = await next(id, u.token);
    expect(res.statusCode).toBe(404);
    expect(res.json().detail).toBe('No more tasks found');
  });

  it('returns a user’s skipped tasks last when the project requeues skips to them', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 3 });
    await patchProject(s, id, { skip_queue: 'REQUEUE_FOR_ME' });
    const u = await s.makeUser('annotator');
    await skip(taskIds[0], u.token);
    expect(await nextId(id, u.token)).toBe(taskIds[1]);
    await label(taskIds[1], u.token);
    await label(taskIds[2], u.token);
    expect(await nextId(id, u.token)).toBe(taskIds[0]);
  });

  it('does not return skipped tasks to the same user when skips go to others', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 1 });
    const [u, other] = [await s.makeUser('annotator'), await s.makeUser('annotator')];
    await skip(taskIds[0], u.token);
    expect((await next(id, u.token)).statusCode).toBe(404);
    expect(await nextId(id, other.token)).toBe(taskIds[0]);
  });

  it('treats a skipped task as done for everyone when the project ignores skips', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 2 });
    await patchProject(s, id, { skip_queue: 'IGNORE_SKIPPED' });
    const [u, other] = [await s.makeUser('annotator'), await s.makeUser('annotator')];
    await skip(taskIds[0], u.token);
    expect(await nextId(id, other.token)).toBe(taskIds[1]);
  });
});
