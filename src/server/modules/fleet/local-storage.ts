import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { byteRange } from '../imports/upload-files.js';
import { invalid, issue } from './http.js';
import type { ListedObject, ObjectStore } from './object-store.js';

/**
 * The local backend of workflow storage: a bucket is a folder under `<data dir>/storage/<bucket>` and a key a
 * path inside it, so the whole flow runs without S3. The root stays inside the data dir so a setting can
 * never point the server at arbitrary files.
 */
export function localStore(dataDir: string, bucket: string): ObjectStore {
  const root = path.join(dataDir, 'storage', bucket);
  return {
    kind: 'local',
    bucket,
    list: (prefix) => listFiles(root, prefix),
    readText: async (key) => fs.promises.readFile(objectPath(root, key), 'utf8').catch(() => null),
    open: async (key, rangeHeader) => {
      const file = objectPath(root, key);
      const stat = await fs.promises.stat(file).catch(() => null);
      if (!stat?.isFile()) return null;
      const range = byteRange(rangeHeader, stat.size);
      if (range === 'unsatisfiable') return { unsatisfiable: true, size: stat.size };
      if (!range) return { body: fs.createReadStream(file) as Readable, length: stat.size, contentRange: null };
      return { body: fs.createReadStream(file, range) as Readable, length: range.end - range.start + 1, contentRange: `bytes ${range.start}-${range.end}/${stat.size}` };
    },
    write: (key, body) => writeFile(objectPath(root, key), body),
  };
}

/** The file behind a key; a key that would leave the bucket is refused. */
export function objectPath(root: string, key: string): string {
  const clean = key.replace(/\\/g, '/').replace(/^\/+/, '');
  const full = path.resolve(root, clean);
  if (full !== root && !full.startsWith(root + path.sep)) throw invalid(`Key "${key}" leaves the bucket`, [issue('key', 'must stay inside the bucket')]);
  return full;
}

/**
 * The files under a prefix (a folder), recursively, in UTF-8 byte order of their keys (S3's listing order, which
 * syncSourceItems relies on); hidden files are skipped. The ETag is size and mtime.
 */
async function* listFiles(root: string, prefix: string): AsyncIterable<ListedObject> {
  const out: ListedObject[] = [];
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
      else if (e.isFile()) {
        const st = await fs.promises.stat(full);
        out.push({ key: path.relative(root, full).split(path.sep).join('/'), etag: `${st.size}-${Math.trunc(st.mtimeMs)}` });
      }
    }
  };
  await walk(objectPath(root, prefix));
  yield* out.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
}

async function writeFile(file: string, body: string | AsyncIterable<string>): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  if (typeof body === 'string') return fs.promises.writeFile(file, body);
  const out = fs.createWriteStream(file);
  try {
    for await (const chunk of body) if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  } finally {
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}
