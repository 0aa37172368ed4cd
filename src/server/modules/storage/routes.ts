import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Ctx } from '../../context.js';
import { actorOf } from '../../plugins/auth.js';
import { IdParams } from '../../wire.js';
import { sendUpload } from '../imports/upload-files.js';
import { listenForStorageExports } from './export-sync.js';
import { queueExportChange, syncAndWait } from './jobs.js';
import { sendStorageObject, storageObjectFor } from './media.js';
import type { Direction } from './queries.js';
import { LocalFileQuery, PresignQuery, STORAGE_TYPES, StorageCreateBody, StorageListQuery, StorageUpdateBody, StorageValidateBody } from './schemas.js';
import * as storages from './service.js';

/**
 * How long `POST .../sync` waits for its job before answering: Label Studio without a job queue answers
 * with the finished sync, and SDK scripts read the reply; a longer sync answers `queued`/`in_progress`
 * and is polled. LABELFLEET_STORAGE_SYNC_WAIT_MS (read at use) changes it.
 */
const syncWaitMs = () => Number(process.env.LABELFLEET_STORAGE_SYNC_WAIT_MS ?? 10_000);

export function storageRoutes(app: FastifyInstance, ctx: Ctx): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['storages'];

  const stopListening = listenForStorageExports(ctx, app.log, queueExportChange);
  app.addHook('onClose', async () => stopListening());

  for (const [direction, base] of [
    ['import', '/api/storages'],
    ['export', '/api/storages/export'],
  ] as [Direction, string][]) {
    r.get(base, { schema: { tags, querystring: StorageListQuery } }, async (req) =>
      (await storages.listStorages(ctx.db, actorOf(req), direction, req.query.project)).map(storages.serializeStorage),
    );
    r.get(`${base}/types`, { schema: { tags } }, async (req) => {
      actorOf(req);
      return STORAGE_TYPES;
    });

    for (const { name: type } of STORAGE_TYPES) {
      const at = `${base}/${type}`;
      r.get(at, { schema: { tags, querystring: StorageListQuery } }, async (req) =>
        (await storages.listStorages(ctx.db, actorOf(req), direction, req.query.project, type)).map(storages.serializeStorage),
      );
      r.post(at, { schema: { tags, body: StorageCreateBody } }, async (req, reply) =>
        reply.status(201).send(storages.serializeStorage(await storages.createStorage(ctx.db, actorOf(req), direction, type, req.body))),
      );
      r.post(`${at}/validate`, { schema: { tags, body: StorageValidateBody } }, async (req, reply) => {
        await storages.validateStorage(ctx.db, actorOf(req), direction, type, req.body);
        return reply.status(200).send();
      });
      r.get(`${at}/:id`, { schema: { tags, params: IdParams } }, async (req) =>
        storages.serializeStorage(await storages.getStorage(ctx.db, actorOf(req), direction, type, req.params.id)),
      );
      for (const method of ['patch', 'put'] as const) {
        r[method](`${at}/:id`, { schema: { tags, params: IdParams, body: StorageUpdateBody } }, async (req) =>
          storages.serializeStorage(await storages.updateStorage(ctx.db, actorOf(req), direction, type, req.params.id, req.body ?? {})),
        );
      }
      r.delete(`${at}/:id`, { schema: { tags, params: IdParams } }, async (req, reply) => {
        await storages.deleteStorage(ctx.db, actorOf(req), direction, type, req.params.id);
        return reply.status(204).send();
      });
      r.post(`${at}/:id/sync`, { schema: { tags, params: IdParams } }, async (req) => {
        const actor = actorOf(req);
        const storage = await storages.getStorage(ctx.db, actor, direction, type, req.params.id);
        return storages.serializeStorage(await syncAndWait(ctx.db, storage, actor.orgId, syncWaitMs()));
      });
    }
  }

  // Label Studio's local files URL; sandboxed like /data/upload
  r.get('/data/local-files', { schema: { hide: true, querystring: LocalFileQuery } }, async (req, reply) =>
    sendUpload(reply, await storages.localFileForActor(ctx.db, actorOf(req), req.query.d), req.headers.range),
  );

  // Label Studio's media resolver for cloud storage URIs, per task and per project
  r.get('/tasks/:id/presign', { schema: { hide: true, params: IdParams, querystring: PresignQuery } }, async (req, reply) =>
    sendStorageObject(reply, await storageObjectFor(ctx.db, actorOf(req), { taskId: req.params.id }, req.query.fileuri), req.headers.range),
  );
  r.get('/projects/:id/presign', { schema: { hide: true, params: IdParams, querystring: PresignQuery } }, async (req, reply) =>
    sendStorageObject(reply, await storageObjectFor(ctx.db, actorOf(req), { projectId: req.params.id }, req.query.fileuri), req.headers.range),
  );
}
