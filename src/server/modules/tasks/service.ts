import type { Db, Queryable } from '../../db/connection.js';
import { AppError, notFound } from '../../errors.js';
import { emit } from '../../events.js';
import { checkTaskData } from '../labelconfig/task-data.js';
import { getManagedProject, getProject, projectConfig, type ProjectRow } from '../projects/service.js';
import { requireManager, type Actor } from '../users/service.js';
import { deleteTasksWithCounters } from './counters.js';
import { selectedTaskIds } from './list.js';
import * as q from './queries.js';
import type { TaskRow } from './queries.js';

export type { TaskRow } from './queries.js';
export { refreshTaskCounters } from './counters.js';
export { insertTaskBatch, reserveInnerIds } from './queries.js';

/** A task and its project, if the actor may see the project. */
export async function getTask(db: Queryable, actor: Actor, id: number): Promise<{ task: TaskRow; project: ProjectRow }> {
  const task = await q.findTask(db, id);
  if (!task) throw notFound();
  const project = await getProject(db, actor, task.project_id).catch(() => {
    throw notFound();
  });
  return { task, project };
}

export async function createTask(db: Db, actor: Actor, projectId: number, data: unknown, meta: unknown): Promise<TaskRow> {
  requireManager(actor);
  const project = await getProject(db, actor, projectId);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new AppError('invalid', 'Validation error', { data: ['Task data must be a JSON object'] });
  const problem = checkTaskData(projectConfig(project), data);
  if (problem) throw new AppError('invalid', 'Validation error', { data: [problem] });
  const id = await db.transaction(async (tx) => {
    const first = await q.reserveInnerIds(tx, project.id, 1);
    const [taskId] = await q.insertTaskBatch(tx, project.id, first, JSON.stringify([{ data, meta: meta ?? {} }]), null);
    return taskId;
  });
  await emit(db, { type: 'tasks.created', orgId: actor.orgId, projectId: project.id, taskIds: [id] });
  return (await q.findTask(db, id))!;
}

export async function patchTask(db: Queryable, actor: Actor, id: number, patch: { data?: unknown; meta?: unknown }): Promise<TaskRow> {
  const { project } = await getTask(db, actor, id);
  requireManager(actor);
  if (patch.data !== undefined) {
    if (typeof patch.data !== 'object' || patch.data === null || Array.isArray(patch.data)) throw new AppError('invalid', 'Validation error', { data: ['Task data must be a JSON object'] });
    const problem = checkTaskData(projectConfig(project), patch.data);
    if (problem) throw new AppError('invalid', 'Validation error', { data: [problem] });
  }
  await q.updateTask(db, id, { ...patch, userId: actor.id });
  return (await q.findTask(db, id))!;
}

export async function deleteTasks(db: Db, actor: Actor, projectId: number, ids: number[] | 'all'): Promise<number> {
  await getManagedProject(db, actor, projectId);
  const removed = await db.transaction(async (tx) => {
    const before = (await tx.query<{ n: number }>('SELECT task_number AS n FROM projects WHERE id = $1 FOR UPDATE', [projectId]))[0].n;
    const taskIds = ids === 'all' ? await selectedTaskIds(tx, { projectId, query: {} }) : ids;
    await deleteTasksWithCounters(tx, projectId, ids);
    const after = (await tx.query<{ n: number }>('SELECT task_number AS n FROM projects WHERE id = $1', [projectId]))[0].n;
    return { count: before - after, taskIds };
  });
  await emit(db, { type: 'tasks.deleted', orgId: actor.orgId, projectId, taskIds: removed.taskIds });
  return removed.count;
}

export async function deleteTask(db: Db, actor: Actor, id: number): Promise<void> {
  const { task } = await getTask(db, actor, id);
  await deleteTasks(db, actor, task.project_id, [id]);
}

export { selectedTaskIds };
