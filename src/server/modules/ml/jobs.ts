import type { Ctx } from '../../context.js';
import type { Queryable } from '../../db/connection.js';
import { AppError } from '../../errors.js';
import { systemActor } from '../../jobs/actor.js';
import { countOpenJobs } from '../../jobs/queue.js';
import { defineJob, enqueue, exponentialBackoff, PermanentJobError } from '../../jobs/worker.js';
import { insertPredictions, predictionsOfTasks } from '../predictions/service.js';
import { getProject, serializeProject, type ProjectRow } from '../projects/service.js';
import { serializeTask } from '../tasks/serialize.js';
import { deliveryOrderKey } from '../webhooks/service.js';
import { MlCallError, postWebhook, predict, train } from './client.js';
import { projectUid, setupBackend } from './connection.js';
import { findBackend, setState, type MlBackendRow } from './queries.js';
import { annotatedTasks, tasksWithIds } from './tasks.js';

export const subjectOf = (backendId: number) => `ml_backend:${backendId}`;

/** A training run waits for the webhook deliveries queued before it, so the backend has every annotation first. */
export const queueTraining = (db: Queryable, backends: Pick<MlBackendRow, 'id' | 'project_id' | 'webhook_id'>[], reason: string) =>
  enqueue(
    db,
    trainModel,
    backends.map((b) => ({ payload: { backendId: b.id, reason }, subject: subjectOf(b.id), orderKey: b.webhook_id ? deliveryOrderKey(b.webhook_id, b.project_id) : null })),
  );

interface Loaded {
  backend: MlBackendRow;
  project: ProjectRow;
}

/** The backend and its project, or null when either was deleted since the job was queued (nothing left to do). */
async function load(ctx: Ctx, backendId: number): Promise<Loaded | null> {
  const backend = await findBackend(ctx.db, backendId);
  if (!backend) return null;
  const project = await getProject(ctx.db, systemActor(backend.organization_id), backend.project_id).catch(() => null);
  return project ? { backend, project } : null;
}

/** Back to "connected" after a call went through; the error clears once no job of the backend is left failed. */
async function markConnected(ctx: Ctx, backend: MlBackendRow, modelVersion: string | null): Promise<void> {
  const { failed } = await countOpenJobs(ctx.db, subjectOf(backend.id));
  if (failed === 0) await setState(ctx.db, backend.id, 'CO', null, modelVersion);
  else await setState(ctx.db, backend.id, 'ER', backend.error_message, modelVersion);
}

const reportFailure = (what: string) => async (ctx: Ctx, job: { attempts: number; max_attempts: number; payload: { backendId: number } }, err: Error, final: boolean) => {
  const when = final ? `gave up after ${job.attempts} attempt(s)` : `attempt ${job.attempts} of ${job.max_attempts}, will retry`;
  await setState(ctx.db, job.payload.backendId, 'ER', `${what} failed (${when}): ${err.message}`);
};

export interface PredictJob {
  backendId: number;
  taskIds: number[];
}

type Settings = { task_data_login?: string | null; task_data_password?: string | null };

/**
 * Sends a batch of tasks to `/predict` and stores what comes back, each prediction with its score and
 * model version (the result's own, else the answer's, else the backend's). As Label Studio does, the
 * backend's `/setup` is called first, so a retrained model and its new version are picked up, and tasks
 * that already hold a prediction of that version are skipped. A backend that answers a batch with the
 * wrong number of results gets the tasks again one by one.
 */
export const predictTasks = defineJob<PredictJob>({
  queue: 'ml.predict',
  maxAttempts: 5,
  backoff: exponentialBackoff(2, 300),
  async run(ctx, job) {
    const loaded = await load(ctx, job.payload.backendId);
    if (!loaded) return;
    const { backend, project } = loaded;
    let version = backend.model_version;
    if (backend.auto_update) version = (await setupBackend(ctx, backend, project, backend.created_by)) || version;
    const tasks = await tasksWithIds(ctx.db, project.id, job.payload.taskIds);
    const done = new Set((await predictionsOfTasks(ctx.db, tasks.map((t) => t.id))).filter((p) => version && p.model_version === version).map((p) => p.task_id));
    const todo = tasks.filter((t) => !done.has(t.id));
    if (todo.length === 0) return markConnected(ctx, backend, version);
    const settings = project.settings as Settings;
    const answer = await predict(backend, {
      tasks: todo.map((t) => serializeTask(t)),
      project: projectUid(project),
      label_config: project.label_config,
      params: { login: settings.task_data_login ?? null, password: settings.task_data_password ?? null, context: null },
    });
    if (answer.results.length !== todo.length) {
      if (todo.length === 1 && answer.results.length === 0) return markConnected(ctx, backend, version);
      if (todo.length === 1) throw new Error(`/predict answered ${answer.results.length} results for 1 task`);
      await enqueue(ctx.db, predictTasks, todo.map((t) => ({ payload: { backendId: backend.id, taskIds: [t.id] }, subject: subjectOf(backend.id) })));
      return;
    }
    const items = answer.results.map((r, i) => ({
      task: todo[i].id,
      result: r.result ?? [],
      score: typeof r.score === 'number' ? r.score : null,
      model_version: r.model_version || answer.model_version || version || 'undefined',
    }));
    try {
      await ctx.db.transaction((tx) => insertPredictions(tx, project, items));
    } catch (err) {
      if (err instanceof AppError && err.kind === 'invalid') {
        throw new PermanentJobError(`the backend's predictions do not fit the project: ${JSON.stringify(err.validationErrors ?? err.message)}`);
      }
      throw err;
    }
    await markConnected(ctx, backend, version);
  },
  onFailure: reportFailure('Prediction'),
});

export interface TrainJob {
  backendId: number;
  /** what started it: "api", "every N annotations" */
  reason: string;
}

/**
 * Starts a training run: `START_TRAINING` with the project to the backend's `/webhook`, as Label Studio
 * does; a backend without `/webhook` (before LS 1.4.1) gets the legacy `/train` with every annotated task.
 */
export const trainModel = defineJob<TrainJob>({
  queue: 'ml.train',
  maxAttempts: 3,
  backoff: exponentialBackoff(5, 300),
  async run(ctx, job) {
    const loaded = await load(ctx, job.payload.backendId);
    if (!loaded) return;
    const { backend, project } = loaded;
    try {
      await postWebhook(backend, { action: 'START_TRAINING', project: serializeProject(project) });
    } catch (err) {
      if (!(err instanceof MlCallError) || (err.status !== 404 && err.status !== 405)) throw err;
      const settings = project.settings as Settings;
      await train(backend, {
        annotations: await annotatedTasks(ctx.db, project.id),
        project: projectUid(project),
        label_config: project.label_config,
        hostname: backend.hostname,
        params: { login: settings.task_data_login ?? null, password: settings.task_data_password ?? null },
      });
    }
    await markConnected(ctx, backend, null);
  },
  onFailure: reportFailure('Training'),
});
