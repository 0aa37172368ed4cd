import type { FastifyReply } from 'fastify';
import { S3ServiceException } from '@aws-sdk/client-s3';
import type { Queryable } from '../../db/connection.js';
import { notFound } from '../../errors.js';
import { sendError } from '../../plugins/error-handler.js';
import { describeS3Error, parseS3Uri } from '../../s3/client.js';
import { getProject } from '../projects/service.js';
import { getTask } from '../tasks/service.js';
import type { Actor } from '../users/service.js';
import * as q from './queries.js';
import type { StorageRow } from './queries.js';
import { holdsObject, presignObject, s3SettingsOf, streamObject } from './s3-storage.js';

/**
 * Media of cloud import storages, as Label Studio serves it: task data keeps `s3://bucket/key`; clients
 * get `/tasks/{id}/presign/?fileuri=<base64url(uri)>` (or `/projects/{id}/presign/`), which redirects to
 * a presigned URL, or with `presign: false` streams the object through this server for browsers that
 * cannot reach the bucket.
 */

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/** Label Studio's fileuri parameter: URL-safe base64 (with padding), or for older clients the URI itself. */
export function decodeFileUri(raw: string): string {
  if (SCHEME.test(raw)) return raw;
  const decoded = Buffer.from(raw.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  return SCHEME.test(decoded) ? decoded : raw;
}

export const encodeFileUri = (uri: string): string => Buffer.from(uri, 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_');

export const taskPresignUrl = (taskId: number, uri: string) => `/tasks/${taskId}/presign/?fileuri=${encodeFileUri(uri)}`;

function storageHolding(storages: StorageRow[], uri: string): { storage: StorageRow; key: string } | null {
  const parsed = parseS3Uri(uri);
  if (!parsed || !parsed.key) return null;
  const storage = storages.find((s) => holdsObject(s, parsed.bucket, parsed.key));
  return storage ? { storage, key: parsed.key } : null;
}

/**
 * The storage object a presign request names, for an actor who may see the task (or project); the URI
 * must lie in one of the project's S3 import storages. Anything else answers like a missing object.
 */
export async function storageObjectFor(db: Queryable, actor: Actor, scope: { taskId: number } | { projectId: number }, fileuri: string) {
  const projectId =
    'taskId' in scope
      ? (await getTask(db, actor, scope.taskId)).project.id
      : (
          await getProject(db, actor, scope.projectId).catch(() => {
            throw notFound();
          })
        ).id;
  const found = storageHolding(await q.storagesOfProject(db, projectId, 'import', 's3'), decodeFileUri(fileuri));
  if (!found) throw notFound();
  return found;
}

/** Redirects to a presigned URL, or streams the object (Range passed on to S3). */
export async function sendStorageObject(reply: FastifyReply, found: { storage: StorageRow; key: string }, range: string | undefined) {
  const settings = s3SettingsOf(found.storage);
  if (settings.presign) {
    const url = await presignObject(found.storage, found.key);
    return reply.status(303).header('location', url).header('cache-control', `no-store, max-age=${settings.presign_ttl * 60}`).send();
  }
  let object;
  try {
    object = await streamObject(found.storage, found.key, range);
  } catch (err) {
    if (err instanceof S3ServiceException && (err.name === 'NoSuchKey' || err.$metadata?.httpStatusCode === 404)) throw notFound();
    if (err instanceof S3ServiceException && err.$metadata?.httpStatusCode === 416) return reply.status(416).send();
    // Label Studio's answer when the bucket fails a proxied read
    return sendError(reply, 424, `Storage stream failed while proxying data: ${describeS3Error(err, settings.bucket ?? undefined)}`);
  }
  reply
    .status(object.contentRange ? 206 : 200)
    .header('content-type', object.contentType ?? 'application/octet-stream')
    .header('accept-ranges', 'bytes')
    .header('cache-control', 'private, max-age=0, must-revalidate')
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', 'sandbox');
  if (object.contentLength !== undefined) reply.header('content-length', object.contentLength);
  if (object.contentRange) reply.header('content-range', object.contentRange);
  if (object.etag) reply.header('etag', `"${object.etag}"`);
  if (object.lastModified) reply.header('last-modified', object.lastModified.toUTCString());
  return reply.send(object.body);
}

function rewrite(value: unknown, taskId: number, storages: StorageRow[]): unknown {
  if (typeof value === 'string') return value.startsWith('s3://') && storageHolding(storages, value) ? taskPresignUrl(taskId, value) : value;
  if (Array.isArray(value)) return value.map((v) => rewrite(v, taskId, storages));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v, taskId, storages)]));
  return value;
}

/**
 * Task data as clients see it (Label Studio's resolve_uri): every `s3://` URI that lies in one of the
 * project's S3 import storages becomes the task's presign URL. For the tasks module to call.
 */
export async function resolveStorageUris<T extends { id: number; data: unknown }>(db: Queryable, projectId: number, tasks: T[]): Promise<T[]> {
  const storages = await q.storagesOfProject(db, projectId, 'import', 's3');
  if (storages.length === 0) return tasks;
  return tasks.map((t) => ({ ...t, data: rewrite(t.data, t.id, storages) }));
}
