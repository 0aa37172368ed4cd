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
  settings: Record<string, unknown>;
  status: string;
  traceback: string | null;
  last_sync: Date | null;
  last_sync_count: number | null;
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
}

export interface StorageLink {
  key: string;
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
    `INSERT INTO storages (project_id, direction, type, title, description, path, regex_filter, use_blob_urls, can_delete_objects, settings)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb) RETURNING *`,
    [projectId, direction, type, w.title, w.description, w.path, w.regexFilter, w.useBlobUrls, w.canDeleteObjects, JSON.stringify(w.settings)],
  );
  return rows[0];
}

export async function updateStorage(q: Queryable, id: number, w: StorageWrite): Promise<StorageRow> {
  const rows = await q.query<StorageRow>(
    `UPDATE storages SET title = $2, description = $3, path = $4, regex_filter = $5, use_blob_urls = $6, can_delete_objects = $7,
       settings = $8::jsonb, updated_at = now() WHERE id = $1 RETURNING *`,
    [id, w.title, w.description, w.path, w.regexFilter, w.useBlobUrls, w.canDeleteObjects, JSON.stringify(w.settings)],
  );
  return rows[0];
}

export async function setSyncState(q: Queryable, id: number, status: string, traceback: string | null, count: number | null): Promise<StorageRow> {
  const rows = await q.query<StorageRow>(
    `UPDATE storages SET status = $2, traceback = $3, last_sync = CASE WHEN $4::integer IS NULL THEN last_sync ELSE now() END,
       last_sync_count = COALESCE($4::integer, last_sync_count) WHERE id = $1 RETURNING *`,
    [id, status, traceback, count],
  );
  return rows[0];
}

export const deleteStorage = (q: Queryable, id: number) => q.query('DELETE FROM storages WHERE id = $1', [id]);

export const linksOf = (q: Queryable, storageId: number) => q.query<StorageLink>('SELECT key, size, mtime_ms FROM storage_links WHERE storage_id = $1', [storageId]);

export const upsertLink = (q: Queryable, storageId: number, link: StorageLink) =>
  q.query(
    `INSERT INTO storage_links (storage_id, key, size, mtime_ms) VALUES ($1, $2, $3, $4)
     ON CONFLICT (storage_id, key) DO UPDATE SET size = EXCLUDED.size, mtime_ms = EXCLUDED.mtime_ms, synced_at = now()`,
    [storageId, link.key, link.size, link.mtime_ms],
  );
