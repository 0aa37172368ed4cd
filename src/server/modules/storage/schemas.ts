import { z } from 'zod';
import { lsBool } from '../../wire.js';

/** The storage types this server implements; Label Studio's others (gcs, redis) answer 404. */
export const STORAGE_TYPES = [
  { name: 's3', title: 'AWS S3' },
  { name: 'azure', title: 'Microsoft Azure' },
  { name: 'localfiles', title: 'Local files' },
] as const;
export type StorageType = (typeof STORAGE_TYPES)[number]['name'];

const nullableText = z.string().nullable().optional();

/** Presigned URLs live at most 7 days (SigV4's limit). */
export const MAX_PRESIGN_TTL_MINUTES = 7 * 24 * 60;

const fields = {
  title: nullableText,
  description: nullableText,
  regex_filter: nullableText,
  use_blob_urls: lsBool.optional(),
  recursive_scan: lsBool.optional(),
  can_delete_objects: lsBool.nullable().optional(),
  presign: lsBool.optional(),
  presign_ttl: z.coerce
    .number({ error: 'A valid integer is required.' })
    .int('A valid integer is required.')
    .min(1, 'Ensure this value is greater than or equal to 1.')
    .max(MAX_PRESIGN_TTL_MINUTES, `Ensure this value is less than or equal to ${MAX_PRESIGN_TTL_MINUTES}.`)
    .optional(),
  /** LabelFleet's own: sync this storage every N minutes (null: only on request) */
  sync_interval_minutes: z.coerce
    .number({ error: 'A valid integer is required.' })
    .int('A valid integer is required.')
    .min(1, 'Ensure this value is greater than or equal to 1.')
    .nullable()
    .optional(),
  // localfiles
  path: z.string().optional(),
  // s3
  bucket: nullableText,
  prefix: nullableText,
  aws_access_key_id: nullableText,
  aws_secret_access_key: nullableText,
  aws_session_token: nullableText,
  aws_sse_kms_key_id: nullableText,
  region_name: nullableText,
  s3_endpoint: nullableText,
  // azure
  container: nullableText,
  account_name: nullableText,
  account_key: nullableText,
  /** LabelFleet's own: the Blob service URL (Azurite, sovereign clouds); default https://<account>.blob.core.windows.net */
  azure_endpoint: nullableText,
};

export const StorageCreateBody = z.looseObject({ project: z.coerce.number().int().positive(), ...fields });
export const StorageUpdateBody = z.looseObject({ project: z.coerce.number().int().positive().optional(), ...fields });
export const StorageValidateBody = StorageCreateBody.extend({ id: z.coerce.number().int().positive().optional() });
export const StorageListQuery = z.object({ project: z.coerce.number().int().positive().optional() });
export const LocalFileQuery = z.object({ d: z.string().default('') });
export const PresignQuery = z.object({ fileuri: z.string({ error: 'fileuri is required' }).min(1, 'fileuri is required') });

export type StorageCreate = z.infer<typeof StorageCreateBody>;
export type StorageUpdate = z.infer<typeof StorageUpdateBody>;
