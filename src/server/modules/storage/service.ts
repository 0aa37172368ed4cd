import path from 'node:path';
import type { Queryable } from '../../db/connection.js';
import { AppError, notFound } from '../../errors.js';
import { isoTime } from '../../wire.js';
import { getManagedProject, getProject } from '../projects/service.js';
import type { Actor } from '../users/service.js';
import { checkedStoragePath, localFilesKind, resolveLocalFile } from './local-files.js';
import * as q from './queries.js';
import type { Direction, StorageRow, StorageWrite } from './queries.js';
import { azureKind } from './azure-storage.js';
import { s3Kind } from './s3-storage.js';
import { configOf, type StorageKind } from './storage-kind.js';
import type { StorageCreate, StorageType, StorageUpdate } from './schemas.js';

export type { StorageRow } from './queries.js';

const KINDS: Record<StorageType, StorageKind> = { s3: s3Kind, azure: azureKind, localfiles: localFilesKind };

export function kindOf(type: string): StorageKind {
  const kind = KINDS[type as StorageType];
  if (!kind) throw new AppError('invalid', `Unknown storage type "${type}"`);
  return kind;
}

export function serializeStorage(s: StorageRow) {
  const common = {
    id: s.id,
    type: s.type,
    synchronizable: true,
    title: s.title,
    description: s.description,
    created_at: isoTime(s.created_at),
    last_sync: isoTime(s.last_sync),
    last_sync_count: s.last_sync_count,
    last_sync_job: s.last_sync_job,
    status: s.status,
    traceback: s.traceback,
    meta: {},
    regex_filter: s.regex_filter,
    use_blob_urls: s.use_blob_urls,
    recursive_scan: s.settings.recursive_scan === true,
    sync_interval_minutes: typeof s.settings.sync_interval_minutes === 'number' ? s.settings.sync_interval_minutes : null,
    project: s.project_id,
    ...kindOf(s.type).wire(s),
  };
  return s.direction === 'export' ? { ...common, can_delete_objects: s.can_delete_objects } : common;
}

function checkRegex(raw: string | null): void {
  if (!raw) return;
  try {
    new RegExp(raw);
  } catch {
    throw new AppError('invalid', `Invalid regex_filter: ${raw}`, { regex_filter: ['Invalid regular expression'] });
  }
}

/** Checks the settings the way a sync will use them: the filter compiles, the folder or bucket answers. */
export async function validateSettings(type: StorageType, w: StorageWrite, direction: Direction): Promise<void> {
  checkRegex(w.regexFilter);
  await kindOf(type).validate(configOf(w, direction));
}

function nextSyncOf(interval: number | null, prev: StorageRow | undefined, now = new Date()): Date | null {
  if (interval === null) return null;
  const before = prev?.settings.sync_interval_minutes;
  if (prev?.next_sync_at && before === interval) return prev.next_sync_at;
  return new Date(now.getTime() + interval * 60_000);
}

function writeOf(type: StorageType, input: StorageCreate | StorageUpdate, prev?: StorageRow): StorageWrite {
  const { path: storagePath, settings } = kindOf(type).fields(input, prev);
  const recursive = input.recursive_scan ?? prev?.settings.recursive_scan === true;
  const previousInterval = typeof prev?.settings.sync_interval_minutes === 'number' ? prev.settings.sync_interval_minutes : null;
  const interval = input.sync_interval_minutes === undefined ? previousInterval : input.sync_interval_minutes;
  return {
    title: input.title ?? prev?.title ?? '',
    description: input.description ?? prev?.description ?? '',
    path: storagePath,
    regexFilter: input.regex_filter === undefined ? (prev?.regex_filter ?? null) : input.regex_filter || null,
    useBlobUrls: input.use_blob_urls ?? prev?.use_blob_urls ?? false,
    canDeleteObjects: input.can_delete_objects ?? prev?.can_delete_objects ?? false,
    settings: { ...settings, recursive_scan: recursive, sync_interval_minutes: interval },
    nextSyncAt: nextSyncOf(interval, prev),
  };
}

/** A storage of a project the actor manages; any other answers like a missing one. */
export async function getStorage(db: Queryable, actor: Actor, direction: Direction, type: StorageType, id: number): Promise<StorageRow> {
  const s = await q.findStorage(db, id);
  if (!s || s.direction !== direction || s.type !== type) throw notFound();
  await getManagedProject(db, actor, s.project_id).catch(() => {
    throw notFound();
  });
  return s;
}

export async function listStorages(db: Queryable, actor: Actor, direction: Direction, projectId: number | undefined, type?: StorageType): Promise<StorageRow[]> {
  if (projectId === undefined) throw new AppError('invalid', 'project is required', { project: ['This query parameter is required.'] });
  await getProject(db, actor, projectId);
  return q.storagesOfProject(db, projectId, direction, type);
}

export async function createStorage(db: Queryable, actor: Actor, direction: Direction, type: StorageType, input: StorageCreate): Promise<StorageRow> {
  await getManagedProject(db, actor, input.project);
  const w = writeOf(type, input);
  await validateSettings(type, w, direction);
  return q.insertStorage(db, input.project, direction, type, w);
}

export async function validateStorage(db: Queryable, actor: Actor, direction: Direction, type: StorageType, input: StorageCreate & { id?: number }): Promise<void> {
  await getManagedProject(db, actor, input.project);
  const prev = input.id ? await getStorage(db, actor, direction, type, input.id) : undefined;
  await validateSettings(type, writeOf(type, input, prev), direction);
}

export async function updateStorage(db: Queryable, actor: Actor, direction: Direction, type: StorageType, id: number, input: StorageUpdate): Promise<StorageRow> {
  const prev = await getStorage(db, actor, direction, type, id);
  const w = writeOf(type, input, prev);
  await validateSettings(type, w, direction);
  return q.updateStorage(db, id, w);
}

export async function deleteStorage(db: Queryable, actor: Actor, direction: Direction, type: StorageType, id: number): Promise<void> {
  await getStorage(db, actor, direction, type, id);
  await q.deleteStorage(db, id);
}

/**
 * The file `/data/local-files/?d=` names, for an actor who may see a project with an import storage
 * holding it; anything else answers like a missing file.
 */
export async function localFileForActor(db: Queryable, actor: Actor, d: string): Promise<string> {
  const file = resolveLocalFile(d);
  if (!file) throw notFound();
  for (const s of await q.storagesOfType(db, 'import', 'localfiles')) {
    let dir: string;
    try {
      dir = checkedStoragePath(s.path, true);
    } catch {
      continue;
    }
    if (!file.startsWith(dir + path.sep)) continue;
    const visible = await getProject(db, actor, s.project_id).then(
      () => true,
      () => false,
    );
    if (visible) return file;
  }
  throw notFound();
}
