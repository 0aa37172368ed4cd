import type { Queryable } from '../../db/connection.js';

export interface AnnotationRow {
  id: number;
  task_id: number;
  project_id: number;
  result: unknown[];
  completed_by: number | null;
  updated_by: number | null;
  was_cancelled: boolean;
  ground_truth: boolean;
  lead_time: number | null;
  created_at: Date;
  updated_at: Date;
  draft_created_at: Date | null;
  parent_prediction: number | null;
  parent_annotation: number | null;
  unique_id: string;
  import_id: number | null;
  last_action: string | null;
  bulk_created: boolean;
  created_username?: string | null;
}

const SELECT = `SELECT a.*, u.email AS created_username FROM annotations a LEFT JOIN users u ON u.id = a.completed_by`;

export const findAnnotation = async (q: Queryable, id: number) => (await q.query<AnnotationRow>(`${SELECT} WHERE a.id = $1`, [id]))[0];

export const annotationsOfTasks = (q: Queryable, taskIds: number[]) =>
  q.query<AnnotationRow>(`${SELECT} WHERE a.task_id = ANY($1::bigint[]) ORDER BY a.id`, [taskIds]);

export interface AnnotationWrite {
  result: unknown;
  completedBy: number | null;
  wasCancelled: boolean;
  groundTruth: boolean;
  leadTime: number | null;
  parentPrediction: number | null;
  parentAnnotation: number | null;
  draftCreatedAt?: Date | string | null;
  createdAt?: string | null;
}

export async function insertAnnotation(q: Queryable, taskId: number, projectId: number, a: AnnotationWrite): Promise<number> {
  const rows = await q.query<{ id: number }>(
    `INSERT INTO annotations (task_id, project_id, result, completed_by, updated_by, was_cancelled, ground_truth, lead_time, parent_prediction, parent_annotation, draft_created_at, created_at, last_action)
     VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8, $9, $10, coalesce($11::timestamptz, now()), NULL) RETURNING id`,
    [taskId, projectId, JSON.stringify(a.result), a.completedBy, a.wasCancelled, a.groundTruth, a.leadTime, a.parentPrediction, a.parentAnnotation, a.draftCreatedAt ?? null, a.createdAt ?? null],
  );
  return rows[0].id;
}

/**
 * Inserts the annotations embedded in imported tasks: `itemsJson` is a JSON array of
 * {task, result, completed_by, was_cancelled, ground_truth, lead_time, created_at}.
 */
export async function insertAnnotationBatch(q: Queryable, projectId: number, itemsJson: string, defaultUser: number): Promise<number> {
  const rows = await q.query<{ n: number }>(
    `WITH ins AS (
       INSERT INTO annotations (task_id, project_id, result, completed_by, updated_by, was_cancelled, ground_truth, lead_time, created_at, bulk_created)
       SELECT (e->>'task')::bigint, $1, coalesce(e->'result', '[]'::jsonb),
              coalesce((SELECT u.id FROM users u WHERE u.id::text = e->>'completed_by' OR lower(u.email) = lower(e->>'completed_by') LIMIT 1), $3),
              $3, coalesce((e->>'was_cancelled')::boolean, false), coalesce((e->>'ground_truth')::boolean, false),
              (e->>'lead_time')::double precision, coalesce((e->>'created_at')::timestamptz, now()), true
       FROM jsonb_array_elements($2::jsonb) e RETURNING 1)
     SELECT count(*)::int AS n FROM ins`,
    [projectId, itemsJson, defaultUser],
  );
  return rows[0].n;
}

export async function updateAnnotation(q: Queryable, id: number, patch: Partial<AnnotationWrite> & { updatedBy: number }): Promise<void> {
  await q.query(
    `UPDATE annotations SET result = coalesce($2::jsonb, result), was_cancelled = coalesce($3, was_cancelled), ground_truth = coalesce($4, ground_truth),
       lead_time = coalesce($5, lead_time), updated_by = $6, updated_at = now(), last_action = 'updated' WHERE id = $1`,
    [id, patch.result === undefined ? null : JSON.stringify(patch.result), patch.wasCancelled ?? null, patch.groundTruth ?? null, patch.leadTime ?? null, patch.updatedBy],
  );
}

/** Label Studio keeps at most one ground truth annotation per task. */
export const clearOtherGroundTruth = (q: Queryable, taskId: number, keepId: number) =>
  q.query('UPDATE annotations SET ground_truth = false WHERE task_id = $1 AND id <> $2 AND ground_truth', [taskId, keepId]);

export const findDraftOwner = async (q: Queryable, id: number) =>
  (await q.query<{ task_id: number; user_id: number; created_at: Date }>('SELECT task_id, user_id, created_at FROM drafts WHERE id = $1', [id]))[0];

/** The caller's drafts of a task end when they submit: the one they named and any not tied to an annotation. */
export const deleteSubmittedDrafts = (q: Queryable, taskId: number, userId: number, draftId: number | null) =>
  q.query('DELETE FROM drafts WHERE task_id = $1 AND user_id = $2 AND (id = $3 OR annotation_id IS NULL)', [taskId, userId, draftId ?? 0]);

export const deleteAnnotation = (q: Queryable, id: number) => q.query('DELETE FROM annotations WHERE id = $1', [id]);

/** Deletes every annotation of the given tasks, and their drafts; returns the touched task ids, the annotation ids and count. */
export async function deleteAnnotationsOfTasks(q: Queryable, projectId: number, taskIds: number[]): Promise<{ taskIds: number[]; ids: number[]; deleted: number }> {
  const rows = await q.query<{ id: number; task_id: number }>(
    'DELETE FROM annotations WHERE project_id = $1 AND task_id = ANY($2::bigint[]) RETURNING id, task_id',
    [projectId, taskIds],
  );
  await q.query('DELETE FROM drafts WHERE task_id = ANY($1::bigint[])', [taskIds]);
  return { taskIds: [...new Set(rows.map((r) => r.task_id))], ids: rows.map((r) => r.id), deleted: rows.length };
}
