import fs from 'node:fs';
import path from 'node:path';
import type { Ctx } from '../../context.js';
import type { Queryable } from '../../db/connection.js';
import { invalid, issue } from './http.js';
import { settingValue } from './settings.js';

/**
 * Object storage for workflows: source items, exports, archived rejections and gold images. The local
 * backend maps a bucket to a folder under `<data dir>/storage/<bucket>` and an S3 key to a path inside it,
 * so the whole flow runs without S3. The bucket comes from the `s3.bucket` setting; the root stays inside
 * the data dir so a setting can never point the server at arbitrary files.
 */
export interface Bucket {
  root: string;
}

const BUCKET_NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}$/;

export async function bucketOf(ctx: Ctx, orgId: number, db: Queryable = ctx.db): Promise<Bucket> {
  const type = await settingValue<unknown>(db, orgId, 'storage.type', 'local');
  if (type !== 'local') throw invalid(`Storage type "${String(type)}" is not available; set storage.type to "local"`, [issue('storage.type', 'only "local" is supported')]);
  const name = await settingValue<unknown>(db, orgId, 's3.bucket', 'labelfleet');
  if (typeof name !== 'string' || !BUCKET_NAME.test(name) || name.includes('..')) throw invalid(`Invalid bucket name in setting s3.bucket`, [issue('s3.bucket', 'letters, digits, dot, dash, underscore')]);
  return { root: path.join(ctx.config.dataDir, 'storage', name) };
}

/** The file behind a key; a key that would leave the bucket is refused. */
export function objectPath(bucket: Bucket, key: string): string {
  const clean = key.replace(/\\/g, '/').replace(/^\/+/, '');
  const full = path.resolve(bucket.root, clean);
  if (full !== bucket.root && !full.startsWith(bucket.root + path.sep)) throw invalid(`Key "${key}" leaves the bucket`, [issue('key', 'must stay inside the bucket')]);
  return full;
}

/** Keys of the files under a prefix (a folder), recursively, in name order; hidden files are skipped. */
export async function listKeys(bucket: Bucket, prefix: string): Promise<string[]> {
  const dir = objectPath(bucket, prefix);
  const out: string[] = [];
  const walk = async (d: string) => {
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const full = path.join(d, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile()) out.push(path.relative(bucket.root, full).split(path.sep).join('/'));
    }
  };
  await walk(dir);
  return out.sort();
}

export async function writeObject(bucket: Bucket, key: string, chunks: AsyncIterable<string> | string): Promise<string> {
  const file = objectPath(bucket, key);
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  if (typeof chunks === 'string') {
    await fs.promises.writeFile(file, chunks);
    return key;
  }
  const out = fs.createWriteStream(file);
  try {
    for await (const chunk of chunks) if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  } finally {
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
  return key;
}

export const joinKey = (prefix: string, name: string) => `${prefix.replace(/\/+$/, '')}/${name}`.replace(/^\/+/, '');

const TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.gif': 'image/gif', '.webp': 'image/webp', '.bmp': 'image/bmp',
  '.svg': 'image/svg+xml', '.tif': 'image/tiff', '.tiff': 'image/tiff', '.mp3': 'audio/mpeg', '.wav': 'audio/wav', '.ogg': 'audio/ogg',
  '.mp4': 'video/mp4', '.webm': 'video/webm', '.txt': 'text/plain; charset=utf-8', '.json': 'application/json', '.pdf': 'application/pdf',
};

export const contentTypeOf = (key: string) => TYPES[path.extname(key).toLowerCase()] ?? 'application/octet-stream';
