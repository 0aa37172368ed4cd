import type { Ctx } from '../../context.js';
import type { Queryable } from '../../db/connection.js';
import { AppError, notFound, validationError } from '../../errors.js';
import { countOpenJobs, jobsOfSubject, type JobRow } from '../../jobs/queue.js';
import { enqueue } from '../../jobs/worker.js';
import { getManagedProject, getProject, type ProjectRow } from '../projects/service.js';
import { serializeTask } from '../tasks/serialize.js';
import { requireManager, type Actor } from '../users/service.js';
import { isoTime } from '../../wire.js';
import { deleteWebhookById, ensureMlWebhook } from '../webhooks/service.js';
import { health, MlCallError, predict, versions } from './client.js';
import { projectUid, setupBackend, type SetupTarget } from './connection.js';
import { predictTasks, queueTraining, subjectOf } from './jobs.js';
import * as q from './queries.js';
import type { MlBackendRow, MlBackendWrite } from './queries.js';
import type { MlBackendCreate, MlBackendUpdate } from './schemas.js';
import { projectTaskPages, tasksWithIds } from './tasks.js';

export type { MlBackendRow } from './queries.js';

/** Tasks per `/predict` call unless the caller says otherwise. */
export const DEFAULT_BATCH_SIZE = 20;

export async function getBackend(db: Queryable, actor: Actor, id: number): Promise<MlBackendRow> {
  requireManager(actor);
  const b = await q.findBackend(db, id);
  if (!b || b.organization_id !== actor.orgId) throw notFound();
  return b;
}

export async function listBackends(db: Queryable, actor: Actor, filter: { project?: number; isInteractive?: boolean }): Promise<MlBackendRow[]> {
  requireManager(actor);
  if (filter.project !== undefined) await getProject(db, actor, filter.project);
  return q.listBackends(db, actor.orgId, filter);
}

/**
 * Label Studio refuses a backend it cannot reach: `/health` must answer, then `/setup` must accept the
 * project. Answers the model version the backend reports.
 */
async function connect(ctx: Ctx, target: SetupTarget, project: ProjectRow, actor: Actor): Promise<string> {
  try {
    await health(target);
  } catch (err) {
    throw validationError('url', `Can't connect to ML backend ${target.url}, health check failed. Make sure it is up and your firewall is properly configured. Additional info: ${(err as Error).message}`);
  }
  try {
    return await setupBackend(ctx, target, project, actor.id || null);
  } catch (err) {
    throw validationError('url', `Successfully connected to ${target.url} but it doesn't look like a valid ML backend. Reason: ${(err as Error).message}`);
  }
}

function writeOf(input: MlBackendCreate | (MlBackendUpdate & { url: string }), base: MlBackendRow | null, hostname: string): MlBackendWrite {
  return {
    url: input.url,
    title: input.title ?? base?.title ?? 'default',
    description: input.description ?? base?.description ?? '',
    state: 'CO',
    errorMessage: null,
    isInteractive: input.is_interactive ?? base?.is_interactive ?? false,
    modelVersion: input.model_version ?? base?.model_version ?? '',
    timeout: input.timeout ?? base?.timeout ?? 100,
    authMethod: input.auth_method ?? base?.auth_method ?? 'NONE',
    basicAuthUser: input.basic_auth_user !== undefined ? input.basic_auth_user : (base?.basic_auth_user ?? null),
    basicAuthPass: input.basic_auth_pass !== undefined ? input.basic_auth_pass : (base?.basic_auth_pass ?? null),
    extraParams: input.extra_params !== undefined ? input.extra_params : (base?.extra_params ?? null),
    autoUpdate: input.auto_update ?? base?.auto_update ?? true,
    hostname,
  };
}

const targetOf = (w: MlBackendWrite): SetupTarget => ({
  url: w.url,
  auth_method: w.authMethod,
  basic_auth_user: w.basicAuthUser,
  basic_auth_pass: w.basicAuthPass,
  timeout: w.timeout,
  hostname: w.hostname,
  extra_params: w.extraParams,
  auto_update: w.autoUpdate,
  model_version: w.modelVersion,
});

/**
 * Connects a backend to a project (health, then setup) and gives the project the backend's webhook to
 * `<url>/webhook`, as Label Studio does. `hostname`: how the backend reaches this server (the origin the
 * request came in on), sent in `/setup` with the project creator's token.
 */
