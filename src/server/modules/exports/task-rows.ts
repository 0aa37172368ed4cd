import type { Queryable } from '../../db/connection.js';

const TS = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** One task as Label Studio's JSON export writes it, built by Postgres as text: the server only streams it. */
const TASK_JSON = `json_build_object(
  'id', t.id,
  'annotations', coalesce((SELECT json_agg(json_build_object(
      'id', a.id, 'completed_by', a.completed_by, 'result', a.result, 'was_cancelled', a.was_cancelled,
      'ground_truth', a.ground_truth, 'created_at', ${TS('a.created_at')}, 'updated_at', ${TS('a.updated_at')},
      'draft_created_at', ${TS('a.draft_created_at')}, 'lead_time', a.lead_time, 'prediction', '{}'::json,
      'result_count', jsonb_array_length(CASE WHEN jsonb_typeof(a.result) = 'array' THEN a.result ELSE '[]'::jsonb END),
      'unique_id', a.unique_id, 'import_id', a.import_id, 'last_action', a.last_action, 'bulk_created', a.bulk_created,
      'task', a.task_id, 'project', a.project_id, 'updated_by', a.updated_by, 'parent_prediction', a.parent_prediction,
      'parent_annotation', a.parent_annotation, 'last_created_by', NULL) ORDER BY a.id)
    FROM annotations a WHERE a.task_id = t.id AND (NOT a.was_cancelled OR $3)), '[]'::json),
  'file_upload', (SELECT f.file FROM file_uploads f WHERE f.id = t.file_upload_id),
  'drafts', '[]'::json,
  'predictions', coalesce((SELECT json_agg(json_build_object(
      'id', p.id, 'model_version', p.model_version, 'created_ago', '', 'result', p.result, 'score', p.score,
      'cluster', p.cluster, 'neighbors', p.neighbors, 'mislabeling', p.mislabeling, 'created_at', ${TS('p.created_at')},
      'updated_at', ${TS('p.updated_at')}, 'model', NULL, 'model_run', NULL, 'task', p.task_id, 'project', p.project_id) ORDER BY p.id)
    FROM predictions p WHERE p.task_id = t.id), '[]'::json),
  'data', t.data, 'meta', t.meta,
  'created_at', ${TS('t.created_at')}, 'updated_at', ${TS('t.updated_at')},
  'inner_id', t.inner_id, 'total_annotations', t.total_annotations, 'cancelled_annotations', t.cancelled_annotations,
  'total_predictions', t.total_predictions, 'comment_count', 0, 'unresolved_comment_count', 0,
  'last_comment_updated_at', NULL, 'project', t.project_id, 'updated_by', t.updated_by, 'comment_authors', '[]'::json
)::text`;

export interface TaskFilter {
  projectId: number;
  /** false: only tasks with at least one annotation (Label Studio's download_all_tasks=false) */
  allTasks: boolean;
  ids?: number[] | null;
  includeSkipped?: boolean;
}

const BATCH = 1000;

/** Streams the JSON text of each selected task, in id order, one keyset page at a time. */
export async function* taskJsonTexts(db: Queryable, f: TaskFilter): AsyncGenerator<string[]> {
  let after = 0;
  const conds = ['t.project_id = $1', 't.id > $2'];
  const params: unknown[] = [f.projectId, 0, f.includeSkipped ?? false];
  if (!f.allTasks) conds.push('(t.total_annotations + t.cancelled_annotations) > 0');
  if (f.ids?.length) conds.push(`t.id = ANY($${params.push(f.ids)}::bigint[])`);
  for (;;) {
    params[1] = after;
    const rows = await db.query<{ id: number; json: string }>(
      `SELECT t.id, ${TASK_JSON} AS json FROM tasks t WHERE ${conds.join(' AND ')} ORDER BY t.id LIMIT ${BATCH}`,
      params,
    );
    if (rows.length === 0) return;
    yield rows.map((r) => r.json);
    after = rows[rows.length - 1].id;
    if (rows.length < BATCH) return;
  }
}

export async function dataKeysOf(db: Queryable, projectId: number): Promise<string[]> {
  const rows = await db.query<{ k: string }>('SELECT DISTINCT jsonb_object_keys(data) AS k FROM tasks WHERE project_id = $1', [projectId]);
  return rows.map((r) => r.k).sort();
}
