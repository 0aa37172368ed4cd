import type { Queryable } from '../../db/connection.js';
import { notFound } from '../../errors.js';
import type { DmQuery } from './filters.js';

export interface ViewRow {
  id: number;
  project_id: number;
  user_id: number | null;
  data: Record<string, unknown>;
  ordering: number;
  selected_items: unknown;
}

export const serializeView = (v: ViewRow) => ({
  id: v.id,
  project: v.project_id,
  user: v.user_id,
  data: v.data,
  order: v.ordering,
  selected_items: v.selected_items ?? null,
  filter_group: null,
  ordering: (v.data.ordering as unknown) ?? [],
  is_locked: false,
});

export const listViews = (q: Queryable, projectId: number) => q.query<ViewRow>('SELECT * FROM dm_views WHERE project_id = $1 ORDER BY ordering, id', [projectId]);

export async function findView(q: Queryable, id: number): Promise<ViewRow> {
  const v = (await q.query<ViewRow>('SELECT * FROM dm_views WHERE id = $1', [id]))[0];
  if (!v) throw notFound();
  return v;
}

export async function insertView(q: Queryable, projectId: number, userId: number, data: unknown): Promise<ViewRow> {
  return (
    await q.query<ViewRow>(
      `INSERT INTO dm_views (project_id, user_id, data, ordering)
       VALUES ($1, $2, $3, (SELECT coalesce(max(ordering), 0) + 1 FROM dm_views WHERE project_id = $1)) RETURNING *`,
      [projectId, userId, JSON.stringify(data ?? {})],
    )
  )[0];
}

export async function updateView(q: Queryable, id: number, data: unknown, merge: boolean): Promise<ViewRow> {
  const sql = merge ? 'UPDATE dm_views SET data = data || $2::jsonb WHERE id = $1 RETURNING *' : 'UPDATE dm_views SET data = $2::jsonb WHERE id = $1 RETURNING *';
  return (await q.query<ViewRow>(sql, [id, JSON.stringify(data ?? {})]))[0];
}

export const deleteView = (q: Queryable, id: number) => q.query('DELETE FROM dm_views WHERE id = $1', [id]);
export const deleteViewsOf = (q: Queryable, projectId: number) => q.query('DELETE FROM dm_views WHERE project_id = $1', [projectId]);

/** A saved view's filters and ordering as a Data Manager query. */
export async function viewQuery(q: Queryable, projectId: number, viewId: number): Promise<DmQuery> {
  const v = await findView(q, viewId);
  if (v.project_id !== projectId) throw notFound();
  return { filters: (v.data.filters as DmQuery['filters']) ?? null, ordering: (v.data.ordering as string[]) ?? null };
}
