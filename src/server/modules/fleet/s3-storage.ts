import type { Readable } from 'node:stream';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { AppError } from '../../errors.js';
import { describeS3Error, getObjectStream, getObjectText, listObjects, putObject, s3Client, type S3Client, type S3Options } from '../../s3/client.js';
import type { ObjectBytes, ObjectStore, RangeNotSatisfiable } from './object-store.js';

/**
 * The S3 backend of workflow storage, over src/server/s3/client.ts. Listing is recursive under the prefix,
 * skipping folder markers and hidden names as the local backend does; a missing object reads as null.
 */
export function s3Store(opts: S3Options, bucket: string): ObjectStore {
  const client = clientFor(opts);
  return {
    kind: 's3',
    bucket,
    list: (prefix) => listItems(client, bucket, prefix),
    readText: (key) => orNullWhenMissing(() => getObjectText(client, bucket, key), bucket),
    open: (key, rangeHeader) => openObject(client, bucket, key, rangeHeader),
    write: async (key, body, contentType) => {
      // one PutObject: fleet objects are one batch's export or one archived item, bounded by imagesPerProject
      let text = '';
      if (typeof body === 'string') text = body;
      else for await (const chunk of body) text += chunk;
      await s3Call(() => putObject(client, bucket, key, text, contentType), bucket);
    },
  };
}

/** One range (`bytes=a-b`, `bytes=a-`, `bytes=-n`) goes to S3 as it is; anything else reads the whole object, as HTTP allows. */
const SINGLE_RANGE = /^bytes=(\d+-\d*|-\d+)$/;

async function openObject(client: S3Client, bucket: string, key: string, rangeHeader: string | undefined): Promise<ObjectBytes | RangeNotSatisfiable | null> {
  const range = rangeHeader?.trim();
  try {
    const o = await getObjectStream(client, bucket, key, range && SINGLE_RANGE.test(range) ? range : undefined);
    return { body: o.body as Readable, length: o.contentLength ?? null, contentRange: o.contentRange ?? null };
  } catch (err) {
    if (isMissing(err)) return null;
    if ((err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode !== 416) throw s3Failure(err, bucket);
  }
  // the range starts past the end: a 416 names the size, which a HEAD tells
  const head = await orNullWhenMissing(() => client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })), bucket);
  return head ? { unsatisfiable: true, size: head.ContentLength ?? null } : null;
}

async function* listItems(client: S3Client, bucket: string, prefix: string) {
  const pages = listObjects(client, bucket, prefix);
  for (;;) {
    const next = await s3Call(() => pages.next(), bucket);
    if (next.done) return;
    const o = next.value;
    if (o.key.endsWith('/') || o.key.split('/').some((part) => part.startsWith('.'))) continue;
    yield { key: o.key, etag: o.etag || null };
  }
}

/** One client per connection setting, kept across requests (it holds the HTTP agent and signing keys). */
const clients = new Map<string, S3Client>();
function clientFor(opts: S3Options): S3Client {
  const id = JSON.stringify([opts.endpoint, opts.region, opts.accessKeyId, opts.secretAccessKey]);
  let c = clients.get(id);
  if (!c) {
    if (clients.size >= 16) clients.clear();
    c = s3Client(opts);
    clients.set(id, c);
  }
  return c;
}

const isMissing = (err: unknown) => {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || (e?.$metadata?.httpStatusCode === 404 && e?.name !== 'NoSuchBucket');
};

async function orNullWhenMissing<T>(f: () => Promise<T>, bucket: string): Promise<T | null> {
  try {
    return await f();
  } catch (err) {
    if (isMissing(err)) return null;
    throw s3Failure(err, bucket);
  }
}

async function s3Call<T>(f: () => Promise<T>, bucket: string): Promise<T> {
  try {
    return await f();
  } catch (err) {
    throw s3Failure(err, bucket);
  }
}

/** A readable error for the manager; the SDK's own error stays attached as the cause for the log. */
function s3Failure(err: unknown, bucket: string): AppError {
  const e = new AppError('invalid', `S3 storage: ${describeS3Error(err, bucket)}`);
  (e as Error & { cause?: unknown }).cause = err;
  return e;
}
