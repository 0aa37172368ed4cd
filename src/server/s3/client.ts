// A small wrapper over the AWS SDK v3 for what LabelFleet does with S3-compatible buckets:
// list (paged, prefixed), read, write, delete, presign. Used by the storage module and by fleet.
import type { Readable } from 'node:stream';
import {
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

export type { S3Client } from '@aws-sdk/client-s3';

export interface S3Options {
  /** a custom endpoint (Ceph RGW, MinIO, ...): path-style addressing is used for it */
  endpoint?: string | null;
  region?: string | null;
  accessKeyId?: string | null;
  secretAccessKey?: string | null;
  sessionToken?: string | null;
}

export interface S3ObjectInfo {
  key: string;
  /** without the surrounding quotes */
  etag: string;
  size: number;
  lastModified: Date | null;
}

/**
 * A client for AWS or any S3-compatible endpoint. Without keys the SDK's default chain applies
 * (environment, profile, instance role), as boto3 does for Label Studio.
 */
export function s3Client(opts: S3Options = {}): S3Client {
  const endpoint = opts.endpoint || undefined;
  const credentials =
    opts.accessKeyId && opts.secretAccessKey
      ? { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey, sessionToken: opts.sessionToken || undefined }
      : undefined;
  const client = new S3Client({
    region: opts.region || 'us-east-1',
    endpoint,
    forcePathStyle: Boolean(endpoint),
    credentials,
    // S3-compatible servers (Ceph 16 among them) reject the SDK's default CRC32 trailers
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
    // a wrong endpoint fails in seconds rather than hanging a validation request
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
  });
  client.middlewareStack.add(
    (next, context) => (args) => {
      const name = context.commandName ?? 'unknown';
      commandCounts.set(name, (commandCounts.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'labelfleetCommandCount' },
  );
  return client;
}

const commandCounts = new Map<string, number>();

const cache = new Map<string, S3Client>();

/** One client per distinct set of options, reused (a client keeps its sockets and resolved credentials). */
export function sharedS3Client(opts: S3Options): S3Client {
  const key = JSON.stringify([opts.endpoint, opts.region, opts.accessKeyId, opts.secretAccessKey, opts.sessionToken]);
  let client = cache.get(key);
  if (!client) {
    if (cache.size >= 64) {
      const oldest = cache.keys().next().value as string;
      cache.get(oldest)?.destroy();
      cache.delete(oldest);
    }
    client = s3Client(opts);
    cache.set(key, client);
  }
  return client;
}

/** How many S3 commands of each kind (GetObjectCommand, ListObjectsV2Command, ...) this process sent: benches read it. */
export function s3CommandCounts(): Record<string, number> {
  return Object.fromEntries(commandCounts);
}

/** `s3://bucket/some/key` → { bucket, key }; null when the string is not an s3 URI. */
export function parseS3Uri(uri: string): { bucket: string; key: string } | null {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m || !m[1]) return null;
  return { bucket: m[1], key: m[2] ?? '' };
}

export function s3Uri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/**
 * Every object under `prefix`, page by page (ListObjectsV2). Not recursive: only the objects
 * directly under the prefix (delimiter `/`), as Label Studio's recursive_scan=false does.
 */
export async function* listObjects(
  client: S3Client,
  bucket: string,
  prefix = '',
  opts: { recursive?: boolean; pageSize?: number } = {},
): AsyncGenerator<S3ObjectInfo> {
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix || undefined,
        Delimiter: opts.recursive === false ? '/' : undefined,
        ContinuationToken: token,
        MaxKeys: opts.pageSize,
      }),
    );
    for (const o of page.Contents ?? []) {
      if (o.Key === undefined) continue;
      yield { key: o.Key, etag: stripQuotes(o.ETag ?? ''), size: o.Size ?? 0, lastModified: o.LastModified ?? null };
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

export interface S3ObjectStream {
  body: Readable;
  contentType?: string;
  contentLength?: number;
  /** set when a range was asked for and served */
  contentRange?: string;
  lastModified?: Date;
  etag: string;
}

/** The object's bytes as a stream; `range` is an HTTP Range header passed on to S3. */
export async function getObjectStream(client: S3Client, bucket: string, key: string, range?: string): Promise<S3ObjectStream> {
  const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: range }));
  return {
    body: res.Body as Readable,
    contentType: res.ContentType,
    contentLength: res.ContentLength,
    contentRange: res.ContentRange,
    lastModified: res.LastModified,
    etag: stripQuotes(res.ETag ?? ''),
  };
}

