import type { Ctx } from '../../context.js';
import type { Queryable } from '../../db/connection.js';
import { subscribe, type DomainEvent } from '../../events.js';
import type { JobLog } from '../../jobs/worker.js';
import { serializeAnnotation } from '../annotations/serialize.js';
import { annotationsOfTasks, type AnnotationRow } from '../annotations/service.js';
import { listTaskPage } from '../tasks/list.js';
import { serializeTask } from '../tasks/serialize.js';
import { selectedTaskIds } from '../tasks/service.js';
import * as q from './queries.js';
import type { StorageRow } from './queries.js';
import { kindOf } from './service.js';

const CHUNK = 500;
const WRITE_CONCURRENCY = 8;

/** Label Studio's export storage layout: one object per annotation, keyed by its id, holding the task export with that annotation. */
async function annotationObject(db: Queryable, a: AnnotationRow): Promise<string> {
  const { rows } = await listTaskPage(db, { projectId: a.project_id, query: { selectedItems: { all: false, included: [a.task_id] } } }, 1, 1);
  const task = rows[0] ? serializeTask(rows[0]) : { id: a.task_id };
  return JSON.stringify({ ...task, annotations: [serializeAnnotation(a)] });
}

/** Writes the annotations' objects (a few side by side); cancelled ones are skipped. Returns how many were written. */
export async function writeAnnotations(db: Queryable, storage: StorageRow, annotations: AnnotationRow[]): Promise<number> {
  const kind = kindOf(storage.type);
  const todo = annotations.filter((a) => !a.was_cancelled);
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const a = todo[next++];
      await kind.write(storage, kind.exportKey(storage, a.id), await annotationObject(db, a));
    }
  };
  await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, todo.length) }, worker));
  return todo.length;
}

export async function removeAnnotations(storage: StorageRow, annotationIds: number[]): Promise<void> {
  const kind = kindOf(storage.type);
  for (const id of annotationIds) await kind.remove(storage, kind.exportKey(storage, id));
}

/** Writes every annotation of the project to the export storage; returns the count. */
export async function exportAllAnnotations(db: Queryable, storage: StorageRow): Promise<number> {
  const taskIds = await selectedTaskIds(db, { projectId: storage.project_id, query: {} });
  let count = 0;
  for (let i = 0; i < taskIds.length; i += CHUNK) count += await writeAnnotations(db, storage, await annotationsOfTasks(db, taskIds.slice(i, i + CHUNK)));
  return count;
}

/** What one annotation event asks of the project's export storages. */
export interface ExportChange {
  write: { annotationId: number; taskId: number }[];
  remove: number[];
}

function changeOf(e: DomainEvent): { projectId: number; change: ExportChange } | null {
  switch (e.type) {
    case 'annotation.created':
    case 'annotation.updated':
      return { projectId: e.annotation.project_id, change: { write: [{ annotationId: e.annotation.id, taskId: e.annotation.task_id }], remove: [] } };
    case 'annotations.created':
      return { projectId: e.projectId, change: { write: e.annotationIds.map((annotationId, i) => ({ annotationId, taskId: e.taskIds[i] })), remove: [] } };
    case 'annotations.deleted':
      return { projectId: e.projectId, change: { write: [], remove: e.annotationIds } };
    default:
      return null;
  }
}

/** Applies a change to one export storage, reading the annotations as they are now (a job may run late). */
export async function applyExportChange(db: Queryable, storage: StorageRow, change: ExportChange): Promise<void> {
  if (change.write.length) {
    const wanted = new Set(change.write.map((w) => w.annotationId));
    const current = (await annotationsOfTasks(db, [...new Set(change.write.map((w) => w.taskId))])).filter((a) => wanted.has(a.id));
    await writeAnnotations(db, storage, current);
  }
  if (change.remove.length && storage.can_delete_objects) await removeAnnotations(storage, change.remove);
}

const EVENT_TYPES = ['annotation.created', 'annotation.updated', 'annotations.created', 'annotations.deleted'] as const;

/**
 * Mirrors annotation changes into the projects' export storages: each change becomes a job per storage
 * (queued before the request answers, retried when the bucket is down). Returns the unsubscribe.
 */
export function listenForStorageExports(ctx: Ctx, log: JobLog, queue: (db: Queryable, storage: StorageRow, change: ExportChange) => Promise<void>): () => void {
  const onEvent = async (e: DomainEvent) => {
    const found = changeOf(e);
    if (!found) return;
    for (const storage of await q.storagesOfProject(ctx.db, found.projectId, 'export')) {
      if (found.change.write.length === 0 && !storage.can_delete_objects) continue;
      await queue(ctx.db, storage, found.change);
    }
  };
  const offs = EVENT_TYPES.map((type) => subscribe(ctx.db, type, onEvent, (err, e) => log.error({ err, event: e.type }, 'storage: queueing an export storage write failed')));
  return () => offs.forEach((off) => off());
}
