import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Ctx } from '../../context.js';
import type { Queryable } from '../../db/connection.js';
import { conflict, envelope, fleetNotFound, IdParams, invalid, iso, issue, managerOf, nonEmpty, Pagination } from './http.js';

/** A fleet role (labeler, reviewer, ...) decides which annotators receive which workflows. Not the user's permission role. */
export interface RoleRow {
  id: number;
  organization_id: number;
  name: string;
  description: string | null;
  color: string | null;
  created_at: Date;
}

export const serializeRole = (r: RoleRow) => ({ id: r.id, name: r.name, description: r.description, color: r.color, createdAt: iso(r.created_at) });

export const roleSummary = (id: number | null, name: string | null, color: string | null) => (id === null ? null : { id, name, color });

const RoleFields = z.object({
  name: z.string().trim().min(1).max(100),
  description: z.string().max(500).nullish(),
  color: z
    .string()
    .regex(/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, 'color must be a hex color such as #3B82F6')
    .nullish(),
});

export async function findRole(db: Queryable, orgId: number, id: number): Promise<RoleRow | undefined> {
  return (await db.query<RoleRow>('SELECT * FROM fleet_roles WHERE id = $1 AND organization_id = $2', [id, orgId]))[0];
}

/** A roleId in a request must name a role of the caller's organization. */
export async function checkRoleId(db: Queryable, orgId: number, id: number | null | undefined, field = 'roleId'): Promise<void> {
  if (id === null || id === undefined) return;
  if (!(await findRole(db, orgId, id))) throw invalid(`Role ${id} not found`, [issue(field, `Role ${id} not found`)]);
}

async function ensureNameFree(db: Queryable, orgId: number, name: string, exceptId = 0): Promise<void> {
  const taken = await db.query('SELECT 1 FROM fleet_roles WHERE organization_id = $1 AND lower(name) = lower($2) AND id <> $3', [orgId, name, exceptId]);
  if (taken.length) throw conflict(`A role named "${name}" already exists`);
}

export function roleRoutes(app: FastifyInstance, ctx: Ctx): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['fleet: roles'];
  const get = async (orgId: number, id: number) => {
    const role = await findRole(ctx.db, orgId, id);
    if (!role) throw fleetNotFound('Role');
    return role;
  };

  r.get('/api/roles', { schema: { tags, querystring: Pagination } }, async (req) => {
    const orgId = managerOf(req).orgId;
    const rows = await ctx.db.query<RoleRow>('SELECT * FROM fleet_roles WHERE organization_id = $1 ORDER BY id LIMIT $2 OFFSET $3', [orgId, req.query.limit, req.query.offset]);
    const total = (await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM fleet_roles WHERE organization_id = $1', [orgId]))[0].n;
    return envelope(rows.map(serializeRole), total, req.query);
  });

  r.post('/api/roles', { schema: { tags, body: RoleFields } }, async (req, reply) => {
    const orgId = managerOf(req).orgId;
    await ensureNameFree(ctx.db, orgId, req.body.name);
    const rows = await ctx.db.query<RoleRow>('INSERT INTO fleet_roles (organization_id, name, description, color) VALUES ($1, $2, $3, $4) RETURNING *', [
      orgId,
      req.body.name,
      req.body.description ?? null,
      req.body.color ?? null,
    ]);
    return reply.status(201).send(serializeRole(rows[0]));
  });

  r.get('/api/roles/:id', { schema: { tags, params: IdParams } }, async (req) => serializeRole(await get(managerOf(req).orgId, req.params.id)));

  r.put('/api/roles/:id', { schema: { tags, params: IdParams, body: nonEmpty(RoleFields.partial()) } }, async (req) => {
    const orgId = managerOf(req).orgId;
    const role = await get(orgId, req.params.id);
    if (req.body.name !== undefined) await ensureNameFree(ctx.db, orgId, req.body.name, role.id);
    const b = req.body;
    const rows = await ctx.db.query<RoleRow>('UPDATE fleet_roles SET name = $2, description = $3, color = $4, updated_at = now() WHERE id = $1 RETURNING *', [
      role.id,
      b.name ?? role.name,
      b.description === undefined ? role.description : b.description,
      b.color === undefined ? role.color : b.color,
    ]);
    return serializeRole(rows[0]);
  });

  // annotators and workflows that named the role keep working without one (ON DELETE SET NULL)
  r.delete('/api/roles/:id', { schema: { tags, params: IdParams } }, async (req) => {
    const role = await get(managerOf(req).orgId, req.params.id);
    await ctx.db.query('DELETE FROM fleet_roles WHERE id = $1', [role.id]);
    return { success: true };
  });
}