export async function createBackend(ctx: Ctx, actor: Actor, input: MlBackendCreate, hostname: string): Promise<MlBackendRow> {
  const project = await getManagedProject(ctx.db, actor, input.project);
  const write = writeOf(input, null, hostname);
  const version = await connect(ctx, targetOf(write), project, actor);
  if (write.autoUpdate || !write.modelVersion) write.modelVersion = version;
  const id = await q.insertBackend(ctx.db, project.id, actor.id, write);
  await q.setWebhook(ctx.db, id, await ensureMlWebhook(ctx.db, actor.orgId, project.id, write.url));
  return (await q.findBackend(ctx.db, id))!;
}

export async function updateBackend(ctx: Ctx, actor: Actor, id: number, input: MlBackendUpdate, hostname: string): Promise<MlBackendRow> {
  const b = await getBackend(ctx.db, actor, id);
  const project = await getProject(ctx.db, actor, b.project_id);
  const write = writeOf({ ...input, url: input.url ?? b.url }, b, b.hostname || hostname);
  const version = await connect(ctx, targetOf(write), project, actor);
  if (write.autoUpdate || !write.modelVersion) write.modelVersion = version || write.modelVersion;
  await q.updateBackend(ctx.db, id, write);
  if (write.url !== b.url) {
    if (b.webhook_id) await deleteWebhookById(ctx.db, b.webhook_id);
    await q.setWebhook(ctx.db, id, await ensureMlWebhook(ctx.db, actor.orgId, project.id, write.url));
  }
  return (await q.findBackend(ctx.db, id))!;
}

export async function deleteBackend(ctx: Ctx, actor: Actor, id: number): Promise<void> {
  const b = await getBackend(ctx.db, actor, id);
  await q.deleteBackend(ctx.db, id);
  if (b.webhook_id) await deleteWebhookById(ctx.db, b.webhook_id);
}

/** Queues `/predict` calls for these tasks in batches, on every backend of the project; returns how many tasks were queued. */
export async function queuePredictions(db: Queryable, projectId: number, taskIds: number[], batchSize = DEFAULT_BATCH_SIZE, onlyBackend?: MlBackendRow): Promise<number> {
  const backends = onlyBackend ? [onlyBackend] : await q.backendsOfProject(db, projectId);
  if (backends.length === 0 || taskIds.length === 0) return 0;
  const jobs = backends.flatMap((b) =>
    Array.from({ length: Math.ceil(taskIds.length / batchSize) }, (_, i) => ({
      payload: { backendId: b.id, taskIds: taskIds.slice(i * batchSize, (i + 1) * batchSize) },
      subject: subjectOf(b.id),
    })),
  );
  await enqueue(db, predictTasks, jobs);
  return taskIds.length;
}

/** The Data Manager's "Retrieve Predictions" action. */
export async function retrievePredictions(db: Queryable, actor: Actor, projectId: number, taskIds: number[], batchSize?: number): Promise<{ processed_items: number; detail: string }> {
  await getManagedProject(db, actor, projectId);
  const n = await queuePredictions(db, projectId, taskIds, batchSize);
  if (n === 0) return { processed_items: 0, detail: 'No ML backend is connected to this project' };
  return { processed_items: n, detail: `Retrieving predictions for ${n} tasks` };
}

/** `POST /api/ml/{id}/predict`: every task of the project. */
export async function predictAllTasks(db: Queryable, actor: Actor, id: number, batchSize?: number): Promise<number> {
  const b = await getBackend(db, actor, id);
  let n = 0;
  for await (const page of projectTaskPages(db, b.project_id)) n += await queuePredictions(db, b.project_id, page.map((t) => t.id), batchSize, b);
  return n;
}

export async function startTraining(db: Queryable, actor: Actor, id: number, reason = 'api'): Promise<void> {
  await queueTraining(db, [await getBackend(db, actor, id)], reason);
}

/**
 * Interactive pre-annotation (`/api/ml/{id}/interactive-annotating`): one task and the regions the user
 * just drew go to `/predict` at once; the first result comes back as a suggestion, nothing is stored.
 */
