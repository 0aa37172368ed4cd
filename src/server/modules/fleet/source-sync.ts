import type { Ctx } from '../../context.js';
import type { Queryable } from '../../db/connection.js';
import { AppError } from '../../errors.js';
import { defineJob, enqueue, PermanentJobError } from '../../jobs/worker.js';
import { autoAssignIdle } from './auto-assign.js';
import { settingValue } from './settings.js';
import { syncSourceItems } from './workflow-items.js';
import { findWorkflow, type WorkflowRow } from './workflows.js';

/**
 * A stale source listing is refreshed by a job on the queue (`fleet.source-sync`, order key
 * `fleet-source:<workflow id>`), never inside the request that noticed it: listing a large bucket takes
 * seconds, and an assignment (or the next-task stream behind it) must not wait for it. The assignment goes
 * on with the items already recorded; new uploads show once the job has run, and idle annotators are then
 * offered them. A manager who wants them at once calls POST /api/workflows/:id/sync, which lists in the
 * request. A listing the storage refuses fails the job for good (no retries: the next stale check queues
 * another); the sync endpoint reports the error in a sentence.
 */
interface SourceSyncPayload {
  workflowId: number;
  orgId: number;
}

export const sourceSyncJob = defineJob<SourceSyncPayload>({
  queue: 'fleet.source-sync',
  maxAttempts: 1,
  backoff: () => 0,
  run: async (ctx, job) => {
    const w = await findWorkflow(ctx.db, job.payload.orgId, job.payload.workflowId);
    if (!w) return;
    let added: number;
    try {
      added = await syncSourceItems(ctx, w);
    } catch (err) {
      if (err instanceof AppError) throw new PermanentJobError(err.message);
      throw err;
    }
    if (added > 0) await autoAssignIdle(ctx, w.organization_id);
  },
});

const DEFAULT_RESCAN_SECONDS = 60;

export const sourceSyncSubject = (workflowId: number) => `fleet-source:${workflowId}`;

/**
 * Queues a re-listing when the last one is older than the `fleet.sourceRescanSeconds` setting (default 60; 0
 * turns the rescan off). One caller wins the claim on the workflow row and queues the job; the others see
 * a fresh listing time and do nothing.
 */
export async function rescanSourceIfStale(ctx: Ctx, w: WorkflowRow, db: Queryable = ctx.db): Promise<boolean> {
  if (w.previous_workflow_id !== null) return false;
  const seconds = Number(await settingValue<unknown>(db, w.organization_id, 'fleet.sourceRescanSeconds', DEFAULT_RESCAN_SECONDS));
  if (!(seconds > 0)) return false;
  const claimed = await db.query(
    `UPDATE workflows SET source_listed_at = now() WHERE id = $1 AND (source_listed_at IS NULL OR source_listed_at < now() - make_interval(secs => $2::double precision)) RETURNING id`,
    [w.id, seconds],
  );
  if (!claimed.length) return false;
  await enqueue(db, sourceSyncJob, [{ payload: { workflowId: w.id, orgId: w.organization_id }, orderKey: sourceSyncSubject(w.id), subject: sourceSyncSubject(w.id) }]);
  return true;
}
