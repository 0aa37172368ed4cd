import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Ctx } from '../../context.js';
import { annotationsOfTasks } from '../annotations/service.js';
import { ingestAnnotation } from './annotation-ingest.js';
import { completeAssignmentIfDone } from './completion.js';
import { conflict, managerOf } from './http.js';
import { refreshItemCounters } from './workflow-items.js';
import { finishStuckStarts } from './workspace.js';

const RECONCILE_LOCK = 727_004;

interface OpenAssignment {
  id: number;
  annotator_id: number;
  user_id: number;
  workflow_id: number;
}

/**
 * Recomputes the progress of every open assignment from the annotations actually stored: a submitted
 * annotation by the assignment's annotator that no event recorded is ingested now (scoring, review and
 * completion included); counters are recomputed; complete batches are completed (export, chaining,
 * auto-assignment). Workspaces stuck in "starting" are finished first.
 */
async function reconcileOrg(ctx: Ctx, orgId: number) {
  await finishStuckStarts(ctx, orgId);
  const open = await ctx.db.query<OpenAssignment>(
    `SELECT s.id, s.annotator_id, a.user_id, s.workflow_id FROM assignments s JOIN annotators a ON a.id = s.annotator_id JOIN workflows w ON w.id = s.workflow_id
     WHERE w.organization_id = $1 AND s.status IN ('pending', 'in_progress') ORDER BY s.id`,
    [orgId],
  );
  const errors: { assignmentId: number; error: string }[] = [];
  let completed = 0;
  for (const s of open) {
    try {
      const missing = await ctx.db.query<{ ls_task_id: number }>('SELECT ls_task_id FROM assignment_tasks WHERE assignment_id = $1 AND completed_at IS NULL', [s.id]);
      const stored = missing.length ? await annotationsOfTasks(ctx.db, missing.map((m) => m.ls_task_id)) : [];
      for (const an of stored.filter((x) => x.completed_by === s.user_id)) {
        await ingestAnnotation(
          ctx,
          {
            annotatorId: s.annotator_id,
            action: 'created',
            annotationId: an.id,
            taskId: an.task_id,
            projectId: an.project_id,
            result: Array.isArray(an.result) ? an.result : [],
            leadTimeSeconds: an.lead_time,
            wasCancelled: an.was_cancelled,
            source: 'reconcile',
          },
          true,
        );
      }
      await ctx.db.query(
        `UPDATE assignments SET completed_count = (SELECT count(*) FROM assignment_tasks t WHERE t.assignment_id = $1 AND t.completed_at IS NOT NULL),
           status = CASE WHEN status = 'pending' AND EXISTS (SELECT 1 FROM assignment_tasks t WHERE t.assignment_id = $1 AND t.completed_at IS NOT NULL) THEN 'in_progress' ELSE status END
         WHERE id = $1`,
        [s.id],
      );
      await completeAssignmentIfDone(ctx, s.id);
      // ingesting the last missing annotation may already have completed it
      const [now] = await ctx.db.query<{ status: string }>('SELECT status FROM assignments WHERE id = $1', [s.id]);
      if (now?.status === 'completed') completed++;
    } catch (err) {
      errors.push({ assignmentId: s.id, error: err instanceof Error ? err.message : String(err) });
    }
  }
  for (const w of await ctx.db.query<{ id: number }>('SELECT id FROM workflows WHERE organization_id = $1', [orgId])) await refreshItemCounters(ctx.db, w.id);
  return { reconciled: open.length, completed, errors };
}

const runningHere = new WeakMap<Ctx['db'], Set<number>>();

/**
 * One run at a time per organization; a second caller gets 409 instead of waiting. On PostgreSQL the
 * guard is an advisory lock held by a transaction for the length of the run (so it spans server nodes);
 * the work itself runs on other connections. PGlite is one process with one connection: a local mutex.
 */
export async function reconcile(ctx: Ctx, orgId: number) {
  const busy = () => conflict('Reconcile is already running');
  if (ctx.db.kind === 'postgres') {
    return ctx.db.transaction(async (tx) => {
      const [got] = await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1, $2) AS ok', [RECONCILE_LOCK, orgId]);
      if (!got.ok) throw busy();
      return reconcileOrg(ctx, orgId);
    });
  }
  const running = runningHere.get(ctx.db) ?? new Set<number>();
  runningHere.set(ctx.db, running);
  if (running.has(orgId)) throw busy();
  running.add(orgId);
  try {
    return await reconcileOrg(ctx, orgId);
  } finally {
    running.delete(orgId);
  }
}

const RECONCILE_DOC =
  'Recomputes the progress of open assignments from the stored annotations (ingesting what events missed), completes full batches ' +
  '(export, chaining, auto-assignment), recomputes item counters and finishes workspace starts cut short. One run at a time per organization: ' +
  'a second caller gets 409 {"error": "Reconcile is already running"} instead of waiting. On PostgreSQL the guard is a transaction-scoped advisory lock ' +
  '(pg_try_advisory_xact_lock(727004, organization id)), so it spans server nodes; on the embedded PGlite database, a process mutex.';

export function reconcileRoutes(app: FastifyInstance, ctx: Ctx): void {
  app.withTypeProvider<ZodTypeProvider>().post('/api/reconcile', { schema: { tags: ['fleet: reconcile'], description: RECONCILE_DOC } }, async (req) => reconcile(ctx, managerOf(req).orgId));
}
