import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Ctx } from '../../context.js';
import type { Queryable } from '../../db/connection.js';
import { AppError } from '../../errors.js';
import { parseLabelConfig, type LabelConfig } from '../labelconfig/parse.js';
import { conflict, envelope, fleetNotFound, IdParams, invalid, iso, issue, managerOf, nonEmpty, Pagination } from './http.js';

export interface LabelingConfigRow {
  id: number;
  organization_id: number;
  name: string;
  description: string | null;
  config_xml: string;
  created_at: Date;
}

const serialize = (c: LabelingConfigRow) => ({ id: c.id, name: c.name, description: c.description, configXml: c.config_xml, createdAt: iso(c.created_at) });

/** Well-formed XML, a <View> root, at least one object tag (Image, Text, Audio, ...): else a 400 on configXml. */
export function checkConfigXml(xml: string): LabelConfig {
  let cfg: LabelConfig;
  try {
    cfg = parseLabelConfig(xml);
  } catch (err) {
    const message = err instanceof AppError ? (err.validationErrors?.label_config?.[0] ?? err.message) : String(err);
    throw invalid(`Invalid labeling config: ${message}`, [issue('configXml', message)]);
  }
  if (cfg.objects.length === 0) {
    const message = 'The config has no object tag (Image, Text, Audio, Video, ...) to show task data';
    throw invalid(`Invalid labeling config: ${message}`, [issue('configXml', message)]);
  }
  return cfg;
}

export async function findLabelingConfig(db: Queryable, orgId: number, id: number): Promise<LabelingConfigRow | undefined> {
  return (await db.query<LabelingConfigRow>('SELECT * FROM labeling_configs WHERE id = $1 AND organization_id = $2', [id, orgId]))[0];
}

export async function checkLabelingConfigId(db: Queryable, orgId: number, id: number | null | undefined, field = 'labelingConfigId'): Promise<void> {
  if (id === null || id === undefined) return;
  if (!(await findLabelingConfig(db, orgId, id))) throw invalid(`Labeling config ${id} not found`, [issue(field, `Labeling config ${id} not found`)]);
}

async function usage(db: Queryable, id: number) {
  return (
    await db.query<{ workflows: number; gold: number }>(
      `SELECT (SELECT count(*) FROM workflows WHERE labeling_config_id = $1)::int AS workflows,
              (SELECT count(*) FROM gold_tasks WHERE labeling_config_id = $1)::int AS gold`,
      [id],
    )
  )[0];
}

const ConfigFields = z.object({
  name: z.string().trim().min(1).max(100),
  description: z.string().max(500).nullish(),
  configXml: z.string().min(1).max(50_000),
});

export function labelingConfigRoutes(app: FastifyInstance, ctx: Ctx): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['fleet: labeling configs'];
  const get = async (orgId: number, id: number) => {
    const c = await findLabelingConfig(ctx.db, orgId, id);
    if (!c) throw fleetNotFound('Labeling config');
    return c;
  };
  const detail = async (c: LabelingConfigRow) => {
    const u = await usage(ctx.db, c.id);
    return { ...serialize(c), workflowCount: u.workflows, goldTaskCount: u.gold, isLocked: u.gold > 0 };
  };

  r.get('/api/labeling-configs', { schema: { tags, querystring: Pagination } }, async (req) => {
    const orgId = managerOf(req).orgId;
    const rows = await ctx.db.query<LabelingConfigRow>('SELECT * FROM labeling_configs WHERE organization_id = $1 ORDER BY id LIMIT $2 OFFSET $3', [orgId, req.query.limit, req.query.offset]);
    const total = (await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM labeling_configs WHERE organization_id = $1', [orgId]))[0].n;
    return envelope(rows.map(serialize), total, req.query);
  });

  r.post('/api/labeling-configs', { schema: { tags, body: ConfigFields } }, async (req, reply) => {
    checkConfigXml(req.body.configXml);
    const rows = await ctx.db.query<LabelingConfigRow>('INSERT INTO labeling_configs (organization_id, name, description, config_xml) VALUES ($1, $2, $3, $4) RETURNING *', [
      managerOf(req).orgId,
      req.body.name,
      req.body.description ?? null,
      req.body.configXml,
    ]);
    return reply.status(201).send(serialize(rows[0]));
  });

  r.get('/api/labeling-configs/:id', { schema: { tags, params: IdParams } }, async (req) => detail(await get(managerOf(req).orgId, req.params.id)));

  r.put('/api/labeling-configs/:id', { schema: { tags, params: IdParams, body: nonEmpty(ConfigFields.partial()) } }, async (req) => {
    const c = await get(managerOf(req).orgId, req.params.id);
    const b = req.body;
    if (b.configXml !== undefined && b.configXml !== c.config_xml) {
      checkConfigXml(b.configXml);
      // gold tasks were labeled against this XML; changing it would make their scores meaningless
      if ((await usage(ctx.db, c.id)).gold > 0) throw conflict('Cannot update configXml: gold tasks reference this config');
    }
    const rows = await ctx.db.query<LabelingConfigRow>('UPDATE labeling_configs SET name = $2, description = $3, config_xml = $4, updated_at = now() WHERE id = $1 RETURNING *', [
      c.id,
      b.name ?? c.name,
      b.description === undefined ? c.description : b.description,
      b.configXml ?? c.config_xml,
    ]);
    return detail(rows[0]);
  });

  r.delete('/api/labeling-configs/:id', { schema: { tags, params: IdParams } }, async (req) => {
    const c = await get(managerOf(req).orgId, req.params.id);
    const u = await usage(ctx.db, c.id);
    if (u.workflows > 0 || u.gold > 0) throw conflict(`Cannot delete: the config is referenced by ${u.workflows} workflow(s) and ${u.gold} gold task(s)`);
    await ctx.db.query('DELETE FROM labeling_configs WHERE id = $1', [c.id]);
    return { success: true };
  });
}