/** The object's text and the ETag of the version read. */
export async function getObjectTextAndEtag(client: S3Client, bucket: string, key: string): Promise<{ text: string; etag: string }> {
  const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return { text: res.Body ? await res.Body.transformToString('utf-8') : '', etag: stripQuotes(res.ETag ?? '') };
}

export async function getObjectText(client: S3Client, bucket: string, key: string): Promise<string> {
  const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!res.Body) return '';
  return res.Body.transformToString('utf-8');
}

export async function putObject(
  client: S3Client,
  bucket: string,
  key: string,
  body: string | Uint8Array,
  contentType?: string,
  opts: { sseKmsKeyId?: string | null } = {},
): Promise<{ etag: string }> {
  const sse = opts.sseKmsKeyId ? { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: opts.sseKmsKeyId } : {};
  const res = await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType, ...sse }));
  return { etag: stripQuotes(res.ETag ?? '') };
}

export async function deleteObject(client: S3Client, bucket: string, key: string): Promise<void> {
  await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}

/** Whether any object's key starts with `prefix` (one key listed at most). */
export async function hasObjectsUnder(client: S3Client, bucket: string, prefix: string): Promise<boolean> {
  const res = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1 }));
  return (res.KeyCount ?? res.Contents?.length ?? 0) > 0;
}

/** Deletes every object under `prefix` (1,000 per DeleteObjects request); with no prefix, the bucket too. */
export async function emptyBucket(client: S3Client, bucket: string, prefix = ''): Promise<number> {
  let deleted = 0;
  let batch: string[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }));
    deleted += batch.length;
    batch = [];
  };
  // keys are collected before deleting: deleting while paging would move the continuation token's ground
  const keys: string[] = [];
  for await (const o of listObjects(client, bucket, prefix)) keys.push(o.key);
  for (const key of keys) {
    batch.push(key);
    if (batch.length === 1000) await flush();
  }
  await flush();
  if (!prefix) await client.send(new DeleteBucketCommand({ Bucket: bucket }));
  return deleted;
}

export async function headBucket(client: S3Client, bucket: string): Promise<void> {
  await client.send(new HeadBucketCommand({ Bucket: bucket }));
}

/** A presigned GET URL valid for `ttlSeconds` (SigV4 caps it at 7 days). */
export function presignGet(client: S3Client, bucket: string, key: string, ttlSeconds: number): Promise<string> {
  const expiresIn = Math.max(1, Math.min(Math.round(ttlSeconds), 7 * 24 * 3600));
  return getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn });
}

/** A sentence for a person: what went wrong talking to S3 (missing bucket, refused keys, unreachable endpoint). */
export function describeS3Error(err: unknown, bucket?: string): string {
  const where = bucket ? `bucket "${bucket}"` : 'the bucket';
  if (err instanceof S3ServiceException) {
    const status = err.$metadata?.httpStatusCode;
    switch (err.name) {
      case 'NoSuchBucket':
        return `${where} does not exist`;
      case 'InvalidAccessKeyId':
        return 'the access key id is not known to the S3 server';
      case 'SignatureDoesNotMatch':
        return 'the secret access key was refused by the S3 server';
      case 'AccessDenied':
        return `access to ${where} is denied for these credentials`;
      case 'NoSuchKey':
        return 'the object does not exist';
    }
    if (status === 404) return `${where} does not exist`;
    if (status === 403) return `access to ${where} is denied for these credentials`;
    if (status === 301 || status === 400) return `${where} is not reachable at this endpoint or region (${err.name})`;
    return `the S3 server answered ${status ?? ''} ${err.name}`.replace(/\s+/g, ' ');
  }
  const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const code = e?.code ?? e?.cause?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ETIMEDOUT' || code === 'ECONNRESET') {
    return `the S3 endpoint is not reachable (${code})`;
  }
  if (e?.name === 'CredentialsProviderError') return 'no AWS credentials were given and none were found in the environment';
  if (e?.name === 'TypeError' && /url/i.test(String(e.message))) return 'the S3 endpoint is not a valid URL';
  return `S3 request failed: ${e?.message ?? String(err)}`;
}

function stripQuotes(etag: string): string {
  return etag.replace(/^"|"$/g, '');
}
