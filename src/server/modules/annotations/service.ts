import type { Db, Queryable } from '../../db/connection.js';
import { AppError, notFound } from '../../errors.js';
import { emit } from '../../events.js';
import { getManagedProject } from '../projects/service.js';
import { getTask, refreshTaskCounters } from '../tasks/service.js';
import { canManageProjects, type Actor } from '../users/service.js';
import * as q from './queries.js';
import type { AnnotationRow } from './queries.js';

export type { AnnotationRow } from './queries.js';
export { annotationsOfTasks, insertAnnotationBatch } from './queries.js';

export interface AnnotationInput {
  result?: unknown;
  was_cancelled?: boolean;
  ground_truth?: boolean;
  lead_time?: number | null;
  completed_by?: number | null;
  parent_prediction?: number | null;
  parent_annotation?: number | null;
  draft_id?: number | null;
}

/** A result is a list of region objects (Label Studio stores nothing else). */
export function checkResult(result: unknown, field = 'result'): unknown[] {
  if (!Array.isArray(result)) throw new AppError('invalid', 'Validation error', { [field]: ['Expected a list of result items'] });
  result.forEach((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new AppError('invalid', 'Validation error', { [field]: [`Item ${i} of the result must be an object`] });
    }
  });
  return result;
}

/** The draft an annotation is submitted from: it must be the caller's, on the same task. */
async function sourceDraft(db: Queryable, actor: Actor, taskId: number, draftId: number | null | undefined): Promise<Date | null> {
  if (!draftId) return null;
  const draft = await q.findDraftOwner(db, draftId);
  if (!draft) return null;
  if (draft.task_id !== taskId || draft.user_id !== actor.id) throw new AppError('forbidden', `You have no permission to draft id:${draftId}`);
  return draft.created_at;
}

export async function createAnnotation(db: Db, actor: Actor, taskId: number, input: AnnotationInput): Promise<AnnotationRow> {
  const { task } = await getTask(db, actor, taskId);
  const result = checkResult(input.result ?? []);
  const completedBy = canManageProjects(actor) && input.completed_by ? input.completed_by : actor.id;
  const draftCreatedAt = await sourceDraft(db, actor, task.id, input.draft_id);
  const id = await db.transaction(async (tx) => {
    const annotationId = await q.insertAnnotation(tx, task.id, task.project_id, {
      result,
      completedBy,
      wasCancelled: input.was_cancelled ?? false,
      groundTruth: input.ground_truth ?? false,
      leadTime: input.lead_time ?? null,
      parentPrediction: input.parent_prediction ?? null,
      parentAnnotation: input.parent_annotation ?? null,
      draftCreatedAt,
    });
    if (input.ground_truth) await q.clearOtherGroundTruth(tx, task.id, annotationId);
    await refreshTaskCounters(tx, task.project_id, [task.id]);
    await q.deleteSubmittedDrafts(tx, task.id, actor.id, input.draft_id ?? null);
    await tx.query('DELETE FROM task_locks WHERE task_id = $1 AND user_id = $2', [task.id, actor.id]);
    return annotationId;
  });
  const saved = (await q.findAnnotation(db, id))!;
  await emit(db, { type: 'annotation.created', orgId: actor.orgId, annotation: saved });
  return saved;
}

export async function getAnnotation(db: Queryable, actor: Actor, id: number): Promise<AnnotationRow> {
  const a = await q.findAnnotation(db, id);
  if (!a) throw notFound();
  await getTask(db, actor, a.task_id);
  if (!canManageProjects(actor) && a.completed_by !== actor.id) throw notFound();
  return a;
}

/** A task's submitted annotations; skipped ones are left out, as Label Studio's list does. */
export async function listAnnotations(db: Queryable, actor: Actor, taskId: number): Promise<AnnotationRow[]> {
  await getTask(db, actor, taskId);
  const submitted = (await q.annotationsOfTasks(db, [taskId])).filter((a) => !a.was_cancelled);
  return canManageProjects(actor) ? submitted : submitted.filter((a) => a.completed_by === actor.id);
}

export async function updateAnnotation(db: Db, actor: Actor, id: number, input: AnnotationInput): Promise<AnnotationRow> {
  const a = await getAnnotation(db, actor, id);
  const result = input.result === undefined ? undefined : checkResult(input.result);
  await db.transaction(async (tx) => {
    await q.updateAnnotation(tx, id, { result, wasCancelled: input.was_cancelled, groundTruth: input.ground_truth, leadTime: input.lead_time ?? undefined, updatedBy: actor.id });
    if (input.ground_truth) await q.clearOtherGroundTruth(tx, a.task_id, id);
    await refreshTaskCounters(tx, a.project_id, [a.task_id]);
  });
  const saved = (await q.findAnnotation(db, id))!;
  await emit(db, { type: 'annotation.updated', orgId: actor.orgId, annotation: saved });
  return saved;
}

export async function deleteAnnotation(db: Db, actor: Actor, id: number): Promise<void> {
  const a = await getAnnotation(db, actor, id);
  await db.transaction(async (tx) => {
    await q.deleteAnnotation(tx, id);
    await refreshTaskCounters(tx, a.project_id, [a.task_id]);
  });
  await emit(db, { type: 'annotations.deleted', orgId: actor.orgId, projectId: a.project_id, annotationIds: [a.id] });
}

/** Removes the annotations and drafts of the given tasks; returns how many annotations went. */
export async function deleteAnnotationsOfTasks(db: Db, actor: Actor, projectId: number, taskIds: number[]): Promise<number> {
  await getManagedProject(db, actor, projectId);
  const gone = await db.transaction(async (tx) => {
    const deleted = await q.deleteAnnotationsOfTasks(tx, projectId, taskIds);
    await refreshTaskCounters(tx, projectId, deleted.taskIds);
    return deleted;
  });
  await emit(db, { type: 'annotations.deleted', orgId: actor.orgId, projectId, annotationIds: gone.ids });
  return gone.deleted;
}

/** Label Studio's "predictions to annotations": each selected task gets its newest prediction as the actor's annotation. */
export async function annotationsFromPredictions(db: Db, actor: Actor, projectId: number, taskIds: number[], modelVersions: string[] | null): Promise<number> {
  await getManagedProject(db, actor, projectId);
  const created = await db.transaction(async (tx) => {
    const rows = await tx.query<{ id: number; task_id: number }>(
      `INSERT INTO annotations (task_id, project_id, result, completed_by, updated_by, parent_prediction)
       SELECT DISTINCT ON (p.task_id) p.task_id, p.project_id, p.result, $4, $4, p.id
       FROM predictions p WHERE p.project_id = $1 AND p.task_id = ANY($2::bigint[]) AND ($3::text[] IS NULL OR p.model_version = ANY($3::text[]))
       ORDER BY p.task_id, p.id DESC
       RETURNING id, task_id`,
      [projectId, taskIds, modelVersions, actor.id],
    );
    await refreshTaskCounters(tx, projectId, rows.map((c) => c.task_id));
    return rows;
  });
  await emit(db, { type: 'annotations.created', orgId: actor.orgId, projectId, annotationIds: created.map((c) => c.id), taskIds: created.map((c) => c.task_id) });
  return created.length;
}
