import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../errors.js';
import type { StorageKind } from './storage-kind.js';

/**
 * Local files storages read and write only under one document root, as Label Studio's
 * LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT; without it, local files storages are refused.
 * Read at use rather than at start, so a test can point it at its own folder.
 */
export function localFilesRoot(): string | null {
  const raw = process.env.LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT ?? process.env.LABELFLEET_LOCAL_FILES_ROOT;
  return raw ? path.resolve(raw) : null;
}

const inside = (root: string, p: string) => p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);

/** The real path of p, or for a folder still to be created, its nearest existing ancestor's real path plus the rest. */
function realOrPlanned(p: string): string {
  if (fs.existsSync(p)) return fs.realpathSync(p);
  const parent = path.dirname(p);
  return parent === p ? p : path.join(realOrPlanned(parent), path.basename(p));
}

/** The absolute, symlink-free form of a storage path; refuses anything outside the root. */
export function checkedStoragePath(raw: string, mustExist: boolean): string {
  const root = localFilesRoot();
  if (!root) throw new AppError('invalid', 'Local files storage is disabled: set LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT (or LABELFLEET_LOCAL_FILES_ROOT)');
  if (!raw || !path.isAbsolute(raw)) throw new AppError('invalid', `Absolute local path "${raw}" is required`, { path: ['Path must be absolute'] });
  if (!fs.existsSync(root)) throw new AppError('invalid', `The local files document root ${root} does not exist`);
  const resolved = path.resolve(raw);
  const realRoot = fs.realpathSync(root);
  if (mustExist && !fs.existsSync(resolved)) throw new AppError('invalid', `Path ${raw} does not exist`, { path: ['Path does not exist'] });
  const real = realOrPlanned(resolved);
  if (!inside(realRoot, real) && !inside(root, resolved)) {
    throw new AppError('invalid', `${raw} is not under LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT (${root})`, { path: ['Path is outside the local files document root'] });
  }
  if (!inside(realRoot, real)) throw new AppError('invalid', `${raw} leads outside the local files document root`, { path: ['Path is outside the local files document root'] });
  if (mustExist && !fs.statSync(real).isDirectory()) throw new AppError('invalid', `${raw} is not a directory`, { path: ['Path must be a directory'] });
  return real;
}

export interface LocalFile {
  /** path relative to the storage path, with forward slashes: the link key */
  key: string;
  absolute: string;
  size: number;
  mtimeMs: number;
}

/**
 * Files under dir (recursively when asked) whose name matches the filter from its start, as Python's
 * `re.match` on the file name in Label Studio's local files storage; stat only, never read.
 */
export async function* listLocalFiles(dir: string, regexFilter: string | null, recursive: boolean): AsyncGenerator<LocalFile> {
  const filter = regexFilter ? new RegExp(`^(?:${regexFilter})`) : null;
  const walk = async function* (sub: string): AsyncGenerator<LocalFile> {
    const entries = await fs.promises.readdir(path.join(dir, sub), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const key = sub ? `${sub}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (recursive) yield* walk(key);
        continue;
      }
      if (!e.isFile() || (filter && !filter.test(e.name))) continue;
      const absolute = path.join(dir, key);
      const st = await fs.promises.stat(absolute);
      yield { key, absolute, size: st.size, mtimeMs: st.mtimeMs };
    }
  };
  yield* walk('');
}

/** The URL a task shows for a file: Label Studio's `/data/local-files/?d=<path relative to the root>`. */
export function localFileUrl(absolute: string): string {
  const root = fs.realpathSync(localFilesRoot()!);
  return `/data/local-files/?d=${encodeURIComponent(path.relative(root, absolute).split(path.sep).join('/'))}`.replace(/%2F/g, '/');
}

/** The file a `?d=` parameter names, or null when it is not a file under the root. */
export function resolveLocalFile(d: string): string | null {
  const root = localFilesRoot();
  if (!root || !d || !fs.existsSync(root)) return null;
  const realRoot = fs.realpathSync(root);
  const candidate = path.resolve(realRoot, d.replace(/^\/+/, ''));
  if (!fs.existsSync(candidate)) return null;
  const real = fs.realpathSync(candidate);
  return inside(realRoot, real) && fs.statSync(real).isFile() ? real : null;
}

/** Writes through a temporary file and a rename, so a reader never sees half an object. */
async function writeFileAtomically(dir: string, key: string, body: string): Promise<void> {
  await fs.promises.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${key}.tmp-${process.pid}`);
  await fs.promises.writeFile(tmp, body);
  await fs.promises.rename(tmp, path.join(dir, key));
}

/** Label Studio's local files storage: a folder under the document root. */
export const localFilesKind: StorageKind = {
  type: 'localfiles',
  fields: (input, prev) => ({ path: input.path ?? prev?.path ?? '', settings: {} }),
  wire: (s) => ({ path: s.path }),
  validate: async (s) => {
    // an export storage may name a folder it will create
    checkedStoragePath(s.path, s.direction === 'import');
  },
  list: (s) =>
    (async function* () {
      const dir = checkedStoragePath(s.path, true);
      for await (const f of listLocalFiles(dir, s.regex_filter, s.settings.recursive_scan === true)) yield { key: f.key, etag: null, size: f.size, mtimeMs: f.mtimeMs };
    })(),
  read: async (s, key) => ({ text: await fs.promises.readFile(path.join(checkedStoragePath(s.path, true), key), 'utf8'), etag: null }),
  blobUrl: (s, key) => localFileUrl(path.join(checkedStoragePath(s.path, true), key)),
  exportKey: (_s, annotationId) => String(annotationId),
  write: (s, key, body) => writeFileAtomically(checkedStoragePath(s.path, false), key, body),
  remove: (s, key) => fs.promises.rm(path.join(checkedStoragePath(s.path, false), key), { force: true }),
};
