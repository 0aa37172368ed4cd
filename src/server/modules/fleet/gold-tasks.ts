import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Ctx } from '../../context.js';
import type { Queryable } from '../../db/connection.js';
import { envelope, fleetNotFound, Id, IdParams, invalid, iso, issue, managerOf, nonEmpty, Pagination } from './http.js';
import { checkConfigXml, findLabelingConfig } from './labeling-configs.js';

/** Known-good labels for an image, injected into batches to score annotators. The expected labels never reach an annotator. */
export interface GoldTaskRow {
  id: number;
  organization_id: number;
  name: string | null;
  s3_image_key: string;
  expected_labels: Record<string, unknown>[];
  labeling_config_id: number;
  category: string | null;
  difficulty: 'easy' | 'medium' | 'hard' | null;
  created_at: Date;
}

const serialize = (g: GoldTaskRow) => ({
  id: g.id,
  name: g.name,
  s3ImageKey: g.s3_image_key,
  expectedLabels: g.expected_labels,
  labelingConfigId: g.labeling_config_id,
  category: g.category,
  difficulty: g.difficulty,
  createdAt: iso(g.created_at),
});

const ResultItem = z.looseObject({ from_name: z.string().min(1), type: z.string().min(1), value: z.record(z.string(), z.unknown()) });

const GoldFields = z.object({
  name: z.string().max(255).nullish(),
  s3ImageKey: z.string().min(1).max(1024),
  expectedLabels: z.array(ResultItem).min(1),
  labelingConfigId: Id,
  category: z.string().max(100).nullish(),
  difficulty: z.enum(['easy', 'medium', 'hard']).nullish(),
});

/** The config must exist, and every expected region must name one of its controls. */
async function checkAgainstConfig(db: Queryable, orgId: number, configId: number, expected: { from_name: string }[]): Promise<void> {
  const config = await findLabelingConfig(db, orgId, configId);
  if (!config) throw invalid(`Labeling config ${configId} not found`, [issue('labelingConfigId', `Labeling config ${configId} not found`)]);
  const controls = new Set(checkConfigXml(config.config_xml).controls.map((c) => c.name));
  const unknown = expected.map((e, i) => ({ e, i })).filter(({ e }) => !controls.has(e.from_name));
  if (unknown.length) {
    throw invalid('expectedLabels name controls the labeling config does not have', unknown.map(({ e, i }) => issue(`expectedLabels.${i}.from_name`, `no control named "${e.from_name}"`)));
  }
}

/** Gold tasks for a batch, preferring the ones this annotator has seen least. */
export async function goldCandidates(tx: Queryable, configId: number, annotatorId: number, n: number): Promise<GoldTaskRow[]> {
  return tx.query<GoldTaskRow>(
    `SELECT g.* FROM gold_tasks g
     LEFT JOIN (SELECT t.gold_task_id, count(*) AS n FROM assignment_tasks t JOIN assignments a ON a.id = t.assignment_id
                WHERE a.annotator_id = $2 AND t.gold_task_id IS NOT NULL GROUP BY t.gold_task_id) seen ON seen.gold_task_id = g.id
     WHERE g.labeling_config_id = $1 ORDER BY coalesce(seen.n, 0), random() LIMIT $3`,
    [configId, annotatorId, n],
  );
}

export async function findGoldTask(db: Queryable, id: number): Promise<GoldTaskRow | undefined> {
  return (await db.query<GoldTaskRow>('SELECT * FROM gold_tasks WHERE id = $1', [id]))[0];
}

const GoldQuery = Pagination.extend({ labelingConfigId: Id.optional(), category: z.string().optional() });

export function goldTaskRoutes(app: FastifyInstance, ctx: Ctx): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['fleet: gold tasks'];
  const get = async (orgId: number, id: number) => {
    const g = (await ctx.db.query<GoldTaskRow>('SELECT * FROM gold_tasks WHERE id = $1 AND organization_id = $2', [id, orgId]))[0];
    if (!g) throw fleetNotFound('Gold task');
    return g;
  };

  r.get('/api/gold-tasks', { schema: { tags, querystring: GoldQuery } }, async (req) => {
    const q = req.query;
    const where = 'organization_id = $1 AND ($2::int IS NULL OR labeling_config_id = $2) AND ($3::text IS NULL OR category = $3)';
    const params = [managerOf(req).orgId, q.labelingConfigId ?? null, q.category ?? null];
    const rows = await ctx.db.query<GoldTaskRow>(`SELECT * FROM gold_tasks WHERE ${where} ORDER BY id LIMIT $4 OFFSET $5`, [...params, q.limit, q.offset]);
    const total = (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM gold_tasks WHERE ${where}`, params))[0].n;
    return envelope(rows.map(serialize), total, q);
  });

  r.post('/api/gold-tasks', { schema: { tags, body: GoldFields } }, async (req, reply) => {
    const b = req.body;
    const orgId = managerOf(req).orgId;
    await checkAgainstConfig(ctx.db, orgId, b.labelingConfigId, b.expectedLabels);
    const rows = await ctx.db.query<GoldTaskRow>(
      `INSERT INTO gold_tasks (organization_id, name, s3_image_key, expected_labels, labeling_config_id, category, difficulty)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7) RETURNING *`,
      [orgId, b.name ?? null, b.s3ImageKey, JSON.stringify(b.expectedLabels), b.labelingConfigId, b.category ?? null, b.difficulty ?? null],
    );
    return reply.status(201).send(serialize(rows[0]));
  });

  r.get('/api/gold-tasks/:id', { schema: { tags, params: IdParams } }, async (req) => serialize(await get(managerOf(req).orgId, req.params.id)));

  r.put('/api/gold-tasks/:id', { schema: { tags, params: IdParams, body: nonEmpty(GoldFields.partial()) } }, async (req) => {
    const orgId = managerOf(req).orgId;
    const g = await get(orgId, req.params.id);
    const b = req.body;
    const configId = b.labelingConfigId ?? g.labeling_config_id;
    const expected = b.expectedLabels ?? (g.expected_labels as { from_name: string }[]);
    await checkAgainstConfig(ctx.db, orgId, configId, expected);
    const rows = await ctx.db.query<GoldTaskRow>(
      `UPDATE gold_tasks SET name = $2, s3_image_key = $3, expected_labels = $4::jsonb, labeling_config_id = $5, category = $6, difficulty = $7, updated_at = now()
       WHERE id = $1 RETURNING *`,
      [
        g.id,
        b.name === undefined ? g.name : b.name,
        b.s3ImageKey ?? g.s3_image_key,
        JSON.stringify(expected),
        configId,
        b.category === undefined ? g.category : b.category,
        b.difficulty === undefined ? g.difficulty : b.difficulty,
      ],
    );
    return serialize(rows[0]);
  });

  r.delete('/api/gold-tasks/:id', { schema: { tags, params: IdParams } }, async (req) => {
    const g = await get(managerOf(req).orgId, req.params.id);
    await ctx.db.query('DELETE FROM gold_tasks WHERE id = $1', [g.id]);
    return { success: true };
  });
}
