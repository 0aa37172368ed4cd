import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Ctx } from '../../context.js';
import { actorOf } from '../../plugins/auth.js';
import { IdParams } from '../../wire.js';
import { parseLabelConfig } from '../labelconfig/parse.js';
import { duplicateRoutes } from './duplicate.js';
import { ProjectBody, ProjectListQuery, ValidateBody } from './schemas.js';
import * as projects from './service.js';

/** DRF page-number links, built from the request's own URL. */
function pageLinks(req: FastifyRequest, page: number, pageSize: number, count: number) {
  const url = new URL(req.url, `${req.protocol}://${req.host}`);
  const at = (n: number) => {
    url.searchParams.set('page', String(n));
    return url.toString();
  };
  return { next: page * pageSize < count ? at(page + 1) : null, previous: page > 1 ? at(page - 1) : null };
}

export function projectRoutes(app: FastifyInstance, ctx: Ctx): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['projects'];
  duplicateRoutes(app, ctx);

  r.get('/api/projects', { schema: { tags, querystring: ProjectListQuery } }, async (req) => {
    const { rows, count } = await projects.listProjects(ctx.db, actorOf(req), req.query);
    return { count, ...pageLinks(req, req.query.page, req.query.page_size, count), results: rows.map(projects.serializeProject) };
  });
  r.post('/api/projects', { schema: { tags, body: ProjectBody } }, async (req, reply) =>
    reply.status(201).send(projects.serializeProject(await projects.createProject(ctx.db, actorOf(req), req.body ?? {}))),
  );
  r.post('/api/projects/validate', { config: { public: true }, schema: { tags, body: ValidateBody } }, async (req, reply) => {
    parseLabelConfig(projects.requireConfigText(req.body.label_config));
    return reply.status(204).send();
  });
  r.get('/api/projects/:id', { schema: { tags, params: IdParams } }, async (req) => projects.serializeProject(await projects.getProject(ctx.db, actorOf(req), req.params.id)));
  for (const method of ['patch', 'put'] as const) {
    r[method]('/api/projects/:id', { schema: { tags, params: IdParams, body: ProjectBody } }, async (req) =>
      projects.serializeProject(await projects.updateProject(ctx.db, actorOf(req), req.params.id, req.body ?? {})),
    );
  }
  r.delete('/api/projects/:id', { schema: { tags, params: IdParams } }, async (req, reply) => {
    await projects.deleteProject(ctx.db, actorOf(req), req.params.id);
    return reply.status(204).send();
  });
  r.post('/api/projects/:id/validate', { schema: { tags, params: IdParams, body: ValidateBody } }, async (req) => {
    const project = await projects.getProject(ctx.db, actorOf(req), req.params.id);
    const cfg = parseLabelConfig(projects.requireConfigText(req.body.label_config));
    await projects.checkConfigChange(ctx.db, project, cfg, true);
    return { config_essential_data_has_changed: projects.essentialConfigChanged(project, cfg) };
  });
}
