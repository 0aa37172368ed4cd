import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';

type Chunk = string | Uint8Array;

/** One member of an export zip: a folder (name ending in "/") or a file whose content arrives in pieces. */
export interface ZipEntry {
  name: string;
  content?: Iterable<Chunk> | AsyncIterable<Chunk>;
}

export const folder = (name: string): ZipEntry => ({ name: name.endsWith('/') ? name : `${name}/` });
export const textFile = (name: string, text: string): ZipEntry => ({ name, content: [text] });
export const diskFile = (name: string, file: string): ZipEntry => ({ name, content: fs.createReadStream(file) as AsyncIterable<Buffer> });

const bytes = (c: Chunk) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : c);

/**
 * Zips entries as they come. Each entry is written whole before the next is asked for, and the
 * compressed bytes are handed on as soon as a piece is pushed, so memory holds one piece at a time.
 */
export async function* zipStream(entries: AsyncIterable<ZipEntry>): AsyncGenerator<Uint8Array> {
  const ready: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((err, data) => {
    if (err) failure = err;
    else ready.push(data);
  });
  const take = function* () {
    if (failure) throw failure;
    if (ready.length === 0) return;
    yield ready.length === 1 ? ready[0] : Buffer.concat(ready);
    ready.length = 0;
  };
  for await (const entry of entries) {
    if (!entry.content) {
      const dir = new ZipPassThrough(entry.name);
      zip.add(dir);
      dir.push(new Uint8Array(0), true);
      yield* take();
      continue;
    }
    const file = new ZipDeflate(entry.name, { level: 6 });
    zip.add(file);
    for await (const piece of entry.content) {
      file.push(bytes(piece));
      yield* take();
    }
    file.push(new Uint8Array(0), true);
    yield* take();
  }
  zip.end();
  yield* take();
}

/** A temp file that collects text while other entries are being written, to become an entry after them. */
export interface Spool {
  append(text: string): Promise<void>;
  /** characters appended so far */
  readonly length: number;
  read(): Iterable<Buffer> | AsyncIterable<Buffer>;
}

/** Runs `use` with fresh spools and removes their files afterwards, however it ends. */
export async function* withSpools<T>(count: number, use: (spools: Spool[]) => AsyncGenerator<T>): AsyncGenerator<T> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'labelfleet-export-'));
  try {
    const spools = Array.from({ length: count }, (_, i): Spool => {
      const file = path.join(dir, String(i));
      let length = 0;
      return {
        async append(text) {
          if (!text) return;
          await fs.promises.appendFile(file, text);
          length += text.length;
        },
        get length() {
          return length;
        },
        read: () => (length ? (fs.createReadStream(file) as AsyncIterable<Buffer>) : []),
      };
    });
    yield* use(spools);
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}
