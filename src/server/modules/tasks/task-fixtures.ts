import type { TestServer } from '../../testing/harness.js';
import { insertOrganization } from '../users/service.js';

/** Test setup shared by the task, annotation, prediction, Data Manager and export suites. */

async function expectStatus<T = Record<string, unknown>>(res: { statusCode: number; body: string; json: () => unknown }, status: number, what: string): Promise<T> {
  if (res.statusCode !== status) throw new Error(`${what} failed: ${res.statusCode} ${res.body}`);
  return res.json() as T;
}

/** Imports tasks (bare data objects or {data, annotations, predictions}) and returns their ids in order. */
export async function importTasks(s: TestServer, projectId: number, items: unknown[], token?: string): Promise<number[]> {
  const res = await s.request({ method: 'POST', url: `/api/projects/${projectId}/import?return_task_ids=true`, payload: items, token });
  return (await expectStatus<{ task_ids: number[] }>(res, 201, 'import')).task_ids;
}

export async function annotate(s: TestServer, taskId: number, body: Record<string, unknown>, token?: string): Promise<Record<string, unknown>> {
  const res = await s.request({ method: 'POST', url: `/api/tasks/${taskId}/annotations`, payload: body, token });
  return expectStatus(res, 201, 'annotate');
}

export async function predict(s: TestServer, taskId: number, body: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const res = await s.request({ method: 'POST', url: '/api/predictions', payload: { task: taskId, result: 'positive', ...body } });
  return expectStatus(res, 201, 'predict');
}

export async function getJson<T = Record<string, unknown>>(s: TestServer, url: string, token?: string): Promise<T> {
  return expectStatus<T>(await s.request({ method: 'GET', url, token }), 200, `GET ${url}`);
}

export async function patchProject(s: TestServer, projectId: number, payload: Record<string, unknown>): Promise<void> {
  await expectStatus(await s.request({ method: 'PATCH', url: `/api/projects/${projectId}`, payload }), 200, 'project patch');
}

export const PROJECT_COUNTERS = ['task_number', 'total_annotations_number', 'skipped_annotations_number', 'num_tasks_with_annotations', 'finished_task_number', 'ground_truth_number', 'total_predictions_number'] as const;

/** The project's maintained counters, nothing else, so a test can compare them whole. */
export async function projectCounters(s: TestServer, projectId: number): Promise<Record<(typeof PROJECT_COUNTERS)[number], number>> {
  const p = await getJson(s, `/api/projects/${projectId}`);
  return Object.fromEntries(PROJECT_COUNTERS.map((k) => [k, p[k]])) as Record<(typeof PROJECT_COUNTERS)[number], number>;
}

/** A task's counters as the task endpoint reports them. */
export async function taskCounters(s: TestServer, taskId: number) {
  const t = await getJson(s, `/api/tasks/${taskId}`);
  return { total_annotations: t.total_annotations, cancelled_annotations: t.cancelled_annotations, total_predictions: t.total_predictions, is_labeled: t.is_labeled, completed_at: t.completed_at };
}

/** An owner of a second organization: everything of the first must look missing to them. */
export async function outsider(s: TestServer): Promise<{ id: number; token: string }> {
  const orgId = await insertOrganization(s.ctx.db, `Other org ${Math.random().toString(16).slice(2, 8)}`);
  return s.makeUser('owner', undefined, orgId);
}
