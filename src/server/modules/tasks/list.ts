import type { Queryable } from '../../db/connection.js';
import { AppError } from '../../errors.js';
import { filtersSql, orderingSql, selectionSql, SqlParams, type DmQuery } from '../dm/filters.js';
import { pageOfTasks, taskIdsWhere, totalsOfTasks, type TaskRow, type TaskTotals } from './queries.js';

export interface TaskListOptions {
  projectId: number;
  query: DmQuery;
  onlyAnnotated?: boolean;
}

/** WHERE clause and its parameters for the project's tasks under a Data Manager query. */
export function taskWhere(opts: TaskListOptions, sql = new SqlParams()): { where: string; params: unknown[] } {
  const conds = [`t.project_id = ${sql.add(opts.projectId)}`];
  const filters = filtersSql(opts.query.filters, sql);
  if (filters) conds.push(filters);
  const selection = selectionSql(opts.query.selectedItems, sql);
  if (selection) conds.push(selection);
  if (opts.onlyAnnotated) conds.push('(t.total_annotations + t.cancelled_annotations) > 0');
  return { where: conds.join(' AND '), params: [...sql.values] };
}

/** A page of tasks and the Data Manager totals of every task the query selects. */
export async function listTaskPage(db: Queryable, opts: TaskListOptions, page: number, pageSize: number): Promise<{ rows: TaskRow[]; totals: TaskTotals }> {
  const sql = new SqlParams();
  const { where, params } = taskWhere(opts, sql);
  // ordering may add parameters of its own; the totals query must not see them
  const order = orderingSql(opts.query.ordering, sql);
  const rows = await pageOfTasks(db, where, sql.values, order, pageSize, (page - 1) * pageSize);
  if (rows.length === 0 && page > 1) throw new AppError('not_found', 'Invalid page.');
  return { rows, totals: await totalsOfTasks(db, where, params) };
}

export async function selectedTaskIds(db: Queryable, opts: TaskListOptions): Promise<number[]> {
  const { where, params } = taskWhere(opts);
  return taskIdsWhere(db, where, params);
}
