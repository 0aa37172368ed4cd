import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Ctx } from '../../context.js';
import { actorOf } from '../../plugins/auth.js';
import { IdParams } from '../../wire.js';
import { listenForWebhookEvents } from './listeners.js';
import { DeliveryListQuery, WebhookCreateBody, WebhookInfoQuery, WebhookListQuery, WebhookUpdateBody } from './schemas.js';
import * as webhooks from './service.js';

export function webhookRoutes(app: FastifyInstance, ctx: Ctx): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['webhooks'];

  const stopListening = listenForWebhookEvents(ctx, app.log);
  app.addHook('onClose', async () => stopListening());

  r.get('/api/webhooks', { schema: { tags, querystring: WebhookListQuery } }, async (req) =>
    (await webhooks.listWebhooks(ctx.db, actorOf(req), req.query.project)).map((h) => webhooks.serializeWebhook(h)),
  );
  r.post('/api/webhooks', { schema: { tags, body: WebhookCreateBody } }, async (req, reply) =>
    reply.status(201).send(webhooks.serializeWebhook(await webhooks.createWebhook(ctx.db, actorOf(req), req.body), { withSecret: true })),
  );
  r.get('/api/webhooks/info', { schema: { tags, querystring: WebhookInfoQuery } }, async (req) => {
    actorOf(req);
    return webhooks.webhookInfo(req.query['organization-only']);
  });
  r.get('/api/webhooks/:id', { schema: { tags, params: IdParams } }, async (req) => webhooks.serializeWebhook(await webhooks.getWebhook(ctx.db, actorOf(req), req.params.id)));
  for (const method of ['patch', 'put'] as const) {
    r[method]('/api/webhooks/:id', { schema: { tags, params: IdParams, body: WebhookUpdateBody } }, async (req) => {
      const hook = await webhooks.updateWebhook(ctx.db, actorOf(req), req.params.id, req.body ?? {});
      return webhooks.serializeWebhook(hook, { withSecret: req.body?.secret !== undefined });
    });
  }
  r.delete('/api/webhooks/:id', { schema: { tags, params: IdParams } }, async (req, reply) => {
    await webhooks.deleteWebhook(ctx.db, actorOf(req), req.params.id);
    return reply.status(204).send();
  });
  r.get('/api/webhooks/:id/deliveries', { schema: { tags, params: IdParams, querystring: DeliveryListQuery } }, async (req) =>
    (await webhooks.listDeliveries(ctx.db, actorOf(req), req.params.id, req.query.limit)).map(webhooks.serializeDelivery),
  );
}
