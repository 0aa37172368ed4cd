import { z } from 'zod';

/** Label Studio's bool_from_request: True, true, 1, yes (and their opposites). */
export function parseLsBool(v: unknown): boolean | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  const s = String(v).trim().toLowerCase();
  if (['true', '1', 'yes', 'on', 't', 'y'].includes(s)) return true;
  if (['false', '0', 'no', 'off', 'f', 'n', 'none', 'null'].includes(s)) return false;
  return undefined;
}

export const lsBool = z.preprocess((v) => parseLsBool(v) ?? v, z.boolean({ error: 'Must be a valid boolean (true, false, 1, 0).' }));

export const idParam = z.coerce.number({ error: 'must be an integer id' }).int().positive();

export const IdParams = z.object({ id: idParam });

/** Repeated query keys arrive as arrays; Label Studio also accepts `ids[]` and comma-separated values. */
export function idList(v: unknown): number[] {
  const items = Array.isArray(v) ? v : v === undefined || v === null || v === '' ? [] : [v];
  return items
    .flatMap((x) => String(x).replace(/^\[|\]$/g, '').split(','))
    .map((x) => x.trim())
    .filter((x) => x !== '')
    .map(Number)
    .filter((n) => Number.isInteger(n));
}

/** ISO timestamps with microseconds and Z, as Django REST framework writes them. */
export const isoTime = (d: Date | string | null | undefined): string | null => {
  if (d === null || d === undefined) return null;
  const iso = (typeof d === 'string' ? new Date(d) : d).toISOString();
  return iso.replace(/\.(\d{3})Z$/, '.$1000Z');
};

/** An http(s) URL of at most 2,048 characters (webhook targets, ML backends), with Label Studio's messages. */
export const httpUrl = z
  .string({ error: 'This field is required.' })
  .max(2048, 'Ensure this field has no more than 2048 characters.')
  .refine((u) => {
    try {
      return ['http:', 'https:'].includes(new URL(u).protocol);
    } catch {
      return false;
    }
  }, 'Enter a valid URL.');
