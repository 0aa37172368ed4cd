import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Ctx } from '../../context.js';
import type { Queryable } from '../../db/connection.js';
import { invalid, issue } from './http.js';
import { localStore } from './local-storage.js';
import { s3Store } from './s3-storage.js';

/**
 * Where workflows read source items and gold images and write exports and archived rejections. Keys are
 * S3-style (`images/cats/001.jpg`); the backend is chosen by the `storage.type` setting: "local" (default,
 * folders under the data dir) or "s3" (settings s3.bucket, s3.region, s3.endpoint, s3.accessKeyId,
 * s3.secretAccessKey).
 */
export interface ListedObject {
  key: string;
  /** what changes when the content does: the S3 ETag, or size and mtime of a local file */
  etag: string | null;
}

/** An object's bytes, whole or the part a Range header asked for. */
export interface ObjectBytes {
  body: Readable;
  /** bytes in body, when known */
  length: number | null;
  /** `bytes <first>-<last>/<size>` when a part is served (a 206), null for the whole object */
  contentRange: string | null;
}

/** The Range header asked for bytes the object does not have (a 416). */
export interface RangeNotSatisfiable {
  unsatisfiable: true;
  size: number | null;
}

export interface ObjectStore {
  kind: 'local' | 's3';
  bucket: string;
  /** every object under a folder-like prefix, in key order (UTF-8 byte order, as S3 lists) */
  list(prefix: string): AsyncIterable<ListedObject>;
  /** null when the object does not exist */
  readText(key: string): Promise<string | null>;
  /** null when the object does not exist; `range` is an HTTP Range header (one range; anything else reads the whole object) */
  open(key: string, range?: string): Promise<ObjectBytes | RangeNotSatisfiable | null>;
  write(key: string, body: string | AsyncIterable<string>, contentType: string): Promise<void>;
}

const BUCKET_NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}$/;

function checkBucketName(name: unknown, field: string): string {
  if (typeof name !== 'string' || !BUCKET_NAME.test(name) || name.includes('..')) throw invalid(`Invalid bucket name in ${field}`, [issue(field, 'letters, digits, dot, dash, underscore')]);
  return name;
}

const SETTINGS = ['storage.type', 's3.bucket', 's3.endpoint', 's3.region', 's3.accessKeyId', 's3.secretAccessKey'];

const optionalString = (v: unknown, field: string): string | null => {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string') throw invalid(`Setting ${field} must be a string`, [issue(field, 'must be a string')]);
  return v;
};

/** The organization's store; `bucket` overrides the s3.bucket setting (an archive in another bucket). */
export async function storeOf(ctx: Ctx, orgId: number, db: Queryable = ctx.db, bucket?: string): Promise<ObjectStore> {
  const rows = await db.query<{ key: string; value: unknown }>('SELECT key, value FROM fleet_settings WHERE organization_id = $1 AND key = ANY($2::text[])', [orgId, SETTINGS]);
  const setting = new Map(rows.map((r) => [r.key, r.value]));
  const type = setting.get('storage.type') ?? 'local';
  const name = checkBucketName(bucket ?? setting.get('s3.bucket') ?? 'labelfleet', bucket === undefined ? 's3.bucket' : 'bucket');
  if (type === 'local') return localStore(ctx.config.dataDir, name);
  if (type === 's3') {
    const endpoint = optionalString(setting.get('s3.endpoint'), 's3.endpoint');
    if (endpoint !== null && !/^https?:\/\/[^\s/]+/.test(endpoint)) throw invalid('Setting s3.endpoint must be an http(s) URL', [issue('s3.endpoint', 'an http(s) URL')]);
    return s3Store(
      {
        endpoint,
        region: optionalString(setting.get('s3.region'), 's3.region'),
        accessKeyId: optionalString(setting.get('s3.accessKeyId'), 's3.accessKeyId'),
        secretAccessKey: optionalString(setting.get('s3.secretAccessKey'), 's3.secretAccessKey'),
      },
      name,
    );
  }
  throw invalid(`Storage type "${String(type)}" is not available; set storage.type to "local" or "s3"`, [issue('storage.type', '"local" or "s3"')]);
}

/** A folder-like prefix: no leading slash, one trailing slash (so `images/cat` does not match `images/cats/`). */
export const folderPrefix = (p: string) => {
  const clean = p.replace(/^\/+/, '').replace(/\/+$/, '');
  return clean === '' ? '' : `${clean}/`;
};

export const joinKey = (prefix: string, name: string) => `${folderPrefix(prefix)}${name}`;

const TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.gif': 'image/gif', '.webp': 'image/webp', '.bmp': 'image/bmp',
  '.svg': 'image/svg+xml', '.tif': 'image/tiff', '.tiff': 'image/tiff', '.mp3': 'audio/mpeg', '.wav': 'audio/wav', '.ogg': 'audio/ogg',
  '.mp4': 'video/mp4', '.webm': 'video/webm', '.txt': 'text/plain; charset=utf-8', '.json': 'application/json', '.pdf': 'application/pdf',
};

export const contentTypeOf = (key: string) => TYPES[path.extname(key).toLowerCase()] ?? 'application/octet-stream';
