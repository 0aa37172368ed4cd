import type { FastifyReply } from 'fastify';
import { S3ServiceException } from '@aws-sdk/client-s3';
import type { Queryable } from '../../db/connection.js';
import { notFound } from '../../errors.js';
import { sendError } from '../../plugins/error-handler.js';
import { describeS3Error, parseS3Uri } from '../../s3/client.js';
import { describeAzureError, parseAzureUri, RestError } from '../../azure/client.js';
import { getProject } from '../projects/service.js';
import { getTask } from '../tasks/service.js';
import type { Actor } from '../users/service.js';
import * as q from './queries.js';
import type { StorageRow } from './queries.js';
import { azureSettingsOf, holdsBlob, presignBlob, streamBlob } from './azure-storage.js';
import { holdsObject, presignObject, s3SettingsOf, streamObject } from './s3-storage.js';

/**
 * Media of cloud import storages, as Label Studio serves it: task data keeps `s3://bucket/key` (or
 * `azure-blob://container/key`); clients
 * get `/tasks/{id}/presign/?fileuri=<base64url(uri)>` (or `/projects/{id}/presign/`), which redirects to
 * a presigned URL (Azure: a read-only SAS URL), or with `presign: false` streams the object through this
 * server for browsers that cannot reach the bucket.
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

/** The cloud storage types whose URIs the media resolver serves. */
const CLOUD_TYPES = ['s3', 'azure'];
const isCloudUri = (v: string) => v.startsWith('s3://') || v.startsWith('azure-blob://');

function storageHolding(storages: StorageRow[], uri: string): { storage: StorageRow; key: string } | null {
  const s3 = parseS3Uri(uri);
  const azure = s3 ? null : parseAzureUri(uri);
  const key = s3?.key ?? azure?.key;
  if (!key) return null;
  const storage = storages.find((s) =>
    s3 ? s.type === 's3' && holdsObject(s, s3.bucket, key) : azure ? s.type === 'azure' && holdsBlob(s, azure.container, key) : false,
  );
  return storage ? { storage, key } : null;
}

const cloudImportStorages = async (db: Queryable, projectId: number) =>
  (await q.storagesOfProject(db, projectId, 'import')).filter((s) => CLOUD_TYPES.includes(s.type));

/**
 * The storage object a presign request names, for an actor who may see the task (or project); the URI
 * must lie in one of the project's S3 or Azure import storages. Anything else answers like a missing object.
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
  const found = storageHolding(await cloudImportStorages(db, projectId), decodeFileUri(fileuri));
  if (!found) throw notFound();
  return found;
}

/** How a storage type presigns and streams; a failed read as 404, 416 or the bucket's words. */
function mediaOf(storage: StorageRow) {
  if (storage.type === 'azure') {
    const settings = azureSettingsOf(storage);
    return {
      presign: settings.presign,
      ttl: settings.presign_ttl,
      presignUrl: async (key: string) => presignBlob(storage, key),
      stream: (key: string, range?: string) => streamBlob(storage, key, range),
      status: (err: unknown) => (err instanceof RestError ? err.statusCode : undefined),
      describe: (err: unknown) => describeAzureError(err, settings.container ?? undefined),
    };
  }
  const settings = s3SettingsOf(storage);
  return {
    presign: settings.presign,
    ttl: settings.presign_ttl,
    presignUrl: (key: string) => presignObject(storage, key),
    stream: (key: string, range?: string) => streamObject(storage, key, range),
    status: (err: unknown) =>
      err instanceof S3ServiceException ? (err.name === 'NoSuchKey' ? 404 : err.$metadata?.httpStatusCode) : undefined,
    describe: (err: unknown) => describeS3Error(err, settings.bucket ?? undefined),
  };
}

/** Redirects to a presigned URL, or streams the object (Range passed on to the bucket). */
export async function sendStorageObject(reply: FastifyReply, found: { storage: StorageRow; key: string }, range: string | undefined) {
  const media = mediaOf(found.storage);
  if (media.presign) {
    const url = await media.presignUrl(found.key);
    return reply.status(303).header('location', url).header('cache-control', `no-store, max-age=${media.ttl * 60}`).send();
  }
  let object;
  try {
    object = await media.stream(found.key, range);
  } catch (err) {
    const status = media.status(err);
    if (status === 404) throw notFound();
    if (status === 416) return reply.status(416).send();
    // Label Studio's answer when the bucket fails a proxied read
    return sendError(reply, 424, `Storage stream failed while proxying data: ${media.describe(err)}`);
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
  if (typeof value === 'string') return isCloudUri(value) && storageHolding(storages, value) ? taskPresignUrl(taskId, value) : value;
  if (Array.isArray(value)) return value.map((v) => rewrite(v, taskId, storages));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v, taskId, storages)]));
  return value;
}

/**
 * Task data as clients see it (Label Studio's resolve_uri): every `s3://` or `azure-blob://` URI that lies
 * in one of the project's cloud import storages becomes the task's presign URL. For the tasks module to call.
 */
export async function resolveStorageUris<T extends { id: number; data: unknown }>(db: Queryable, projectId: number, tasks: T[]): Promise<T[]> {
  const storages = await cloudImportStorages(db, projectId);
  if (storages.length === 0) return tasks;
  return tasks.map((t) => ({ ...t, data: rewrite(t.data, t.id, storages) }));
}
