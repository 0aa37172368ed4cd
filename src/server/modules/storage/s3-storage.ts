import { S3ServiceException } from '@aws-sdk/client-s3';
import { AppError } from '../../errors.js';
import {
  deleteObject,
  describeS3Error,
  getObjectStream,
  getObjectTextAndEtag,
  hasObjectsUnder,
  listObjects,
  presignGet,
  putObject,
  s3Uri,
  sharedS3Client,
  type S3Client,
  type S3ObjectStream,
} from '../../s3/client.js';
import type { StorageRow } from './queries.js';
import type { StorageConfig, StorageKind } from './storage-kind.js';

/** S3 settings as stored (the storage row's `settings`). */
export interface S3Settings {
  bucket: string | null;
  prefix: string | null;
  aws_access_key_id: string | null;
  aws_secret_access_key: string | null;
  aws_session_token: string | null;
  aws_sse_kms_key_id: string | null;
  region_name: string | null;
  s3_endpoint: string | null;
  presign: boolean;
  /** minutes */
  presign_ttl: number;
}

const SECRET_PAIR = ['aws_access_key_id', 'aws_secret_access_key'] as const;
const PAIR_ERROR = 'Access Key ID and Secret Access Key must be provided together.';
// botocore's bucket name check, as Label Studio applies it
const BUCKET_NAME = /^[a-zA-Z0-9.\-_]{1,255}$/;

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

export function s3SettingsOf(s: Pick<StorageRow, 'settings'>): S3Settings {
  const v = s.settings;
  return {
    bucket: text(v.bucket),
    prefix: text(v.prefix),
    aws_access_key_id: text(v.aws_access_key_id),
    aws_secret_access_key: text(v.aws_secret_access_key),
    aws_session_token: text(v.aws_session_token),
    aws_sse_kms_key_id: text(v.aws_sse_kms_key_id),
    region_name: text(v.region_name),
    s3_endpoint: text(v.s3_endpoint),
    presign: v.presign !== false,
    presign_ttl: typeof v.presign_ttl === 'number' ? v.presign_ttl : 1,
  };
}

export function clientOf(s: S3Settings): S3Client {
  return sharedS3Client({
    endpoint: s.s3_endpoint,
    region: s.region_name,
    accessKeyId: s.aws_access_key_id,
    secretAccessKey: s.aws_secret_access_key,
    sessionToken: s.aws_session_token,
  });
}

const bucketOf = (s: S3Settings): string => {
  if (!s.bucket) throw new AppError('invalid', 'bucket is required', { bucket: ['This field is required.'] });
  return s.bucket;
};

/** The listing prefix as Label Studio forms it: "images" and "images/" both list "images/...". */
const listPrefix = (prefix: string | null) => (prefix ? `${prefix.replace(/\/+$/, '')}/` : '');

/** A failed S3 call as a 400 that names the field to fix; never a 500. */
export function s3Failure(err: unknown, s: S3Settings): AppError {
  const message = describeS3Error(err, s.bucket ?? undefined);
  const name = err instanceof S3ServiceException ? err.name : '';
  const status = err instanceof S3ServiceException ? err.$metadata?.httpStatusCode : undefined;
  let field = 's3_endpoint';
  if (name === 'NoSuchBucket' || status === 404) field = 'bucket';
  else if (name === 'SignatureDoesNotMatch') field = 'aws_secret_access_key';
  else if (name === 'InvalidAccessKeyId' || name === 'AccessDenied' || status === 403 || (err as Error)?.name === 'CredentialsProviderError') field = 'aws_access_key_id';
  return new AppError('invalid', `Cannot connect to S3: ${message}`, { [field]: [message] });
}

