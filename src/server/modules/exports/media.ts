import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { safeName, uploadDir } from '../imports/upload-files.js';

/** A task's media file as an export names it, and where it is on this server if it is here. */
export interface MediaRef {
  /** the file's name inside the export (images/<fileName>, audio/<fileName>) */
  fileName: string;
  localPath: string | null;
}

export type MediaResolver = (url: string) => MediaRef;

const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);

function urlPathBasename(url: string): string {
  try {
    return basename(new URL(url).pathname);
  } catch {
    return basename(url.split(/[?#]/)[0]);
  }
}

// Label Studio's converter names a file it did not download after its cache entry: md5(url)[:8]__name.
const cacheName = (key: string, name: string) => `${createHash('md5').update(key).digest('hex').slice(0, 8)}__${name}`;

/**
 * Names media the way Label Studio's converter does when it does not download: uploads stored here
 * keep their stored name; remote and cloud files get the cache name; local-files URLs their file name.
 */
export function mediaResolver(dataDir: string): MediaResolver {
  return (url) => {
    const upload = /^\/?(?:data\/)?upload\/(\d+)\/(.+)$/.exec(url.split('?')[0]);
    if (upload) {
      const name = basename(upload[2]);
      const file = path.join(uploadDir(dataDir, Number(upload[1])), safeName(name));
      return { fileName: name, localPath: fs.existsSync(file) ? file : null };
    }
    const localFiles = /^\/data\/[^?]*\?d=(.*)$/.exec(url);
    if (localFiles) return { fileName: basename(decodeURIComponent(localFiles[1])), localPath: null };
    if (/^(s3|gs|azure-blob):/.test(url)) return { fileName: cacheName(url, basename(url)), localPath: null };
    if (/^https?:\/\//i.test(url)) return { fileName: cacheName(url, urlPathBasename(url)), localPath: null };
    return { fileName: basename(url), localPath: null };
  };
}

/** Python's os.path.splitext(name)[0]. */
export function stem(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 && name.slice(0, dot).replace(/\./g, '') !== '' ? name.slice(0, dot) : name;
}

export interface ImageInfo {
  width: number;
  height: number;
  /** bands as Pillow counts them: 1 grey or palette, 2 grey+alpha, 3 RGB, 4 RGBA or CMYK */
  channels: number;
}

const PNG_BANDS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

function pngInfo(b: Buffer): ImageInfo | null {
  if (b.length < 26 || b.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20), channels: PNG_BANDS[b[25]] ?? 3 };
}

function jpegInfo(b: Buffer): ImageInfo | null {
  let at = 2;
  while (at + 9 < b.length) {
    if (b[at] !== 0xff) return null;
    const marker = b[at + 1];
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    const length = b.readUInt16BE(at + 2);
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: b.readUInt16BE(at + 5), width: b.readUInt16BE(at + 7), channels: b[at + 9] === 4 ? 4 : b[at + 9] === 1 ? 1 : 3 };
    }
    at += 2 + length;
  }
  return null;
}

/** Width, height and bands of a PNG, JPEG or GIF from its header (Pillow reads the same); null otherwise. */
export function imageInfo(head: Buffer): ImageInfo | null {
  if (head.length >= 8 && head.readUInt32BE(0) === 0x89504e47) return pngInfo(head);
  if (head.length >= 4 && head[0] === 0xff && head[1] === 0xd8) return jpegInfo(head);
  if (head.length >= 10 && head.toString('latin1', 0, 3) === 'GIF') return { width: head.readUInt16LE(6), height: head.readUInt16LE(8), channels: 1 };
  return null;
}

/** Reads enough of a stored image for its header (JPEG metadata can push the frame size far in). */
export async function imageFileInfo(file: string): Promise<ImageInfo | null> {
  try {
    const handle = await fs.promises.open(file, 'r');
    try {
      const head = Buffer.alloc(256 * 1024);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      return imageInfo(head.subarray(0, bytesRead));
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
}
