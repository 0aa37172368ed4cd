import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import { AppError } from '../../errors.js';
import { jsonElements } from './json-elements.js';

export type ImportFormat = '.json' | '.csv' | '.tsv' | '.txt';

/** One raw item of an import: its position (for error messages) and what the file said. */
export interface RawItem {
  index: number;
  value: unknown;
  /** the item's own JSON text, when it came as JSON: reused as is rather than serialized again */
  text?: string;
}

export const tooLarge = (limit: number) => new AppError('too_large', `Upload is larger than the limit of ${limit} bytes`);

/** Counts the bytes of one request, shared by all its files; throws once they pass the limit. */
export function byteBudget(limit: number): (bytes: number) => void {
  let used = 0;
  return (bytes) => {
    used += bytes;
    if (used > limit) throw tooLarge(limit);
  };
}

/** Passes bytes through, spending them from the request's budget. */
export async function* limitBytes(source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>, spend: (bytes: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    spend(buf.length);
    yield buf;
  }
}

async function* decodeUtf8(source: AsyncIterable<Buffer>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of source) yield decoder.decode(chunk, { stream: true });
  const rest = decoder.decode();
  if (rest) yield rest;
}

async function* jsonItems(bytes: AsyncIterable<Buffer>): AsyncGenerator<RawItem> {
  let index = 0;
  for await (const text of jsonElements(decodeUtf8(bytes))) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new AppError('invalid', `JSON parse error in item ${index}: ${(err as Error).message}`);
    }
    yield { index: index++, value, text };
  }
}

async function* delimitedItems(bytes: AsyncIterable<Buffer>, delimiter: string): AsyncGenerator<RawItem> {
  const parser = Readable.from(bytes).pipe(parseCsv({ columns: true, delimiter, bom: true, skip_empty_lines: true, relax_quotes: false }));
  let index = 0;
  try {
    for await (const record of parser) yield { index: index++, value: record as Record<string, string> };
  } catch (err) {
    const e = err as Error & { lines?: number; code?: string };
    if (e instanceof AppError) throw e;
    throw new AppError('invalid', `${delimiter === '\t' ? 'TSV' : 'CSV'} parse error${e.lines ? ` at line ${e.lines}` : ''}: ${e.message}`);
  }
}

async function* lineItems(bytes: AsyncIterable<Buffer>): AsyncGenerator<RawItem> {
  const lines = createInterface({ input: Readable.from(bytes), crlfDelay: Infinity });
  let index = 0;
  for await (const line of lines) {
    const text = index === 0 ? line.replace(/^\uFEFF/, '') : line;
    if (text.trim() === '') continue;
    yield { index: index++, value: { $undefined$: text } };
  }
}

export function itemsOf(format: ImportFormat, bytes: AsyncIterable<Buffer>): AsyncGenerator<RawItem> {
  switch (format) {
    case '.json':
      return jsonItems(bytes);
    case '.csv':
      return delimitedItems(bytes, ',');
    case '.tsv':
      return delimitedItems(bytes, '\t');
    case '.txt':
      return lineItems(bytes);
  }
}

/** The task-file format of an upload, by extension then content type; null for media files. */
export function formatOf(filename: string | undefined, contentType: string | undefined): ImportFormat | null {
  const ext = filename?.toLowerCase().match(/\.[a-z0-9]+$/)?.[0];
  if (ext === '.json' || ext === '.csv' || ext === '.tsv' || ext === '.txt') return ext;
  if (ext) return null;
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/json' || type === '') return '.json';
  if (type === 'text/csv') return '.csv';
  if (type === 'text/tab-separated-values' || type === 'text/tsv') return '.tsv';
  if (type === 'text/plain') return '.txt';
  return null;
}
