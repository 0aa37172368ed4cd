import type { Queryable } from '../../db/connection.js';
import { AppError } from '../../errors.js';
import { filtersSql, orderingSql, selectionSql, SqlParams, type DmQuery } from '../dm/filters.js';
import { countTasks, pageOfTasks, taskIdsWhere, type TaskRow } from './queries.js';

export interface TaskListOptions {
  projectId: number;
  query: DmQuery;
  onlyAnnotated?: boolean;
}

/** WHERE clause and parameters for the project's tasks under a Data Manager query. */
export function taskWhere(opts: TaskListOptions, sql = new SqlParams()): { where: string; params: unknown[]; order: string } {
  const conds = [`t.project_id = ${sql.add(opts.projectId)}`];
  const filters = filtersSql(opts.query.filters, sql);
  if (filters) conds.push(filters);
  const selection = selectionSql(opts.query.selectedItems, sql);
  if (selection) conds.push(selection);
  if (opts.onlyAnnotated) conds.push('(t.total_annotations + t.cancelled_annotations) > 0');
  const order = orderingSql(opts.query.ordering, sql);
  return { where: conds.join(' AND '), params: sql.values, order };
}

export async function listTaskPage(db: Queryable, opts: TaskListOptions, page: number, pageSize: number): Promise<{ rows: TaskRow[]; total: number }> {
  const { where, params, order } = taskWhere(opts);
  const rows = await pageOfTasks(db, where, params, order, pageSize, (page - 1) * pageSize);
  const total = await countTasks(db, where, params);
  if (rows.length === 0 && page > 1) throw new AppError('not_found', 'Invalid page.');
  return { rows, total };
}

export async function selectedTaskIds(db: Queryable, opts: TaskListOptions): Promise<number[]> {
  const { where, params } = taskWhere(opts);
  return taskIdsWhere(db, where, params);
}
