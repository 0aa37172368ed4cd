import { randomBytes } from 'node:crypto';
import type { Ctx } from '../../context.js';
import type { Db, Queryable } from '../../db/connection.js';
import { legacyKeyOf } from '../auth/service.js';
import { createUser, deleteUser, findUserByEmail, updateUser, type Actor } from '../users/service.js';
import { conflict, fleetNotFound, iso } from './http.js';
import { checkRoleId, roleSummary } from './roles.js';

export type AnnotatorStatus = 'created' | 'starting' | 'active' | 'stopping' | 'stopped' | 'error' | 'deleted';

export interface AnnotatorRow {
  id: number;
  organization_id: number;
  user_id: number;
  name: string;
  email: string;
  role_id: number | null;
  status: AnnotatorStatus;
  workspace_id: string | null;
  subdomain: string;
  database_name: string | null;
  webhook_secret: string;
  reported_token: string | null;
  notes: string | null;
  last_active_at: Date | null;
  rejection_count: number;
  reviewed_count: number;
  created_at: Date;
  updated_at: Date;
  role_name: string | null;
  role_color: string | null;
}

export const ANNOTATOR_SELECT = `SELECT a.*, r.name AS role_name, r.color AS role_color FROM annotators a LEFT JOIN fleet_roles r ON r.id = a.role_id`;

export async function findAnnotator(db: Queryable, orgId: number, id: number): Promise<AnnotatorRow | undefined> {
  return (await db.query<AnnotatorRow>(`${ANNOTATOR_SELECT} WHERE a.id = $1 AND a.organization_id = $2`, [id, orgId]))[0];
}

export async function getAnnotator(db: Queryable, orgId: number, id: number): Promise<AnnotatorRow> {
  const a = await findAnnotator(db, orgId, id);
  if (!a) throw fleetNotFound('Annotator');
  return a;
}

export async function findAnnotatorOfUser(db: Queryable, userId: number): Promise<AnnotatorRow | undefined> {
  return (await db.query<AnnotatorRow>(`${ANNOTATOR_SELECT} WHERE a.user_id = $1`, [userId]))[0];
}

/** The server's own address stands in for the container's: every workspace is served by this process. */
export function serverAddress(ctx: Ctx) {
  return { ip: ctx.config.host, port: ctx.config.port };
}

/**
 * The annotator as the LabelFleet API shows it. The container fields keep their names and carry their
 * native meaning: containerId is the workspace id, containerIp/containerPort the LabelFleet server that
 * serves it, databaseName the database holding its data, apiToken the annotator's own LabelFleet API token
 * (`Authorization: Token <apiToken>` on the Label Studio API), lsUserId their LabelFleet user id.
 */
export async function serializeAnnotator(ctx: Ctx, a: AnnotatorRow) {
  const hasWorkspace = a.workspace_id !== null;
  const address = serverAddress(ctx);
  return {
    id: a.id,
    name: a.name,
    email: a.email,
    roleId: a.role_id,
    status: a.status,
    containerId: a.workspace_id,
    containerIp: hasWorkspace ? address.ip : null,
    containerPort: hasWorkspace ? address.port : null,
    subdomain: a.subdomain,
    databaseName: a.database_name,
    apiToken: a.status === 'deleted' ? null : await legacyKeyOf(ctx, a.user_id),
    lsUserId: a.user_id,
    notes: a.notes,
    lastActiveAt: iso(a.last_active_at),
    rejectionCount: a.rejection_count,
    reviewedCount: a.reviewed_count,
    createdAt: iso(a.created_at),
    updatedAt: iso(a.updated_at),
    role: roleSummary(a.role_id, a.role_name, a.role_color),
  };
}

export interface AnnotatorInput {
  name: string;
  email: string;
  roleId?: number | null;
  notes?: string | null;
}

const slug = (name: string) =>
  name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40) || 'annotator';

