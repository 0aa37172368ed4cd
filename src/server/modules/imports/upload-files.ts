import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyReply } from 'fastify';
import { AppError } from '../../errors.js';
import { limitBytes, tooLarge } from './sources.js';

/** A stored upload's name: no directories, only characters safe in a URL and on any file system. */
export const safeName = (name: string) => path.basename(name).replace(/[^\w.\-]+/g, '_').slice(-200) || 'file';

export const uploadDir = (dataDir: string, projectId: number) => path.join(dataDir, 'upload', String(projectId));

const MEDIA_TYPES: Record<string, string> = {
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp', '.bmp': 'image/bmp',
  '.tif': 'image/tiff', '.tiff': 'image/tiff', '.avif': 'image/avif', '.svg': 'image/svg+xml',
  '.mp3': 'audio/mpeg', '.wav': 'audio/wav', '.ogg': 'audio/ogg', '.oga': 'audio/ogg', '.flac': 'audio/flac', '.m4a': 'audio/mp4', '.aac': 'audio/aac', '.opus': 'audio/opus',
  '.mp4': 'video/mp4', '.webm': 'video/webm', '.mov': 'video/quicktime', '.mkv': 'video/x-matroska',
  '.pdf': 'application/pdf', '.json': 'application/json', '.html': 'text/html; charset=utf-8', '.htm': 'text/html; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8', '.tsv': 'text/tab-separated-values; charset=utf-8', '.txt': 'text/plain; charset=utf-8',
};

export const mediaTypeOf = (file: string) => MEDIA_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';

/** Writes an uploaded media file, its bytes counted against the request's budget; returns its size. */
export async function storeMedia(file: Readable & { truncated?: boolean }, target: string, spend: (bytes: number) => void, limit: number): Promise<number> {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const out = fs.createWriteStream(target);
  try {
    await pipeline(file, (source: AsyncIterable<Buffer>) => limitBytes(source, spend), out);
  } catch (err) {
    // the file may still be opening; once closed it exists, and the caller's clean-up can remove it
    if (!out.closed) await once(out, 'close');
    throw err;
  }
  if (file.truncated) throw tooLarge(limit);
  return (await fs.promises.stat(target)).size;
}

type ByteRange = { start: number; end: number } | 'unsatisfiable' | null;

/** `bytes=a-b`, `bytes=a-` or `bytes=-n` → inclusive offsets inside `size`; null (send everything) for anything else. */
export function byteRange(header: string | undefined, size: number): ByteRange {
  const m = header?.trim().match(/^bytes=(\d*)-(\d*)$/);
  if (!m || (m[1] === '' && m[2] === '')) return null;
  const start = m[1] === '' ? Math.max(0, size - Number(m[2])) : Number(m[1]);
  const end = m[1] === '' || m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

/**
 * Sends a stored upload with its media type and Range support (audio and video seek with it).
 * A sandboxed response: an uploaded HTML or SVG file opened directly cannot run script as this site.
 */
export async function sendUpload(reply: FastifyReply, file: string, rangeHeader: string | undefined) {
  const stat = await fs.promises.stat(file).catch(() => null);
  if (!stat?.isFile()) throw new AppError('not_found', 'File not found');
  reply.header('content-type', mediaTypeOf(file)).header('accept-ranges', 'bytes').header('x-content-type-options', 'nosniff').header('content-security-policy', 'sandbox');
  const range = byteRange(rangeHeader, stat.size);
  if (range === 'unsatisfiable') return reply.status(416).header('content-range', `bytes */${stat.size}`).send();
  if (!range) return reply.header('content-length', stat.size).send(fs.createReadStream(file));
  return reply
    .status(206)
    .header('content-range', `bytes ${range.start}-${range.end}/${stat.size}`)
    .header('content-length', range.end - range.start + 1)
    .send(fs.createReadStream(file, range));
}
