import type { Queryable } from '../../db/connection.js';
import { systemActor } from '../../jobs/actor.js';
import { serializeAnnotation } from '../annotations/serialize.js';
import { annotationsOfTasks, type AnnotationRow } from '../annotations/service.js';
import { getProject, serializeProject } from '../projects/service.js';
import { listTaskPage } from '../tasks/list.js';
import { serializeTask } from '../tasks/serialize.js';

/**
 * Label Studio's webhook bodies (`webhooks/utils.py:emit_webhooks_for_instance`): the action's key holds
 * the serialized object(s); project-scoped actions add "project", annotation actions the nested "task".
 * Objects are read fresh, as they are right after the change.
 */
export type Payload = Record<string, unknown>;

export async function projectOf(db: Queryable, orgId: number, projectId: number) {
  return serializeProject(await getProject(db, systemActor(orgId), projectId));
}

/** The project's tasks with these ids, in id order; ids of tasks that are gone are left out. */
export async function tasksWithIds(db: Queryable, projectId: number, ids: number[]) {
  if (ids.length === 0) return [];
  const { rows } = await listTaskPage(db, { projectId, query: { selectedItems: { all: false, included: ids } } }, 1, ids.length);
  return rows;
}

export async function tasksPayload(db: Queryable, orgId: number, projectId: number, taskIds: number[]): Promise<Payload> {
  const [tasks, project] = await Promise.all([tasksWithIds(db, projectId, taskIds), projectOf(db, orgId, projectId)]);
  return { tasks: tasks.map((t) => serializeTask(t)), project };
}

export async function annotationPayload(db: Queryable, orgId: number, annotation: AnnotationRow): Promise<Payload> {
  const [tasks, project] = await Promise.all([tasksWithIds(db, annotation.project_id, [annotation.task_id]), projectOf(db, orgId, annotation.project_id)]);
  return { annotation: serializeAnnotation(annotation), task: tasks[0] ? serializeTask(tasks[0]) : { id: annotation.task_id }, project };
}

export async function annotationsPayload(db: Queryable, orgId: number, projectId: number, annotationIds: number[], taskIds: number[]): Promise<Payload> {
  const wanted = new Set(annotationIds);
  const [annotations, tasks, project] = await Promise.all([annotationsOfTasks(db, taskIds), tasksWithIds(db, projectId, taskIds), projectOf(db, orgId, projectId)]);
  return {
    annotation: annotations.filter((a) => wanted.has(a.id)).map(serializeAnnotation),
    task: tasks.map((t) => serializeTask(t)),
    project,
  };
}

export const onlyIds = (ids: number[]) => ids.map((id) => ({ id }));
