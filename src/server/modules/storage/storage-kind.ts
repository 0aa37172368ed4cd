import type { Direction, StorageRow, StorageWrite } from './queries.js';
import type { StorageCreate, StorageType, StorageUpdate } from './schemas.js';

/** An object of a storage as a listing reports it (never read). */
export interface ListedObject {
  /** the link key: path relative to the storage folder, or the full S3 key */
  key: string;
  /** S3's ETag; null for local files, which compare size and mtime instead */
  etag: string | null;
  size: number;
  mtimeMs: number;
}

/** A storage's settings as a sync or validation uses them: the row, or a write not stored yet. */
export type StorageConfig = Pick<StorageRow, 'path' | 'regex_filter' | 'settings' | 'use_blob_urls' | 'direction'>;

export const configOf = (w: StorageWrite, direction: Direction): StorageConfig => ({
  path: w.path,
  regex_filter: w.regexFilter,
  settings: w.settings,
  use_blob_urls: w.useBlobUrls,
  direction,
});

/** What differs between storage types; the sync, export and API code around it is shared. */
export interface StorageKind {
  type: StorageType;
  /** the type's wire fields → path and settings (prev: the stored row on PATCH) */
  fields(input: StorageCreate | StorageUpdate, prev: StorageRow | undefined): { path: string; settings: Record<string, unknown> };
  /** reply fields of the type; secrets never */
  wire(s: StorageRow): Record<string, unknown>;
  /** checks the settings against the real thing (folder, bucket, credentials); throws a 400 naming the field */
  validate(s: StorageConfig): Promise<void>;
  /** the objects an import sync considers (prefix, recursion and regex filter applied) */
  list(s: StorageConfig): AsyncIterable<ListedObject>;
  /** an object's text and, for S3, the ETag of the version read */
  read(s: StorageConfig, key: string): Promise<{ text: string; etag: string | null }>;
  /** what a use_blob_urls task holds for an object */
  blobUrl(s: StorageConfig, key: string): string;
  /** export storages: where an annotation's object goes */
  exportKey(s: StorageConfig, annotationId: number): string;
  write(s: StorageConfig, key: string, body: string): Promise<void>;
  remove(s: StorageConfig, key: string): Promise<void>;
}
