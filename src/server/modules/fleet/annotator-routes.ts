import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Ctx } from '../../context.js';
import {
  ANNOTATOR_SELECT,
  createAnnotators,
  deleteAnnotator,
  getAnnotator,
  markAnnotatorsDeleted,
  serializeAnnotator,
  updateAnnotator,
  type AnnotatorRow,
} from './annotators.js';
import { assignmentsOfAnnotator } from './assignments.js';
import { envelope, Id, IdParams, managerOf, Pagination } from './http.js';
import { annotatorBySecret } from './webhook.js';
import { startWorkspace, stopWorkspace, workspaceStatus } from './workspace.js';

const AnnotatorFields = z.object({
  name: z.string().trim().min(1).max(255),
  email: z.email().max(255),
  roleId: Id.nullish(),
  notes: z.string().max(2000).nullish(),
});

const AnnotatorUpdate = AnnotatorFields.partial().refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'At least one field is required' });

const BulkCreate = z.object({ annotators: z.array(AnnotatorFields).min(1).max(100) });
const BulkDelete = z.object({ ids: z.array(Id).min(1).max(100) });

/** The OpenAPI description of the fields the LabelFleet text fills from Docker; README.md says the same. */
const NATIVE_FIELDS =
  'No containers: an annotator\'s workspace is the set of their assignments, served by this LabelFleet server. ' +
  'The container fields keep their names and carry their native meaning: containerId is the workspace id (labelfleet-workspace-<id>, null until the first start); ' +
  'containerIp and containerPort are the host and port of the LabelFleet server that serves it (null until the first start); ' +
  'subdomain is a slug of the name, unique in the organization, for a proxy that routes by host name; ' +
  'databaseName is the database holding the workspace data (null until the first start); ' +
  'apiToken is the annotator\'s own LabelFleet API token (Authorization: Token <apiToken> on the Label Studio-compatible API; null once deleted); ' +
  'lsUserId is their LabelFleet user id (completed_by of their annotations).';

const LIFECYCLE =
  'Workspace lifecycle: created → starting → active → stopping → stopped, plus error and deleted; each change is a container event (GET /api/events?type=container). ' +
  'Only an active workspace shows its tasks to the annotator\'s token and session.';

export function annotatorRoutes(app: FastifyInstance, ctx: Ctx): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['fleet: annotators'];

  r.get('/api/annotators', { schema: { tags, description: NATIVE_FIELDS, querystring: Pagination } }, async (req) => {
    const orgId = managerOf(req).orgId;
    const rows = await ctx.db.query<AnnotatorRow>(`${ANNOTATOR_SELECT} WHERE a.organization_id = $1 ORDER BY a.id LIMIT $2 OFFSET $3`, [orgId, req.query.limit, req.query.offset]);
    const total = (await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM annotators WHERE organization_id = $1', [orgId]))[0].n;
    return envelope(await Promise.all(rows.map((a) => serializeAnnotator(ctx, a))), total, req.query);
  });

  r.post('/api/annotators', { schema: { tags, description: NATIVE_FIELDS, body: AnnotatorFields } }, async (req, reply) => {
    const [a] = await createAnnotators(ctx.db, managerOf(req), [req.body]);
    return reply.status(201).send(await serializeAnnotator(ctx, a));
  });

  r.post('/api/annotators/bulk', { schema: { tags, body: BulkCreate } }, async (req, reply) => {
    const created = await createAnnotators(ctx.db, managerOf(req), req.body.annotators);
    return reply.status(201).send({ created: created.length, annotators: await Promise.all(created.map((a) => serializeAnnotator(ctx, a))) });
  });

  r.delete('/api/annotators/bulk', { schema: { tags, body: BulkDelete } }, async (req) => ({ deleted: await markAnnotatorsDeleted(ctx.db, managerOf(req), req.body.ids) }));

  // the webhook secret shows here only: the admin hands it to whatever reports tokens or annotation events
  r.get('/api/annotators/:id', { schema: { tags, description: `${NATIVE_FIELDS} Also shows webhookSecret (for X-Webhook-Secret) and the annotator's assignments.`, params: IdParams } }, async (req) => {
    const a = await getAnnotator(ctx.db, managerOf(req).orgId, req.params.id);
    return { ...(await serializeAnnotator(ctx, a)), webhookSecret: a.webhook_secret, assignments: await assignmentsOfAnnotator(ctx.db, a.id) };
  });

  r.put('/api/annotators/:id', { schema: { tags, params: IdParams, body: AnnotatorUpdate } }, async (req) =>
    serializeAnnotator(ctx, await updateAnnotator(ctx.db, managerOf(req), req.params.id, req.body)),
  );

  r.delete('/api/annotators/:id', { schema: { tags, params: IdParams } }, async (req) => {
    await deleteAnnotator(ctx.db, managerOf(req), req.params.id);
    return { success: true };
  });

  r.post('/api/annotators/:id/start', { schema: { tags, description: `Provisions the workspace (starting, then active in the background) and auto-assigns the first batch. ${LIFECYCLE}`, params: IdParams } }, async (req) => startWorkspace(ctx, managerOf(req), req.params.id));
  r.post('/api/annotators/:id/stop', { schema: { tags, description: `Suspends the workspace (stopping, then stopped): nothing is lost. ${LIFECYCLE}`, params: IdParams } }, async (req) => stopWorkspace(ctx, managerOf(req), req.params.id));
  r.get('/api/annotators/:id/status', { schema: { tags, description: `${LIFECYCLE} url is where the annotator labels: their open batch's project, else the project list. ${NATIVE_FIELDS}`, params: IdParams } }, async (req) => workspaceStatus(ctx, managerOf(req), req.params.id));
}

/**
 * POST /api/annotators/:id/token: an external Label Studio instance reports the API token it made for the
 * annotator (X-Webhook-Secret). Natively the annotator's token is their LabelFleet token; the reported one is
 * kept for a backend that drives an external instance.
 */
export function annotatorTokenRoute(app: FastifyInstance, ctx: Ctx): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const proven = new WeakMap<FastifyRequest, AnnotatorRow>();
  r.post(
    '/api/annotators/:id/token',
    {
      config: { public: true },
      schema: { tags: ['fleet: annotators'], params: IdParams, body: z.object({ token: z.string().min(1).max(500) }) },
      preValidation: async (req) => {
        proven.set(req, await annotatorBySecret(ctx, req, 'param'));
      },
    },
    async (req) => {
      await ctx.db.query('UPDATE annotators SET reported_token = $2, updated_at = now() WHERE id = $1', [proven.get(req)!.id, req.body.token]);
      return { success: true };
    },
  );
}
