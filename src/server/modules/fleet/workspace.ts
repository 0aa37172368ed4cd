import type { Ctx } from '../../context.js';
import type { Queryable } from '../../db/connection.js';
import { AppError } from '../../errors.js';
import { legacyKeyOf } from '../auth/service.js';
import type { Actor } from '../users/service.js';
import { getAnnotator, serverAddress, type AnnotatorRow, type AnnotatorStatus } from './annotators.js';
import { autoAssignAnnotator } from './auto-assign.js';
import { runInBackground } from './background.js';
import { settingValue } from './settings.js';

/**
 * An annotator's workspace: natively, the set of their assignments, served by this process. Its lifecycle is
 * the container lifecycle of the LabelFleet text: created → starting → active → stopping → stopped, plus
 * error and deleted. Only an active workspace shows its tasks (see visibility.ts); every change is a container event.
 */
const NEXT: Record<AnnotatorStatus, AnnotatorStatus[]> = {
  created: ['starting', 'deleted'],
  starting: ['active', 'error', 'stopping', 'deleted'],
  active: ['stopping', 'error', 'deleted'],
  stopping: ['stopped', 'error', 'deleted'],
  stopped: ['starting', 'deleted'],
  error: ['starting', 'stopping', 'deleted'],
  deleted: [],
};

const sourcesOf = (to: AnnotatorStatus) => (Object.keys(NEXT) as AnnotatorStatus[]).filter((from) => NEXT[from].includes(to));

/** Moves the workspace to `to` if the current state allows it (atomically); false when it did not. */
export async function transition(db: Queryable, annotatorId: number, to: AnnotatorStatus, message: string): Promise<boolean> {
  const rows = await db.query<{ old: string }>(
    `WITH old AS (SELECT id, status FROM annotators WHERE id = $1 FOR UPDATE)
     UPDATE annotators a SET status = $2, updated_at = now()
     FROM old WHERE a.id = old.id AND old.status = ANY($3::text[]) RETURNING old.status AS old`,
    [annotatorId, to, sourcesOf(to)],
  );
  if (!rows[0]) return false;
  await db.query('INSERT INTO container_events (annotator_id, event_type, from_status, to_status, message) VALUES ($1, $2, $3, $2, $4)', [annotatorId, to, rows[0].old, message]);
  return true;
}

async function baseUrl(ctx: Ctx, orgId: number): Promise<string> {
  const configured = await settingValue<unknown>(ctx.db, orgId, 'fleet.publicUrl', null);
  if (typeof configured === 'string' && configured) return configured.replace(/\/+$/, '');
  const { ip, port } = serverAddress(ctx);
  return `http://${ip}:${port}`;
}

/** Provisions the workspace (workspace id, database name, the annotator's token) and makes it active, then hands out work. */
async function activate(ctx: Ctx, orgId: number, a: Pick<AnnotatorRow, 'id' | 'user_id'>): Promise<void> {
  await legacyKeyOf(ctx, a.user_id);
  const ok = await ctx.db.transaction(async (tx) => {
    await tx.query(
      `UPDATE annotators SET workspace_id = coalesce(workspace_id, 'labelfleet-workspace-' || id), database_name = current_database() WHERE id = $1`,
      [a.id],
    );
    return transition(tx, a.id, 'active', 'workspace ready');
  });
  if (ok) await autoAssignAnnotator(ctx, orgId, a.id);
}

export async function startWorkspace(ctx: Ctx, actor: Actor, id: number): Promise<{ success: true; status: 'starting' }> {
  const a = await getAnnotator(ctx.db, actor.orgId, id);
  if (a.status === 'active' || a.status === 'starting') throw new AppError('invalid', 'Annotator already has an active workspace');
  if (a.status === 'deleted' || a.status === 'stopping') throw new AppError('invalid', `Annotator workspace cannot start while ${a.status}`);
  if (!(await transition(ctx.db, a.id, 'starting', 'start requested'))) throw new AppError('invalid', 'Annotator already has an active workspace');
  runInBackground(
    ctx,
    () => activate(ctx, actor.orgId, a),
    async (err) => {
      await transition(ctx.db, a.id, 'error', `start failed: ${err instanceof Error ? err.message : String(err)}`).catch(() => undefined);
    },
  );
  return { success: true, status: 'starting' };
}

/**
 * A start cut short (the process ended between "starting" and "active") would stay starting forever;
 * reconcile finishes the ones that have been starting for over a minute.
 */
export async function finishStuckStarts(ctx: Ctx, orgId: number): Promise<number> {
  const stuck = await ctx.db.query<{ id: number; user_id: number }>(
    `SELECT a.id, a.user_id FROM annotators a WHERE a.organization_id = $1 AND a.status = 'starting'
       AND (SELECT max(created_at) FROM container_events e WHERE e.annotator_id = a.id AND e.to_status = 'starting') < now() - interval '1 minute'`,
    [orgId],
  );
  for (const a of stuck) await activate(ctx, orgId, a);
  return stuck.length;
}

/** Suspends the workspace: the annotator's token and session stop showing tasks; nothing is lost. */
export async function stopWorkspace(ctx: Ctx, actor: Actor, id: number): Promise<{ success: true }> {
  const a = await getAnnotator(ctx.db, actor.orgId, id);
  if (!['active', 'starting', 'error'].includes(a.status)) throw new AppError('invalid', `Annotator workspace is not running (status ${a.status})`);
  await ctx.db.transaction(async (tx) => {
    if (!(await transition(tx, a.id, 'stopping', 'stop requested'))) throw new AppError('invalid', 'Annotator workspace is not running');
    await transition(tx, a.id, 'stopped', 'workspace stopped');
  });
  return { success: true };
}

export async function workspaceStatus(ctx: Ctx, actor: Actor, id: number) {
  const a = await getAnnotator(ctx.db, actor.orgId, id);
  const base = await baseUrl(ctx, actor.orgId);
  const open = await ctx.db.query<{ ls_project_id: number | null }>(
    `SELECT ls_project_id FROM assignments WHERE annotator_id = $1 AND status IN ('pending', 'in_progress') AND ls_project_id IS NOT NULL ORDER BY id LIMIT 1`,
    [a.id],
  );
  const { ip, port } = serverAddress(ctx);
  const running = a.workspace_id !== null && a.status !== 'deleted';
  return {
    status: a.status,
    containerId: a.workspace_id,
    containerIp: running ? ip : null,
    containerPort: running ? port : null,
    subdomain: a.subdomain,
    // where the annotator labels: their current batch's project, or the project list
    url: running ? (open[0] ? `${base}/projects/${open[0].ls_project_id}` : `${base}/projects`) : null,
  };
}