async function freeSubdomain(db: Queryable, orgId: number, name: string): Promise<string> {
  const base = slug(name);
  const taken = new Set((await db.query<{ subdomain: string }>('SELECT subdomain FROM annotators WHERE organization_id = $1 AND subdomain LIKE $2', [orgId, `${base}%`])).map((r) => r.subdomain));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

async function ensureEmailFree(db: Queryable, email: string, exceptUserId = 0): Promise<void> {
  const user = await findUserByEmail(db, email);
  if (user && user.id !== exceptUserId) throw conflict(`Email ${email} already exists`);
}

/** Creates the LabelFleet user (role annotator, no password: they use their token) and the fleet row. Call inside a transaction. */
export async function insertAnnotator(tx: Queryable, actor: Actor, input: AnnotatorInput): Promise<AnnotatorRow> {
  await checkRoleId(tx, actor.orgId, input.roleId);
  await ensureEmailFree(tx, input.email);
  const user = await createUser(tx, { email: input.email, firstName: input.name, role: 'annotator', orgId: actor.orgId });
  const rows = await tx.query<{ id: number }>(
    `INSERT INTO annotators (organization_id, user_id, name, email, role_id, subdomain, webhook_secret, notes)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [actor.orgId, user.id, input.name, input.email, input.roleId ?? null, await freeSubdomain(tx, actor.orgId, input.name), randomBytes(24).toString('hex'), input.notes ?? null],
  );
  await tx.query(`INSERT INTO container_events (annotator_id, event_type, to_status, message) VALUES ($1, 'created', 'created', 'annotator created')`, [rows[0].id]);
  return (await findAnnotator(tx, actor.orgId, rows[0].id))!;
}

export async function createAnnotators(db: Db, actor: Actor, inputs: AnnotatorInput[]): Promise<AnnotatorRow[]> {
  const seen = new Set<string>();
  for (const i of inputs) {
    const key = i.email.toLowerCase();
    if (seen.has(key)) throw conflict(`Duplicate email address in batch: ${i.email}`);
    seen.add(key);
  }
  return db.transaction(async (tx) => {
    const out: AnnotatorRow[] = [];
    for (const input of inputs) out.push(await insertAnnotator(tx, actor, input));
    return out;
  });
}

export async function updateAnnotator(db: Db, actor: Actor, id: number, patch: Partial<AnnotatorInput>): Promise<AnnotatorRow> {
  const a = await getAnnotator(db, actor.orgId, id);
  await checkRoleId(db, actor.orgId, patch.roleId);
  if (patch.email !== undefined && patch.email.toLowerCase() !== a.email.toLowerCase()) await ensureEmailFree(db, patch.email, a.user_id);
  await db.transaction(async (tx) => {
    if (patch.email !== undefined) await updateUser(tx, a.user_id, { email: patch.email, username: patch.email });
    if (patch.name !== undefined) await updateUser(tx, a.user_id, { first_name: patch.name });
    await tx.query(
      `UPDATE annotators SET name = $2, email = $3, role_id = $4, notes = $5, updated_at = now() WHERE id = $1`,
      [a.id, patch.name ?? a.name, patch.email ?? a.email, patch.roleId === undefined ? a.role_id : patch.roleId, patch.notes === undefined ? a.notes : patch.notes],
    );
  });
  return getAnnotator(db, actor.orgId, id);
}

/** Removes the annotator and their LabelFleet user; their annotations stay, without an author. */
export async function deleteAnnotator(db: Db, actor: Actor, id: number): Promise<void> {
  const a = await getAnnotator(db, actor.orgId, id);
  await db.transaction(async (tx) => {
    await tx.query(`UPDATE assignments SET status = 'cancelled', updated_at = now() WHERE annotator_id = $1 AND status IN ('pending', 'in_progress')`, [a.id]);
    await tx.query('DELETE FROM annotators WHERE id = $1', [a.id]);
    await deleteUser(tx, a.user_id);
  });
}

/** Marks annotators deleted (their workspace closes, open assignments are cancelled); returns how many changed. */
export async function markAnnotatorsDeleted(db: Db, actor: Actor, ids: number[]): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ id: number; status: string }>(
      `UPDATE annotators a SET status = 'deleted', updated_at = now()
       FROM (SELECT id, status AS old FROM annotators WHERE id = ANY($1::int[]) AND organization_id = $2 AND status <> 'deleted' FOR UPDATE) o
       WHERE a.id = o.id RETURNING a.id, o.old AS status`,
      [ids, actor.orgId],
    );
    const changed = rows.map((r) => r.id);
    if (changed.length) {
      await tx.query(
        `INSERT INTO container_events (annotator_id, event_type, from_status, to_status, message)
         SELECT x.id, 'deleted', x.old, 'deleted', 'annotator deleted' FROM unnest($1::int[], $2::text[]) AS x(id, old)`,
        [changed, rows.map((r) => r.status)],
      );
      await tx.query(`UPDATE assignments SET status = 'cancelled', updated_at = now() WHERE annotator_id = ANY($1::int[]) AND status IN ('pending', 'in_progress')`, [changed]);
    }
    return changed.length;
  });
}
