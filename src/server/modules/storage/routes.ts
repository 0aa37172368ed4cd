import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Ctx } from '../../context.js';
import { actorOf } from '../../plugins/auth.js';
import { IdParams } from '../../wire.js';
import { sendUpload } from '../imports/upload-files.js';
import { listenForStorageExports, syncExportStorage } from './export-sync.js';
import { syncImportStorage } from './import-sync.js';
import type { Direction } from './queries.js';
import { LocalFileQuery, STORAGE_TYPES, StorageCreateBody, StorageListQuery, StorageUpdateBody, StorageValidateBody } from './schemas.js';
import * as storages from './service.js';

export function storageRoutes(app: FastifyInstance, ctx: Ctx): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['storages'];

  const stopListening = listenForStorageExports(ctx, app.log);
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
        const synced = direction === 'import' ? await syncImportStorage(ctx.db, actor, storage) : await syncExportStorage(ctx.db, storage);
        return storages.serializeStorage(synced);
      });
    }
  }

  // Label Studio's local files URL; sandboxed like /data/upload
  r.get('/data/local-files', { schema: { hide: true, querystring: LocalFileQuery } }, async (req, reply) =>
    sendUpload(reply, await storages.localFileForActor(ctx.db, actorOf(req), req.query.d), req.headers.range),
  );
}