async function checkConnection(s: StorageConfig): Promise<void> {
  const settings = s3SettingsOf(s);
  const bucket = bucketOf(settings);
  if (!BUCKET_NAME.test(bucket)) {
    throw new AppError('invalid', `Invalid bucket name "${bucket}"`, { bucket: ['Bucket name must contain only letters, digits, ".", "-" and "_" (at most 255).'] });
  }
  if (settings.s3_endpoint) {
    let ok = false;
    try {
      ok = ['http:', 'https:'].includes(new URL(settings.s3_endpoint).protocol);
    } catch {
      ok = false;
    }
    if (!ok) throw new AppError('invalid', `Invalid s3_endpoint "${settings.s3_endpoint}"`, { s3_endpoint: ['Enter a valid http(s) URL.'] });
  }
  const client = clientOf(settings);
  try {
    // one listed key rather than HeadBucket, whose empty error replies cannot tell a wrong secret from an unknown key;
    // as Label Studio: an import storage's prefix must hold something, an export storage only needs the bucket
    const found = await hasObjectsUnder(client, bucket, settings.prefix ?? '');
    if (!found && settings.prefix && s.direction === 'import') {
      throw new AppError('invalid', `s3://${bucket}/${settings.prefix} not found.`, { prefix: [`No objects found under s3://${bucket}/${settings.prefix}`] });
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw s3Failure(err, settings);
  }
}

/** An S3 failure as a message that names the object and says what went wrong (job errors, tracebacks). */
const readable = (err: unknown, s: S3Settings, key: string) => new Error(`${s3Uri(s.bucket ?? '', key)}: ${describeS3Error(err, s.bucket ?? undefined)}`);

function exportKey(s: StorageConfig, annotationId: number): string {
  const prefix = s3SettingsOf(s).prefix?.replace(/\/+$/, '');
  return prefix ? `${prefix}/${annotationId}` : String(annotationId);
}

/** Amazon S3 and S3-compatible endpoints (Label Studio's "s3" storage type). */
export const s3Kind: StorageKind = {
  type: 's3',
  fields: (input, prev) => {
    const given = SECRET_PAIR.filter((f) => input[f] !== undefined);
    if (given.length === 1) {
      const missing = SECRET_PAIR.find((f) => input[f] === undefined)!;
      throw new AppError('invalid', PAIR_ERROR, { [missing]: [PAIR_ERROR] });
    }
    const before = prev ? s3SettingsOf(prev) : undefined;
    const pick = <K extends keyof S3Settings>(k: K): S3Settings[K] | null => {
      const v = input[k];
      return v === undefined ? (before?.[k] ?? null) : (text(v) as S3Settings[K] | null);
    };
    const settings: S3Settings = {
      bucket: pick('bucket'),
      prefix: pick('prefix'),
      aws_access_key_id: pick('aws_access_key_id'),
      aws_secret_access_key: pick('aws_secret_access_key'),
      aws_session_token: pick('aws_session_token'),
      aws_sse_kms_key_id: pick('aws_sse_kms_key_id'),
      region_name: pick('region_name'),
      s3_endpoint: pick('s3_endpoint'),
      presign: input.presign ?? before?.presign ?? true,
      presign_ttl: input.presign_ttl ?? before?.presign_ttl ?? 1,
    };
    if (Boolean(settings.aws_access_key_id) !== Boolean(settings.aws_secret_access_key)) {
      const missing = settings.aws_access_key_id ? 'aws_secret_access_key' : 'aws_access_key_id';
      throw new AppError('invalid', PAIR_ERROR, { [missing]: [PAIR_ERROR] });
    }
    return { path: '', settings: { ...settings } };
  },
  wire: (row) => {
    const s = s3SettingsOf(row);
    const common = { bucket: s.bucket, prefix: s.prefix, region_name: s.region_name, s3_endpoint: s.s3_endpoint, aws_sse_kms_key_id: s.aws_sse_kms_key_id };
    return row.direction === 'import' ? { ...common, presign: s.presign, presign_ttl: s.presign_ttl } : common;
  },
  validate: checkConnection,
  list: (s) =>
    (async function* () {
      const settings = s3SettingsOf(s);
      const bucket = bucketOf(settings);
      const prefix = listPrefix(settings.prefix);
      const filter = s.regex_filter ? new RegExp(`^(?:${s.regex_filter})`) : null;
      const recursive = !prefix || s.settings.recursive_scan === true;
      try {
        for await (const o of listObjects(clientOf(settings), bucket, prefix, { recursive })) {
          if (o.key.endsWith('/') || (filter && !filter.test(o.key))) continue;
          yield { key: o.key, etag: o.etag, size: o.size, mtimeMs: o.lastModified?.getTime() ?? 0 };
        }
      } catch (err) {
        throw err instanceof AppError ? err : s3Failure(err, settings);
      }
    })(),
  read: async (s, key) => {
    const settings = s3SettingsOf(s);
    try {
      return await getObjectTextAndEtag(clientOf(settings), bucketOf(settings), key);
    } catch (err) {
      throw readable(err, settings, key);
    }
  },
  blobUrl: (s, key) => s3Uri(bucketOf(s3SettingsOf(s)), key),
  exportKey,
  write: async (s, key, body) => {
    const settings = s3SettingsOf(s);
    await putObject(clientOf(settings), bucketOf(settings), key, body, 'application/json', { sseKmsKeyId: settings.aws_sse_kms_key_id }).catch((err: unknown) => {
      throw readable(err, settings, key);
    });
  },
  remove: async (s, key) => {
    const settings = s3SettingsOf(s);
    await deleteObject(clientOf(settings), bucketOf(settings), key).catch((err: unknown) => {
      throw readable(err, settings, key);
    });
  },
};

/** Whether `key` of `bucket` lies in this import storage (its bucket, under its prefix). */
export function holdsObject(s: StorageConfig, bucket: string, key: string): boolean {
  const settings = s3SettingsOf(s);
  return settings.bucket === bucket && key.startsWith(listPrefix(settings.prefix));
}

export const presignObject = (s: StorageConfig, key: string): Promise<string> => {
  const settings = s3SettingsOf(s);
  return presignGet(clientOf(settings), bucketOf(settings), key, settings.presign_ttl * 60);
};

export const streamObject = (s: StorageConfig, key: string, range?: string): Promise<S3ObjectStream> => {
  const settings = s3SettingsOf(s);
  return getObjectStream(clientOf(settings), bucketOf(settings), key, range);
};
