import fs from 'node:fs';
import type { Db, Queryable } from '../../db/connection.js';
import { AppError } from '../../errors.js';
import { importTasks, type ImportSource } from '../imports/service.js';
import type { RawItem } from '../imports/sources.js';
import { getManagedProject, projectConfig } from '../projects/service.js';
import type { Actor } from '../users/service.js';
import { checkedStoragePath, listLocalFiles, localFileUrl, type LocalFile } from './local-files.js';
import * as q from './queries.js';
import type { StorageRow } from './queries.js';

async function* single(item: RawItem): AsyncGenerator<RawItem> {
  yield item;
}

/** A JSON file as Label Studio reads it from a storage: one task, or a list of tasks. */
async function* jsonTasks(file: LocalFile): AsyncGenerator<RawItem> {
  const text = await fs.promises.readFile(file.absolute, 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new AppError('invalid', `${file.key} is not valid JSON: ${(err as Error).message}`);
  }
  const items = Array.isArray(value) ? value : [value];
  for (const [index, v] of items.entries()) yield { index, value: v };
}

/**
 * One import source per new or changed file. The file's link is written by the same transaction as its
 * tasks, after its items were read, so a failed sync leaves it to be read again next time.
 */
async function* fileSources(tx: Queryable, storage: StorageRow, files: LocalFile[], firstKey: string | null): AsyncGenerator<ImportSource> {
  for (const file of files) {
    const items = storage.use_blob_urls ? single({ index: 0, value: { [firstKey!]: localFileUrl(file.absolute) } }) : jsonTasks(file);
    yield {
      format: storage.use_blob_urls ? 'localfiles' : '.json',
      fileUploadId: null,
      items: (async function* () {
        yield* items;
        await q.upsertLink(tx, storage.id, { key: file.key, size: file.size, mtime_ms: file.mtimeMs });
      })(),
    };
  }
}

/** Files of the storage that are new or whose size or modification time changed since they were imported. */
async function changedFiles(db: Queryable, storage: StorageRow, dir: string): Promise<LocalFile[]> {
  const known = new Map((await q.linksOf(db, storage.id)).map((l) => [l.key, l]));
  const changed: LocalFile[] = [];
  for await (const f of listLocalFiles(dir, storage.regex_filter, storage.settings.recursive_scan === true)) {
    const link = known.get(f.key);
    if (!link || Number(link.size) !== f.size || Number(link.mtime_ms) !== f.mtimeMs) changed.push(f);
  }
  return changed;
}

/**
 * Imports the storage's new and changed files as tasks, all in one transaction. A failure is recorded on
 * the storage (status "failed" with its message as traceback) rather than thrown, as Label Studio's sync job does.
 */
export async function syncImportStorage(db: Db, actor: Actor, storage: StorageRow): Promise<StorageRow> {
  const dir = checkedStoragePath(storage.path, true);
  const project = await getManagedProject(db, actor, storage.project_id);
  await q.setSyncState(db, storage.id, 'in_progress', null, null);
  try {
    const firstKey = projectConfig(project).dataKeys[0] ?? null;
    if (storage.use_blob_urls && !firstKey) throw new AppError('invalid', 'use_blob_urls needs a labeling config that reads a data field');
    const files = await changedFiles(db, storage, dir);
    if (files.length === 0) return await q.setSyncState(db, storage.id, 'completed', null, 0);
    const summary = await importTasks(db, actor, project.id, (tx) => fileSources(tx, storage, files, firstKey), false);
    return await q.setSyncState(db, storage.id, 'completed', null, summary.task_count);
  } catch (err) {
    const e = err as AppError;
    const details = e.validationErrors ? ` ${JSON.stringify(e.validationErrors)}` : '';
    return q.setSyncState(db, storage.id, 'failed', `${e.message}${details}`, null);
  }
}
