import type { Ctx } from '../../context.js';
import { subscribe } from '../../events.js';
import { systemActor } from '../../jobs/actor.js';
import type { JobLog } from '../../jobs/worker.js';
import type { AnnotationRow } from '../annotations/service.js';
import { getProject } from '../projects/service.js';
import { queueTraining } from './jobs.js';
import { backendsOfProject, countAnnotationForTraining } from './queries.js';
import { queuePredictions } from './service.js';

interface MlSettings {
  evaluate_predictions_automatically?: boolean;
  min_annotations_to_start_training?: number;
  start_training_on_annotation_update?: boolean;
}

const settingsOf = async (ctx: Ctx, orgId: number, projectId: number) =>
  (await getProject(ctx.db, systemActor(orgId), projectId)).settings as MlSettings;

/**
 * Pre-labeling on import: new tasks of a project with an ML backend go to `/predict` when the project's
 * `evaluate_predictions_automatically` is on (Label Studio's "retrieve predictions automatically").
 */
async function prelabel(ctx: Ctx, orgId: number, projectId: number, taskIds: number[]): Promise<void> {
  if ((await backendsOfProject(ctx.db, projectId)).length === 0) return;
  if (!(await settingsOf(ctx, orgId, projectId)).evaluate_predictions_automatically) return;
  await queuePredictions(ctx.db, projectId, taskIds);
}

/**
 * Active learning's retrain: every `min_annotations_to_start_training` new annotations (updates too, when
 * `start_training_on_annotation_update`) start a training run of each backend of the project. Skips do not count.
 */
async function countTowardTraining(ctx: Ctx, orgId: number, a: AnnotationRow, updated: boolean): Promise<void> {
  if (a.was_cancelled || (await backendsOfProject(ctx.db, a.project_id)).length === 0) return;
  const settings = await settingsOf(ctx, orgId, a.project_id);
  const every = settings.min_annotations_to_start_training ?? 0;
  if (every <= 0 || (updated && !settings.start_training_on_annotation_update)) return;
  const due = new Set(await countAnnotationForTraining(ctx.db, a.project_id, every));
  await queueTraining(ctx.db, (await backendsOfProject(ctx.db, a.project_id)).filter((b) => due.has(b.id)), `every ${every} annotations`);
}

export function listenForMlEvents(ctx: Ctx, log: JobLog): () => void {
  const onError = (err: unknown, e: { type: string }) => log.error({ err, event: e.type }, 'ml: reacting to an event failed');
  const offs = [
    subscribe(ctx.db, 'tasks.created', (e) => prelabel(ctx, e.orgId, e.projectId, e.taskIds), onError),
    // late: the training run queues behind the webhook delivery of the annotation that started it
    subscribe(ctx.db, 'annotation.created', (e) => countTowardTraining(ctx, e.orgId, e.annotation, false), onError, { late: true }),
    subscribe(ctx.db, 'annotation.updated', (e) => countTowardTraining(ctx, e.orgId, e.annotation, true), onError, { late: true }),
  ];
  return () => offs.forEach((off) => off());
}
