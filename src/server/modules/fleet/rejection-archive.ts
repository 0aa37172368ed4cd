import type { Ctx } from '../../context.js';
import type { Queryable } from '../../db/connection.js';
import { joinKey, storeOf } from './object-store.js';

/**
 * Where a workflow archives rejected work. `rejectionArchiveBucket` is either `s3://<bucket>/<prefix>`, another
 * bucket of the same storage (same endpoint and credentials), or a prefix inside the s3.bucket bucket;
 * unset means the prefix `rejections/`. The archive path recorded on the rejection says it the same way:
 * `s3://<bucket>/<key>` for the first form, the key for the second.
 */
export interface ArchiveTarget {
  bucket: string | null;
  prefix: string;
}

const S3_URI = /^s3:\/\/([^/]+)\/?(.*)$/;

export function archiveTargetOf(value: string | null): ArchiveTarget {
  const m = value === null ? null : S3_URI.exec(value);
  if (m) return { bucket: m[1], prefix: m[2] };
  return { bucket: null, prefix: value ?? 'rejections' };
}

/** Writes one rejected item as JSON; returns the archive path. */
export async function archiveObject(ctx: Ctx, tx: Queryable, orgId: number, setting: string | null, name: string, record: unknown): Promise<string> {
  const target = archiveTargetOf(setting);
  const store = await storeOf(ctx, orgId, tx, target.bucket ?? undefined);
  const key = joinKey(target.prefix, name);
  await store.write(key, JSON.stringify(record), 'application/json');
  return target.bucket === null ? key : `s3://${target.bucket}/${key}`;
}
