import type { Queryable } from '../../db/connection.js';

export interface PredictionRow {
  id: number;
  task_id: number;
  project_id: number;
  result: unknown[];
  score: number | null;
  model_version: string;
  cluster: number | null;
  neighbors: unknown;
  mislabeling: number;
  created_at: Date;
  updated_at: Date;
}

export const findPrediction = async (q: Queryable, id: number) => (await q.query<PredictionRow>('SELECT * FROM predictions WHERE id = $1', [id]))[0];

export const predictionsOfTasks = (q: Queryable, taskIds: number[]) =>
  q.query<PredictionRow>('SELECT * FROM predictions WHERE task_id = ANY($1::bigint[]) ORDER BY id', [taskIds]);

export function listPredictions(q: Queryable, orgId: number, filter: { task?: number; project?: number }) {
  const where = ['p.project_id IN (SELECT id FROM projects WHERE organization_id = $1)'];
  const params: unknown[] = [orgId];
  if (filter.task) where.push(`p.task_id = $${params.push(filter.task)}`);
  if (filter.project) where.push(`p.project_id = $${params.push(filter.project)}`);
  return q.query<PredictionRow>(`SELECT p.* FROM predictions p WHERE ${where.join(' AND ')} ORDER BY p.id LIMIT 100000`, params);
}

/** `itemsJson`: JSON array of {task, result, score, model_version}; every task must belong to the project (checked before). */
export async function insertPredictionBatch(q: Queryable, projectId: number, itemsJson: string): Promise<number[]> {
  const rows = await q.query<{ id: number }>(
    `INSERT INTO predictions (task_id, project_id, result, score, model_version)
     SELECT (e.value->>'task')::bigint, $1, coalesce(e.value->'result', '[]'::jsonb), (e.value->>'score')::double precision,
            coalesce(nullif(e.value->>'model_version', ''), 'undefined')
     FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS e(value, ord) ORDER BY e.ord RETURNING id`,
    [projectId, itemsJson],
  );
  return rows.map((r) => r.id);
}

export async function updatePrediction(q: Queryable, id: number, p: { result?: unknown; score?: number | null; model_version?: string }): Promise<void> {
  await q.query(
    `UPDATE predictions SET result = coalesce($2::jsonb, result), score = CASE WHEN $5 THEN $3 ELSE score END,
       model_version = coalesce($4, model_version), updated_at = now() WHERE id = $1`,
    [id, p.result === undefined ? null : JSON.stringify(p.result), p.score ?? null, p.model_version ?? null, p.score !== undefined],
  );
}

export async function deletePredictions(q: Queryable, where: string, params: unknown[]): Promise<{ task_id: number }[]> {
  return q.query<{ task_id: number }>(`DELETE FROM predictions WHERE ${where} RETURNING task_id`, params);
}

export const modelVersions = (q: Queryable, projectId: number) =>
  q.query<{ model_version: string; n: number }>('SELECT model_version, count(*)::int AS n FROM predictions WHERE project_id = $1 GROUP BY 1 ORDER BY 1', [projectId]);
