import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Ctx } from '../../context.js';
import { actorOf } from '../../plugins/auth.js';
import { IdParams } from '../../wire.js';
import { getProject } from '../projects/service.js';
import * as predictions from './service.js';

const PredictionBody = z
  .object({
    task: z.coerce.number({ error: 'This field is required.' }).int(),
    result: z.unknown(),
    score: z.coerce.number().nullish(),
    model_version: z.string().nullish(),
  })
  .loose();

export function predictionRoutes(app: FastifyInstance, ctx: Ctx): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['predictions'];

  r.get('/api/predictions', { schema: { tags, querystring: z.object({ task: z.coerce.number().int().optional(), project: z.coerce.number().int().optional(), task__project: z.coerce.number().int().optional() }) } }, async (req) =>
    (await predictions.listPredictions(ctx.db, actorOf(req), { task: req.query.task, project: req.query.project ?? req.query.task__project })).map(predictions.serializePrediction),
  );
  r.post('/api/predictions', { schema: { tags, body: PredictionBody } }, async (req, reply) =>
    reply.status(201).send(predictions.serializePrediction(await predictions.createPrediction(ctx.db, actorOf(req), req.body))),
  );
  r.get('/api/predictions/:id', { schema: { tags, params: IdParams } }, async (req) => predictions.serializePrediction(await predictions.getPrediction(ctx.db, actorOf(req), req.params.id)));
  for (const method of ['patch', 'put'] as const) {
    r[method]('/api/predictions/:id', { schema: { tags, params: IdParams, body: PredictionBody.partial() } }, async (req) =>
      predictions.serializePrediction(await predictions.patchPrediction(ctx.db, actorOf(req), req.params.id, { result: req.body.result, score: req.body.score, model_version: req.body.model_version ?? undefined })),
    );
  }
  r.delete('/api/predictions/:id', { schema: { tags, params: IdParams } }, async (req, reply) => {
    const p = await predictions.getPrediction(ctx.db, actorOf(req), req.params.id);
    await predictions.deletePredictionsOf(ctx.db, actorOf(req), p.project_id, { id: p.id });
    return reply.status(204).send();
  });
  r.post('/api/projects/:id/import/predictions', { schema: { tags, params: IdParams, body: z.array(PredictionBody) } }, async (req, reply) =>
    reply.status(201).send({ created: await predictions.importPredictions(ctx.db, actorOf(req), req.params.id, req.body) }),
  );
  r.get('/api/projects/:id/model-versions', { schema: { tags, params: IdParams } }, async (req) => {
    await getProject(ctx.db, actorOf(req), req.params.id);
    return Object.fromEntries((await predictions.modelVersions(ctx.db, req.params.id)).map((v) => [v.model_version, v.n]));
  });
  r.delete('/api/projects/:id/model-versions', { schema: { tags, params: IdParams, querystring: z.object({ model_version: z.string() }) } }, async (req) => ({
    deleted_predictions: await predictions.deletePredictionsOf(ctx.db, actorOf(req), req.params.id, { modelVersion: req.query.model_version }),
  }));
}
