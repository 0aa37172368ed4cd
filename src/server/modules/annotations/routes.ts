import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Ctx } from '../../context.js';
import { actorOf } from '../../plugins/auth.js';
import { IdParams, lsBool } from '../../wire.js';
import { draftRoutes } from './drafts.js';
import { serializeAnnotation } from './serialize.js';
import * as annotations from './service.js';

const AnnotationBody = z
  .object({
    result: z.unknown().optional(),
    was_cancelled: lsBool.optional(),
    ground_truth: lsBool.optional(),
    lead_time: z.coerce.number().min(0).nullish(),
    completed_by: z.coerce.number().int().nullish(),
    parent_prediction: z.coerce.number().int().nullish(),
    parent_annotation: z.coerce.number().int().nullish(),
    draft_id: z.coerce.number().int().nullish(),
  })
  .loose();

export function annotationRoutes(app: FastifyInstance, ctx: Ctx): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['annotations'];

  r.get('/api/tasks/:id/annotations', { schema: { tags, params: IdParams } }, async (req) =>
    (await annotations.listAnnotations(ctx.db, actorOf(req), req.params.id)).map(serializeAnnotation),
  );
  r.post('/api/tasks/:id/annotations', { schema: { tags, params: IdParams, body: AnnotationBody } }, async (req, reply) =>
    reply.status(201).send(serializeAnnotation(await annotations.createAnnotation(ctx.db, actorOf(req), req.params.id, req.body ?? {}))),
  );
  r.get('/api/annotations/:id', { schema: { tags, params: IdParams } }, async (req) => serializeAnnotation(await annotations.getAnnotation(ctx.db, actorOf(req), req.params.id)));
  for (const method of ['patch', 'put'] as const) {
    r[method]('/api/annotations/:id', { schema: { tags, params: IdParams, body: AnnotationBody } }, async (req) =>
      serializeAnnotation(await annotations.updateAnnotation(ctx.db, actorOf(req), req.params.id, req.body ?? {})),
    );
  }
  r.delete('/api/annotations/:id', { schema: { tags, params: IdParams } }, async (req, reply) => {
    await annotations.deleteAnnotation(ctx.db, actorOf(req), req.params.id);
    return reply.status(204).send();
  });
  draftRoutes(app, ctx);
}
