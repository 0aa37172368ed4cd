import type { Db, Queryable } from '../../db/connection.js';
import { AppError } from '../../errors.js';
import { importTasks, type ImportSource } from '../imports/service.js';
import type { RawItem } from '../imports/sources.js';
import { getManagedProject, projectConfig } from '../projects/service.js';
import type { Actor } from '../users/service.js';
import * as q from './queries.js';
import type { StorageLink, StorageRow } from './queries.js';
import { kindOf } from './service.js';
import type { ListedObject, StorageKind } from './storage-kind.js';

/** Objects read side by side while the import writes (S3 round trips dominate a JSON sync). */
const READ_AHEAD = 16;
const LINK_BATCH = 1000;

export interface ImportSyncResult {
  /** tasks created */
  taskCount: number;
  /** objects listed, and how many of them were new or changed (only those are read) */
  listed: number;
  changed: number;
}

/** A JSON object as Label Studio reads it from a storage: one task, or a list of tasks. */
function tasksOf(key: string, text: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new AppError('invalid', `${key} is not valid JSON: ${(err as Error).message}`);
  }
  return Array.isArray(value) ? value : [value];
}

/** Yields `read(x)` for each x in order, keeping up to `ahead` reads in flight. */
async function* readAhead<T, R>(xs: T[], ahead: number, read: (x: T) => Promise<R>): AsyncGenerator<R> {
  const pending: Promise<R>[] = [];
  let next = 0;
  const fill = () => {
    while (pending.length < ahead && next < xs.length) {
      const p = read(xs[next++]);
      p.catch(() => undefined); // surfaced when its turn comes
      pending.push(p);
    }
  };
  fill();
  while (pending.length) {
    const value = await pending.shift()!;
    fill();
    yield value;
  }
}

/**
 * One import source holding every new or changed object's tasks, so tasks are written in large batches
 * whatever the objects hold. Links are written by the same transaction, after their object was read, so a
 * failed sync leaves every object to be read again next time.
 */
function objectSource(tx: Queryable, kind: StorageKind, storage: StorageRow, objects: ListedObject[], firstKey: string | null): ImportSource {
  const items = async function* (): AsyncGenerator<RawItem> {
    let links: StorageLink[] = [];
    const flushLinks = async () => {
      await q.upsertLinks(tx, storage.id, links);
      links = [];
    };
    let index = 0;
    if (storage.use_blob_urls) {
      for (const o of objects) {
        yield { index: index++, value: { [firstKey!]: kind.blobUrl(storage, o.key) } };
        links.push({ key: o.key, etag: o.etag, size: o.size, mtime_ms: o.mtimeMs });
        if (links.length >= LINK_BATCH) await flushLinks();
      }
    } else {
      const reads = readAhead(objects, READ_AHEAD, async (o) => ({ o, ...(await kind.read(storage, o.key)) }));
      for await (const { o, text, etag } of reads) {
        for (const value of tasksOf(o.key, text)) yield { index: index++, value };
        links.push({ key: o.key, etag: etag ?? o.etag, size: o.size, mtime_ms: o.mtimeMs });
        if (links.length >= LINK_BATCH) await flushLinks();
      }
    }
    await flushLinks();
  };
  return { format: storage.use_blob_urls ? storage.type : '.json', fileUploadId: null, items: items() };
}

const isChanged = (link: StorageLink | undefined, o: ListedObject) =>
  !link || (o.etag !== null ? link.etag !== o.etag : Number(link.size) !== o.size || Number(link.mtime_ms) !== o.mtimeMs);

/** Objects of the storage that are new, or changed since they were imported (listed only, never read). */
async function changedObjects(db: Queryable, kind: StorageKind, storage: StorageRow): Promise<{ listed: number; changed: ListedObject[] }> {
  const known = new Map((await q.linksOf(db, storage.id)).map((l) => [l.key, l]));
  const changed: ListedObject[] = [];
  let listed = 0;
  for await (const o of kind.list(storage)) {
    listed++;
    if (isChanged(known.get(o.key), o)) changed.push(o);
  }
  return { listed, changed };
}

/**
 * Imports the storage's new and changed objects as tasks, all in one transaction (a bad object imports
 * nothing). Throws on failure; the sync job records it on the storage.
 */
export async function importFromStorage(db: Db, actor: Actor, storage: StorageRow): Promise<ImportSyncResult> {
  const kind = kindOf(storage.type);
  const project = await getManagedProject(db, actor, storage.project_id);
  const firstKey = projectConfig(project).dataKeys[0] ?? null;
  if (storage.use_blob_urls && !firstKey) throw new AppError('invalid', 'use_blob_urls needs a labeling config that reads a data field');
  const { listed, changed } = await changedObjects(db, kind, storage);
  if (changed.length === 0) return { taskCount: 0, listed, changed: 0 };
  const summary = await importTasks(db, actor, project.id, async function* (tx) {
    yield objectSource(tx, kind, storage, changed, firstKey);
  }, false);
  return { taskCount: summary.task_count, listed, changed: changed.length };
}
