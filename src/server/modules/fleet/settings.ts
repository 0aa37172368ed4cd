import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Ctx } from '../../context.js';
import type { Queryable } from '../../db/connection.js';
import { envelope, fleetNotFound, iso, managerOf, Pagination } from './http.js';

/**
 * A JSON key-value store per organization. Keys LabelFleet reads:
 * - `storage.type`: where workflows read items and write exports and archives: "local" (default) or "s3"
 * - `s3.bucket`: the bucket (default "labelfleet"); with local storage, a folder under `<data dir>/storage/`
 * - `s3.endpoint` (an S3-compatible server, addressed path-style), `s3.region`, `s3.accessKeyId`, `s3.secretAccessKey`:
 *   the S3 connection; without keys the AWS SDK's own chain (environment, profile, instance role) applies
 * - `fleet.sourceRescanSeconds`: how old a source listing may get before an assignment queues a re-listing job (default 60; 0: only on sync)
 * - `quality.accuracyThreshold`: gold accuracy below which an annotator is flagged (default 0.7)
 * - `fleet.publicUrl`: the address annotators open to label (default http://<host>:<port>)
 */
export interface SettingRow {
  id: number;
  key: string;
  value: unknown;
  description: string | null;
  updated_at: Date;
}

/** Secrets are write-only: replies show a mask, and PUTting the mask back keeps the stored value. */
const SECRET_KEYS = new Set(['s3.secretAccessKey']);
export const SECRET_MASK = '********';
const shown = (s: SettingRow) => (SECRET_KEYS.has(s.key) && s.value !== null ? SECRET_MASK : s.value);

const serialize = (s: SettingRow) => ({ id: s.id, key: s.key, value: shown(s), description: s.description, updatedAt: iso(s.updated_at) });

export async function settingValue<T>(db: Queryable, orgId: number, key: string, fallback: T): Promise<T> {
  const rows = await db.query<{ value: T }>('SELECT value FROM fleet_settings WHERE organization_id = $1 AND key = $2', [orgId, key]);
  return rows[0] && rows[0].value !== null ? rows[0].value : fallback;
}

const KeyParams = z.object({ key: z.string().min(1).max(255) });
const SettingBody = z.object({
  value: z.json().refine((v) => v !== undefined, { message: 'value is required' }),
  description: z.string().max(500).nullish(),
});

export function settingRoutes(app: FastifyInstance, ctx: Ctx): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['fleet: settings'];

  r.get('/api/settings', { schema: { tags, querystring: Pagination } }, async (req) => {
    const orgId = managerOf(req).orgId;
    const rows = await ctx.db.query<SettingRow>('SELECT * FROM fleet_settings WHERE organization_id = $1 ORDER BY key LIMIT $2 OFFSET $3', [orgId, req.query.limit, req.query.offset]);
    const total = (await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM fleet_settings WHERE organization_id = $1', [orgId]))[0].n;
    return envelope(rows.map(serialize), total, req.query);
  });

  r.get('/api/settings/:key', { schema: { tags, params: KeyParams } }, async (req) => {
    const rows = await ctx.db.query<SettingRow>('SELECT * FROM fleet_settings WHERE organization_id = $1 AND key = $2', [managerOf(req).orgId, req.params.key]);
    if (!rows[0]) throw fleetNotFound('Setting');
    return serialize(rows[0]);
  });

  r.put('/api/settings/:key', { schema: { tags, params: KeyParams, body: SettingBody } }, async (req) => {
    const rows = await ctx.db.query<SettingRow>(
      `INSERT INTO fleet_settings (organization_id, key, value, description) VALUES ($1, $2, $3::jsonb, $4)
       ON CONFLICT (organization_id, key) DO UPDATE SET value = CASE WHEN $6 THEN fleet_settings.value ELSE EXCLUDED.value END,
         description = CASE WHEN $5 THEN EXCLUDED.description ELSE fleet_settings.description END, updated_at = now()
       RETURNING *`,
      [managerOf(req).orgId, req.params.key, JSON.stringify(req.body.value), req.body.description ?? null, req.body.description !== undefined, SECRET_KEYS.has(req.params.key) && req.body.value === SECRET_MASK],
    );
    return serialize(rows[0]);
  });
}