export async function interactiveAnnotating(ctx: Ctx, actor: Actor, id: number, taskId: number, context: unknown): Promise<{ data: unknown } | { errors: string[] }> {
  const b = await getBackend(ctx.db, actor, id);
  if (!b.is_interactive) return { errors: ['The ML backend is not interactive'] };
  const project = await getProject(ctx.db, actor, b.project_id);
  const [task] = await tasksWithIds(ctx.db, project.id, [taskId]);
  if (!task) throw notFound();
  const settings = project.settings as { task_data_login?: string | null; task_data_password?: string | null };
  try {
    const answer = await predict(b, {
      tasks: [serializeTask(task)],
      project: projectUid(project),
      label_config: project.label_config,
      params: { login: settings.task_data_login ?? null, password: settings.task_data_password ?? null, context: context ?? null },
    });
    return answer.raw.length ? { data: answer.raw[0] } : { errors: ['The ML backend returned no result'] };
  } catch (err) {
    if (err instanceof MlCallError) return { errors: [err.message] };
    throw err;
  }
}

/** The frontend's "test" button: one task through `/predict`, the exchange shown as it went. */
export async function testPredict(ctx: Ctx, actor: Actor, id: number) {
  const b = await getBackend(ctx.db, actor, id);
  const project = await getProject(ctx.db, actor, b.project_id);
  const first = await projectTaskPages(ctx.db, project.id, { pageSize: 1 }).next();
  const task = first.done ? undefined : first.value[0];
  if (!task) throw new AppError('invalid', 'The project has no tasks to test the ML backend with');
  const request = { tasks: [serializeTask(task)], project: projectUid(project), label_config: project.label_config, params: { login: null, password: null, context: null } };
  try {
    const response = await predict(b, request);
    return { status: 'ok', data: { status: 'ok', error_message: null, url: b.url, task: task.id, request, response } };
  } catch (err) {
    return { status: 'error', data: { status: 'error', error_message: (err as Error).message, url: b.url, task: task.id, request, response: null } };
  }
}

export async function modelVersions(ctx: Ctx, actor: Actor, id: number): Promise<{ versions: string[]; message: string }> {
  const b = await getBackend(ctx.db, actor, id);
  const project = await getProject(ctx.db, actor, b.project_id);
  try {
    const answer = await versions(b, projectUid(project));
    return { versions: Array.isArray(answer.versions) ? answer.versions.map(String) : [], message: '' };
  } catch (err) {
    return { versions: [], message: (err as Error).message };
  }
}

export async function backendJobs(db: Queryable, actor: Actor, id: number): Promise<JobRow[]> {
  const b = await getBackend(db, actor, id);
  return jobsOfSubject(db, subjectOf(b.id));
}

const READABLE_STATE: Record<string, string> = { CO: 'Connected', DI: 'Disconnected', ER: 'Error', TR: 'Training', PR: 'Predicting' };

/** The backend as Label Studio serializes it, plus LabelFleet's count of its queued and failed jobs. */
export async function serializeBackend(db: Queryable, b: MlBackendRow) {
  const jobs = await countOpenJobs(db, subjectOf(b.id));
  return {
    id: b.id,
    project: b.project_id,
    url: b.url,
    title: b.title,
    description: b.description,
    state: b.state,
    readable_state: READABLE_STATE[b.state] ?? b.state,
    error_message: b.error_message,
    is_interactive: b.is_interactive,
    model_version: b.model_version,
    timeout: b.timeout,
    auth_method: b.auth_method,
    basic_auth_user: b.basic_auth_user,
    basic_auth_pass_is_set: Boolean(b.basic_auth_pass),
    extra_params: b.extra_params ?? {},
    auto_update: b.auto_update,
    created_at: isoTime(b.created_at),
    updated_at: isoTime(b.updated_at),
    queued_jobs: jobs.queued,
    failed_jobs: jobs.failed,
  };
}

export const serializeJob = (j: JobRow) => ({
  id: j.id,
  queue: j.queue,
  state: j.state,
  attempts: j.attempts,
  max_attempts: j.max_attempts,
  task_ids: (j.payload as { taskIds?: number[] }).taskIds ?? null,
  last_error: j.last_error,
  run_at: isoTime(j.run_at),
  created_at: isoTime(j.created_at),
  finished_at: isoTime(j.finished_at),
});
