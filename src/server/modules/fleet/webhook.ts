import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Ctx } from '../../context.js';
import { AppError } from '../../errors.js';
import { ingestAnnotation } from './annotation-ingest.js';
import type { AnnotatorRow } from './annotators.js';
import { ANNOTATOR_SELECT } from './annotators.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** The annotator a request speaks for, proven by their webhook secret; anything wrong is a plain 401. */
export async function annotatorBySecret(ctx: Ctx, req: FastifyRequest, idFrom: 'header' | 'param'): Promise<AnnotatorRow> {
  const raw = idFrom === 'header' ? req.headers['x-annotator-id'] : (req.params as { id?: string }).id;
  const secret = req.headers['x-webhook-secret'];
  const id = Number(Array.isArray(raw) ? raw[0] : raw);
  if (!Number.isInteger(id) || id <= 0 || typeof secret !== 'string' || !secret) throw new AppError('unauthorized', 'Unauthorized');
  const a = (await ctx.db.query<AnnotatorRow>(`${ANNOTATOR_SELECT} WHERE a.id = $1`, [id]))[0];
  if (!a || a.status === 'deleted' || !timingSafeEqual(digest(a.webhook_secret), digest(secret))) throw new AppError('unauthorized', 'Unauthorized');
  return a;
}

const WebhookBody = z.object({
  action: z.enum(['ANNOTATION_CREATED', 'ANNOTATION_UPDATED', 'ANNOTATION_DELETED']),
  annotation: z.looseObject({
    id: z.number().int().positive(),
    created_at: z.string().nullish(),
    updated_at: z.string().nullish(),
    lead_time: z.number().nullish(),
    result: z.array(z.unknown()).nullish(),
    task: z.number().int().positive().nullish(),
    completed_by: z.unknown().optional(),
    was_cancelled: z.boolean().nullish(),
  }),
  project: z.looseObject({ id: z.number().int(), title: z.string().nullish() }).nullish(),
  task: z.looseObject({ id: z.number().int().positive(), data: z.unknown().optional() }).nullish(),
});

const ACTIONS = { ANNOTATION_CREATED: 'created', ANNOTATION_UPDATED: 'updated', ANNOTATION_DELETED: 'deleted' } as const;

/** Annotation events from Label Studio instances (X-Annotator-Id + X-Webhook-Secret). Duplicates are ignored. */
export function webhookRoutes(app: FastifyInstance, ctx: Ctx): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['fleet: webhook'];
  const auth = new WeakMap<FastifyRequest, AnnotatorRow>();

  r.post(
    '/api/webhook',
    {
      config: { public: true },
      schema: { tags, body: WebhookBody },
      // the secret is checked before the body, so a stranger learns nothing from validation errors
      preValidation: async (req) => {
        auth.set(req, await annotatorBySecret(ctx, req, 'header'));
      },
    },
    async (req) => {
      const annotator = auth.get(req)!;
      const b = req.body;
      const taskId = b.annotation.task ?? b.task?.id;
      if (!taskId) throw new AppError('invalid', 'annotation.task or task.id is required');
      await ingestAnnotation(ctx, {
        annotatorId: annotator.id,
        action: ACTIONS[b.action],
        annotationId: b.annotation.id,
        taskId,
        projectId: b.project?.id ?? null,
        result: b.annotation.result ?? [],
        leadTimeSeconds: b.annotation.lead_time ?? null,
        wasCancelled: b.annotation.was_cancelled ?? false,
        source: 'webhook',
      });
      return { ok: true };
    },
  );
}
