import fs from 'node:fs';
import path from 'node:path';
import type { Ctx } from '../../context.js';
import type { Queryable } from '../../db/connection.js';
import { subscribe, type DomainEvent } from '../../events.js';
import type { JobLog } from '../../jobs/worker.js';
import { serializeAnnotation } from '../annotations/serialize.js';
import { annotationsOfTasks, type AnnotationRow } from '../annotations/service.js';
import { listTaskPage } from '../tasks/list.js';
import { serializeTask } from '../tasks/serialize.js';
import { selectedTaskIds } from '../tasks/service.js';
import { checkedStoragePath } from './local-files.js';
import * as q from './queries.js';
import type { StorageRow } from './queries.js';

const CHUNK = 500;

/** Label Studio's export storage layout: one object per annotation, keyed by its id, holding the task export with that annotation. */
async function annotationObject(db: Queryable, a: AnnotationRow): Promise<string> {
  const { rows } = await listTaskPage(db, { projectId: a.project_id, query: { selectedItems: { all: false, included: [a.task_id] } } }, 1, 1);
  const task = rows[0] ? serializeTask(rows[0]) : { id: a.task_id };
  return JSON.stringify({ ...task, annotations: [serializeAnnotation(a)] });
}

/** Writes through a temporary file and a rename, so a reader never sees half an object. */
async function writeObject(dir: string, key: string, body: string): Promise<void> {
  await fs.promises.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${key}.tmp-${process.pid}`);
  await fs.promises.writeFile(tmp, body);
  await fs.promises.rename(tmp, path.join(dir, key));
}

async function writeAnnotations(db: Queryable, storage: StorageRow, annotations: AnnotationRow[]): Promise<number> {
  const dir = checkedStoragePath(storage.path, false);
  let written = 0;
  for (const a of annotations) {
    if (a.was_cancelled) continue;
    await writeObject(dir, String(a.id), await annotationObject(db, a));
    written++;
  }
  return written;
}

/** Writes every annotation of the project to the export storage; records the count as last_sync_count. */
export async function syncExportStorage(db: Queryable, storage: StorageRow): Promise<StorageRow> {
  checkedStoragePath(storage.path, false);
  await q.setSyncState(db, storage.id, 'in_progress', null, null);
  try {
    const taskIds = await selectedTaskIds(db, { projectId: storage.project_id, query: {} });
    let count = 0;
    for (let i = 0; i < taskIds.length; i += CHUNK) count += await writeAnnotations(db, storage, await annotationsOfTasks(db, taskIds.slice(i, i + CHUNK)));
    return await q.setSyncState(db, storage.id, 'completed', null, count);
  } catch (err) {
    return q.setSyncState(db, storage.id, 'failed', (err as Error).message, null);
  }
}

async function onEvent(db: Queryable, e: DomainEvent): Promise<void> {
  const projectId =
    e.type === 'annotation.created' || e.type === 'annotation.updated' ? e.annotation.project_id : e.type === 'annotations.created' || e.type === 'annotations.deleted' ? e.projectId : null;
  if (projectId === null) return;
  const storages = await q.storagesOfProject(db, projectId, 'export', 'localfiles');
  if (storages.length === 0) return;
  for (const storage of storages) {
    switch (e.type) {
      case 'annotation.created':
      case 'annotation.updated':
        await writeAnnotations(db, storage, [e.annotation]);
        break;
      case 'annotations.created': {
        const wanted = new Set(e.annotationIds);
        await writeAnnotations(db, storage, (await annotationsOfTasks(db, [...new Set(e.taskIds)])).filter((a) => wanted.has(a.id)));
        break;
      }
      case 'annotations.deleted': {
        if (!storage.can_delete_objects) break;
        const dir = checkedStoragePath(storage.path, false);
        for (const id of e.annotationIds) await fs.promises.rm(path.join(dir, String(id)), { force: true });
        break;
      }
    }
  }
}

const EVENT_TYPES = ['annotation.created', 'annotation.updated', 'annotations.created', 'annotations.deleted'] as const;

/** Mirrors annotation changes into the projects' export storages as they happen; returns the unsubscribe. */
export function listenForStorageExports(ctx: Ctx, log: JobLog): () => void {
  const offs = EVENT_TYPES.map((type) =>
    subscribe(ctx.db, type, (e) => onEvent(ctx.db, e), (err, e) => log.error({ err, event: e.type }, 'storage: writing to an export storage failed')),
  );
  return () => offs.forEach((off) => off());
}
