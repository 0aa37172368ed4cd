import type { Queryable } from '../../db/connection.js';

export interface TaskRow {
  id: number;
  project_id: number;
  inner_id: number;
  data: Record<string, unknown>;
  meta: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
  updated_by: number | null;
  is_labeled: boolean;
  overlap: number;
  file_upload_id: number | null;
  total_annotations: number;
  cancelled_annotations: number;
  ground_truth_annotations: number;
  total_predictions: number;
  completed_at: Date | null;
  file_upload?: string | null;
}

const SELECT = `SELECT t.*, f.file AS file_upload FROM tasks t LEFT JOIN file_uploads f ON f.id = t.file_upload_id`;

export const findTask = async (q: Queryable, id: number) => (await q.query<TaskRow>(`${SELECT} WHERE t.id = $1`, [id]))[0];

export async function pageOfTasks(q: Queryable, where: string, params: unknown[], order: string, limit: number, offset: number): Promise<TaskRow[]> {
  return q.query<TaskRow>(`${SELECT} WHERE ${where} ORDER BY ${order} LIMIT ${Number(limit)} OFFSET ${Number(offset)}`, params);
}

export interface TaskTotals {
  total: number;
  total_annotations: number;
  total_predictions: number;
}

/** How many tasks match, with their (non-cancelled) annotations and predictions, read from the task counters. */
export async function totalsOfTasks(q: Queryable, where: string, params: unknown[]): Promise<TaskTotals> {
  const rows = await q.query<TaskTotals>(
    `SELECT count(*)::int AS total, coalesce(sum(t.total_annotations), 0)::int AS total_annotations, coalesce(sum(t.total_predictions), 0)::int AS total_predictions
     FROM tasks t WHERE ${where}`,
    params,
  );
  return rows[0];
}

export async function taskIdsWhere(q: Queryable, where: string, params: unknown[]): Promise<number[]> {
  return (await q.query<{ id: number }>(`SELECT t.id FROM tasks t WHERE ${where} ORDER BY t.id`, params)).map((r) => r.id);
}

/**
 * Inserts a batch of tasks whose data/meta arrive as one JSON array text; Postgres unpacks it.
 * Returns the new ids in input order.
 */
export async function insertTaskBatch(q: Queryable, projectId: number, firstInnerId: number, tasksJson: string, fileUploadId: number | null): Promise<number[]> {
  const rows = await q.query<{ id: number }>(
    `INSERT INTO tasks (project_id, inner_id, data, meta, file_upload_id)
     SELECT $1, $2 + e.ord - 1, e.value->'data', coalesce(e.value->'meta', '{}'::jsonb), $4
     FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS e(value, ord)
     ORDER BY e.ord
     RETURNING id`,
    [projectId, firstInnerId, tasksJson, fileUploadId],
  );
  return rows.map((r) => r.id);
}

/** Reserves `n` inner ids and counts the tasks in; the project row stays locked until commit. */
export async function reserveInnerIds(q: Queryable, projectId: number, n: number): Promise<number> {
  const rows = await q.query<{ first: number }>(
    'UPDATE projects SET next_inner_id = next_inner_id + $2, task_number = task_number + $2 WHERE id = $1 RETURNING next_inner_id - $2 AS first',
    [projectId, n],
  );
  return rows[0].first;
}

export async function updateTask(q: Queryable, id: number, patch: { data?: unknown; meta?: unknown; userId: number }): Promise<void> {
  await q.query(
    `UPDATE tasks SET data = coalesce($2::jsonb, data), meta = coalesce($3::jsonb, meta), updated_at = now(), updated_by = $4 WHERE id = $1`,
    [id, patch.data === undefined ? null : JSON.stringify(patch.data), patch.meta === undefined ? null : JSON.stringify(patch.meta), patch.userId],
  );
}
