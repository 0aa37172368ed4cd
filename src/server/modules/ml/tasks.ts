import type { Queryable } from '../../db/connection.js';
import { serializeAnnotation } from '../annotations/serialize.js';
import { annotationsOfTasks } from '../annotations/service.js';
import { listTaskPage } from '../tasks/list.js';
import type { TaskRow } from '../tasks/service.js';
import { serializeTask } from '../tasks/serialize.js';

/** The project's tasks with these ids, in id order (ids of tasks that are gone are left out). */
export async function tasksWithIds(db: Queryable, projectId: number, ids: number[]): Promise<TaskRow[]> {
  if (ids.length === 0) return [];
  return (await listTaskPage(db, { projectId, query: { selectedItems: { all: false, included: ids } } }, 1, ids.length)).rows;
}

/** Every task of the project, in id order, a page at a time. */
export async function* projectTaskPages(db: Queryable, projectId: number, opts: { onlyAnnotated?: boolean; pageSize?: number } = {}): AsyncGenerator<TaskRow[]> {
  const pageSize = opts.pageSize ?? 1000;
  for (let page = 1; ; page++) {
    const { rows } = await listTaskPage(db, { projectId, query: {}, onlyAnnotated: opts.onlyAnnotated }, page, pageSize).catch(() => ({ rows: [] as TaskRow[] }));
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < pageSize) return;
  }
}

/** Tasks with their submitted annotations, as the legacy `/train` call sends them (Label Studio's export shape). */
export async function annotatedTasks(db: Queryable, projectId: number): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const page of projectTaskPages(db, projectId, { onlyAnnotated: true })) {
    const annotations = await annotationsOfTasks(db, page.map((t) => t.id));
    for (const t of page) {
      const own = annotations.filter((a) => a.task_id === t.id && !a.was_cancelled).map(serializeAnnotation);
      if (own.length) out.push(serializeTask(t, { annotations: own }));
    }
  }
  return out;
}
