import type { Queryable } from '../../db/connection.js';
import type { ProjectListQuery } from './schemas.js';

export interface ProjectRow {
  id: number;
  organization_id: number;
  title: string;
  description: string;
  label_config: string;
  parsed_label_config: Record<string, unknown>;
  data_types: Record<string, string>;
  maximum_annotations: number;
  settings: Record<string, unknown>;
  created_by: number | null;
  created_at: Date;
  updated_at: Date;
  pinned_at: Date | null;
  next_inner_id: number;
  task_number: number;
  num_tasks_with_annotations: number;
  finished_task_number: number;
  total_annotations_number: number;
  skipped_annotations_number: number;
  ground_truth_number: number;
  total_predictions_number: number;
  stream_cursor: number;
  creator_email: string | null;
  creator_first_name: string | null;
  creator_last_name: string | null;
  creator_username: string | null;
}

const SELECT = `SELECT p.*, u.email AS creator_email, u.first_name AS creator_first_name, u.last_name AS creator_last_name, u.username AS creator_username
  FROM projects p LEFT JOIN users u ON u.id = p.created_by`;

export const findProject = async (q: Queryable, id: number) => (await q.query<ProjectRow>(`${SELECT} WHERE p.id = $1`, [id]))[0];

/** Locks the project row for the rest of the transaction (counter updates, inner ids). */
export const lockProject = async (q: Queryable, id: number) => (await q.query<ProjectRow>(`${SELECT} WHERE p.id = $1 FOR UPDATE OF p`, [id]))[0];

export interface ProjectWrite {
  title: string;
  description: string;
  label_config: string;
  parsed_label_config: unknown;
  data_types: unknown;
  maximum_annotations: number;
  settings: unknown;
  pinned_at: string | null;
}

export async function insertProject(q: Queryable, orgId: number, userId: number, p: ProjectWrite): Promise<number> {
  const rows = await q.query<{ id: number }>(
    `INSERT INTO projects (organization_id, created_by, title, description, label_config, parsed_label_config, data_types, maximum_annotations, settings, pinned_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
    [orgId, userId, p.title, p.description, p.label_config, JSON.stringify(p.parsed_label_config), JSON.stringify(p.data_types), p.maximum_annotations, JSON.stringify(p.settings), p.pinned_at],
  );
  return rows[0].id;
}

export async function updateProject(q: Queryable, id: number, p: ProjectWrite): Promise<void> {
  await q.query(
    `UPDATE projects SET title = $2, description = $3, label_config = $4, parsed_label_config = $5, data_types = $6,
       maximum_annotations = $7, settings = $8, pinned_at = $9, updated_at = now() WHERE id = $1`,
    [id, p.title, p.description, p.label_config, JSON.stringify(p.parsed_label_config), JSON.stringify(p.data_types), p.maximum_annotations, JSON.stringify(p.settings), p.pinned_at],
  );
}

export const deleteProject = (q: Queryable, id: number) => q.query('DELETE FROM projects WHERE id = $1', [id]);

const ORDERINGS: Record<string, string> = {
  id: 'p.id',
  title: 'p.title',
  created_at: 'p.created_at',
  updated_at: 'p.updated_at',
  pinned_at: 'p.pinned_at',
  task_number: 'p.task_number',
};

export async function listProjects(q: Queryable, orgId: number, query: ProjectListQuery, ids: number[] | null): Promise<{ rows: ProjectRow[]; count: number }> {
  const where = ['p.organization_id = $1'];
  const params: unknown[] = [orgId];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replaceAll('?', `$${params.length}`));
  };
  if (ids) add('p.id = ANY(?)', ids);
  if (query.title) add('p.title ILIKE ?', `%${query.title}%`);
  if (query.search) add('(p.title ILIKE ? OR p.description ILIKE ?)', `%${query.search}%`);
  if (query.filter === 'pinned_only') where.push('p.pinned_at IS NOT NULL');
  if (query.filter === 'exclude_pinned') where.push('p.pinned_at IS NULL');
  let order = 'p.pinned_at DESC NULLS LAST, p.created_at DESC, p.id DESC';
  if (query.ordering) {
    const desc = query.ordering.startsWith('-');
    const col = ORDERINGS[query.ordering.replace(/^-/, '')];
    if (col) order = `${col} ${desc ? 'DESC' : 'ASC'} NULLS LAST, p.id`;
  }
  const whereSql = where.join(' AND ');
  const count = (await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM projects p WHERE ${whereSql}`, params))[0].n;
  const offset = (query.page - 1) * query.page_size;
  const rows = await q.query<ProjectRow>(`${SELECT} WHERE ${whereSql} ORDER BY ${order} LIMIT ${Number(query.page_size)} OFFSET ${Number(offset)}`, params);
  return { rows, count };
}

/** from_name|to_name|type tuples used by a project's annotations and drafts: what a config change must keep. */
export const annotationUsage = (q: Queryable, projectId: number) =>
  q.query<{ fromName: string; toName: string; type: string; count: number }>(
    `SELECT r->>'from_name' AS "fromName", r->>'to_name' AS "toName", r->>'type' AS type, count(*)::int AS count
     FROM (SELECT result FROM annotations WHERE project_id = $1
           UNION ALL SELECT d.result FROM drafts d JOIN tasks t ON t.id = d.task_id WHERE t.project_id = $1) a,
          jsonb_array_elements(CASE WHEN jsonb_typeof(a.result) = 'array' THEN a.result ELSE '[]'::jsonb END) r
     WHERE r ? 'from_name' GROUP BY 1, 2, 3`,
    [projectId],
  );

export const labelUsage = (q: Queryable, projectId: number) =>
  q.query<{ fromName: string; label: string; count: number }>(
    `SELECT r->>'from_name' AS "fromName", l AS label, count(*)::int AS count
     FROM annotations a, jsonb_array_elements(CASE WHEN jsonb_typeof(a.result) = 'array' THEN a.result ELSE '[]'::jsonb END) r,
          jsonb_array_elements_text(CASE WHEN jsonb_typeof(r->'value'->(r->>'type')) = 'array' THEN r->'value'->(r->>'type') ELSE '[]'::jsonb END) l
     WHERE a.project_id = $1 AND r->>'type' IN ('choices','labels','rectanglelabels','polygonlabels','keypointlabels','ellipselabels','brushlabels','hypertextlabels','paragraphlabels','timeserieslabels')
     GROUP BY 1, 2`,
    [projectId],
  );
