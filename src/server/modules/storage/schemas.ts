import { z } from 'zod';
import { lsBool } from '../../wire.js';

/** The storage types this server implements; Label Studio's others (s3, gcs, azure, redis) answer 404. */
export const STORAGE_TYPES = [{ name: 'localfiles', title: 'Local files' }] as const;
export type StorageType = (typeof STORAGE_TYPES)[number]['name'];

const nullableText = z.string().nullable().optional();

const fields = {
  title: nullableText,
  description: nullableText,
  path: z.string().optional(),
  regex_filter: nullableText,
  use_blob_urls: lsBool.optional(),
  recursive_scan: lsBool.optional(),
  can_delete_objects: lsBool.nullable().optional(),
  presign: lsBool.optional(),
  presign_ttl: z.coerce.number().int().optional(),
};

export const StorageCreateBody = z.looseObject({ project: z.coerce.number().int().positive(), ...fields });
export const StorageUpdateBody = z.looseObject({ project: z.coerce.number().int().positive().optional(), ...fields });
export const StorageValidateBody = StorageCreateBody.extend({ id: z.coerce.number().int().positive().optional() });
export const StorageListQuery = z.object({ project: z.coerce.number().int().positive().optional() });
export const LocalFileQuery = z.object({ d: z.string().default('') });

export type StorageCreate = z.infer<typeof StorageCreateBody>;
export type StorageUpdate = z.infer<typeof StorageUpdateBody>;
