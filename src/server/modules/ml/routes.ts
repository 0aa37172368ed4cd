import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Ctx } from '../../context.js';
import { actorOf } from '../../plugins/auth.js';
import { IdParams } from '../../wire.js';
import { listenForMlEvents } from './listeners.js';
import { InteractiveBody, MlBackendCreateBody, MlBackendUpdateBody, MlListQuery, PredictQuery, TrainBody } from './schemas.js';
import * as ml from './service.js';

/** How a backend reaches this server: the origin the request that connected it came in on. */
const originOf = (req: FastifyRequest) => `${req.protocol}://${req.host}`;

export function mlRoutes(app: FastifyInstance, ctx: Ctx): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['ml'];

  const stopListening = listenForMlEvents(ctx, app.log);
  app.addHook('onClose', async () => stopListening());

  const one = async (b: ml.MlBackendRow) => ml.serializeBackend(ctx.db, b);

  r.get('/api/ml', { schema: { tags, querystring: MlListQuery } }, async (req) => {
    const rows = await ml.listBackends(ctx.db, actorOf(req), { project: req.query.project, isInteractive: req.query.is_interactive });
    return Promise.all(rows.map(one));
  });
  r.post('/api/ml', { schema: { tags, body: MlBackendCreateBody } }, async (req, reply) =>
    reply.status(201).send(await one(await ml.createBackend(ctx, actorOf(req), req.body, originOf(req)))),
  );
  r.get('/api/ml/:id', { schema: { tags, params: IdParams } }, async (req) => one(await ml.getBackend(ctx.db, actorOf(req), req.params.id)));
  for (const method of ['patch', 'put'] as const) {
    r[method]('/api/ml/:id', { schema: { tags, params: IdParams, body: MlBackendUpdateBody } }, async (req) =>
      one(await ml.updateBackend(ctx, actorOf(req), req.params.id, req.body ?? {}, originOf(req))),
    );
  }
  r.delete('/api/ml/:id', { schema: { tags, params: IdParams } }, async (req, reply) => {
    await ml.deleteBackend(ctx, actorOf(req), req.params.id);
    return reply.status(204).send();
  });
  r.post('/api/ml/:id/train', { schema: { tags, params: IdParams, body: TrainBody.optional() } }, async (req) => {
    await ml.startTraining(ctx.db, actorOf(req), req.params.id);
    return { status: 'queued' };
  });
  r.post('/api/ml/:id/predict', { schema: { tags, params: IdParams, querystring: PredictQuery } }, async (req) => {
    const n = await ml.predictAllTasks(ctx.db, actorOf(req), req.params.id, req.query.batch_size);
    return { status: 'queued', tasks: n };
  });
  r.post('/api/ml/:id/predict/test', { schema: { tags, params: IdParams } }, async (req) => ml.testPredict(ctx, actorOf(req), req.params.id));
  r.post('/api/ml/:id/interactive-annotating', { schema: { tags, params: IdParams, body: InteractiveBody } }, async (req) =>
    ml.interactiveAnnotating(ctx, actorOf(req), req.params.id, req.body.task, req.body.context),
  );
  r.get('/api/ml/:id/versions', { schema: { tags, params: IdParams } }, async (req) => ml.modelVersions(ctx, actorOf(req), req.params.id));
  r.get('/api/ml/:id/jobs', { schema: { tags, params: IdParams } }, async (req) => (await ml.backendJobs(ctx.db, actorOf(req), req.params.id)).map(ml.serializeJob));
}
