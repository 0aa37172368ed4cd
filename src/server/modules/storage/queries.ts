import type { Queryable } from '../../db/connection.js';

export type Direction = 'import' | 'export';

export interface StorageRow {
  id: number;
  project_id: number;
  direction: Direction;
  type: string;
  title: string;
  description: string;
  path: string;
  regex_filter: string | null;
  use_blob_urls: boolean;
  can_delete_objects: boolean;
  /** type-specific fields (bucket, prefix, credentials...) and common ones without a column */
  settings: Record<string, unknown>;
  status: string;
  traceback: string | null;
  last_sync: Date | null;
  last_sync_count: number | null;
  last_sync_job: string | null;
  next_sync_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface StorageWrite {
  title: string;
  description: string;
  path: string;
  regexFilter: string | null;
  useBlobUrls: boolean;
  canDeleteObjects: boolean;
  settings: Record<string, unknown>;
  /** when the scheduler queues the next sync; null: never */
  nextSyncAt: Date | null;
}

/** What an import sync saw of an object: S3 objects are compared by ETag, local files by size and mtime. */
export interface StorageLink {
  key: string;
  etag: string | null;
  size: number;
  mtime_ms: number;
}

export const findStorage = async (q: Queryable, id: number) => (await q.query<StorageRow>('SELECT * FROM storages WHERE id = $1', [id]))[0];

export const storagesOfProject = (q: Queryable, projectId: number, direction: Direction, type?: string) =>
  q.query<StorageRow>('SELECT * FROM storages WHERE project_id = $1 AND direction = $2 AND ($3::text IS NULL OR type = $3) ORDER BY id', [projectId, direction, type ?? null]);

export const storagesOfType = (q: Queryable, direction: Direction, type: string) =>
  q.query<StorageRow>('SELECT * FROM storages WHERE direction = $1 AND type = $2 ORDER BY id', [direction, type]);

export async function insertStorage(q: Queryable, projectId: number, direction: Direction, type: string, w: StorageWrite): Promise<StorageRow> {
  const rows = await q.query<StorageRow>(
    `INSERT INTO storages (project_id, direction, type, title, description, path, regex_filter, use_blob_urls, can_delete_objects, settings, next_sync_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11) RETURNING *`,
    [projectId, direction, type, w.title, w.description, w.path, w.regexFilter, w.useBlobUrls, w.canDeleteObjects, JSON.stringify(w.settings), w.nextSyncAt],
  );
  return rows[0];
}

export async function updateStorage(q: Queryable, id: number, w: StorageWrite): Promise<StorageRow> {
  const rows = await q.query<StorageRow>(
    `UPDATE storages SET title = $2, description = $3, path = $4, regex_filter = $5, use_blob_urls = $6, can_delete_objects = $7,
       settings = $8::jsonb, next_sync_at = $9, updated_at = now() WHERE id = $1 RETURNING *`,
    [id, w.title, w.description, w.path, w.regexFilter, w.useBlobUrls, w.canDeleteObjects, JSON.stringify(w.settings), w.nextSyncAt],
  );
  return rows[0];
}

/** Status and traceback; a count (the sync finished) also stamps last_sync. */
export async function setSyncState(q: Queryable, id: number, status: string, traceback: string | null, count: number | null): Promise<StorageRow> {
  const rows = await q.query<StorageRow>(
    `UPDATE storages SET status = $2, traceback = $3, last_sync = CASE WHEN $4::integer IS NULL THEN last_sync ELSE now() END,
       last_sync_count = COALESCE($4::integer, last_sync_count) WHERE id = $1 RETURNING *`,
    [id, status, traceback, count],
  );
  return rows[0];
}

export const setLastSyncJob = (q: Queryable, id: number, jobId: number) => q.query('UPDATE storages SET last_sync_job = $2 WHERE id = $1', [id, String(jobId)]);

/** The organization a storage's project belongs to (background syncs act as it). */
export const organizationOfStorage = async (q: Queryable, id: number): Promise<number | null> =>
  (await q.query<{ organization_id: number }>('SELECT p.organization_id FROM storages s JOIN projects p ON p.id = s.project_id WHERE s.id = $1', [id]))[0]?.organization_id ?? null;

/**
 * Storages whose scheduled sync is due at `now`: moves each one's next_sync_at on by its interval in the
 * same statement, so two worker processes never queue the same storage twice.
 */
export const claimDueSyncs = (q: Queryable, now: Date) =>
  q.query<{ id: number }>(
    `UPDATE storages SET next_sync_at = $1::timestamptz + make_interval(mins => (settings->>'sync_interval_minutes')::int)
     WHERE next_sync_at IS NOT NULL AND next_sync_at <= $1::timestamptz AND (settings->>'sync_interval_minutes') IS NOT NULL
     RETURNING id`,
    [now.toISOString()],
  );

export const deleteStorage = (q: Queryable, id: number) => q.query('DELETE FROM storages WHERE id = $1', [id]);

export const linksOf = (q: Queryable, storageId: number) => q.query<StorageLink>('SELECT key, etag, size, mtime_ms FROM storage_links WHERE storage_id = $1', [storageId]);

/** Records what a sync read, many links per statement. */
export async function upsertLinks(q: Queryable, storageId: number, links: StorageLink[]): Promise<void> {
  if (links.length === 0) return;
  await q.query(
    `INSERT INTO storage_links (storage_id, key, etag, size, mtime_ms)
     SELECT $1, l->>'key', l->>'etag', (l->>'size')::bigint, (l->>'mtime_ms')::double precision FROM jsonb_array_elements($2::jsonb) AS l
     ON CONFLICT (storage_id, key) DO UPDATE SET etag = EXCLUDED.etag, size = EXCLUDED.size, mtime_ms = EXCLUDED.mtime_ms, synced_at = now()`,
    [storageId, JSON.stringify(links)],
  );
}
