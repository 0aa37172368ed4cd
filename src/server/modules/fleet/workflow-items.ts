import type { Ctx } from '../../context.js';
import type { Queryable } from '../../db/connection.js';
import { bucketOf, listKeys } from './local-storage.js';
import type { WorkflowRow } from './workflows.js';

/**
 * A workflow's items. An origin workflow finds them in its source folder (s3SourcePath); a chained
 * workflow receives the completed items of its upstream workflow; rejected work comes back as a new
 * row with the next rework iteration. An item is handed out once: status goes available → assigned.
 */
export interface ItemRow {
  id: number;
  workflow_id: number;
  item_key: string;
  rework_iteration: number;
  upstream_task_id: number | null;
  upstream_result: unknown[] | null;
  reserved_annotator_id: number | null;
  status: 'available' | 'assigned' | 'escalated';
}

/** Counts every distinct source item once, rework rows aside. */
export async function refreshItemCounters(db: Queryable, workflowId: number): Promise<void> {
  await db.query(
    `UPDATE workflows SET
       total_images_available = (SELECT count(*) FROM workflow_items WHERE workflow_id = $1 AND rework_iteration = 0),
       total_images_assigned = (SELECT count(*) FROM workflow_items WHERE workflow_id = $1 AND rework_iteration = 0 AND status <> 'available')
     WHERE id = $1`,
    [workflowId],
  );
}

/** Adds the files of an origin workflow's source folder it does not know yet. */
export async function syncSourceItems(ctx: Ctx, w: WorkflowRow): Promise<void> {
  if (w.previous_workflow_id !== null) return;
  const keys = await listKeys(await bucketOf(ctx, w.organization_id), w.s3_source_path);
  if (keys.length === 0) return;
  const added = await ctx.db.query(
    `INSERT INTO workflow_items (workflow_id, item_key) SELECT $1, k FROM unnest($2::text[]) AS k
     ON CONFLICT (workflow_id, item_key, rework_iteration) DO NOTHING RETURNING id`,
    [w.id, keys],
  );
  if (added.length) await refreshItemCounters(ctx.db, w.id);
}

/**
 * Hands the completed, non-gold tasks of an upstream assignment to a downstream workflow as items
 * carrying the upstream result (a review stage shows it as a prediction).
 */
export async function pushCompletedItems(tx: Queryable, upstreamAssignmentId: number, downstreamWorkflowId: number): Promise<number> {
  const added = await tx.query(
    `INSERT INTO workflow_items (workflow_id, item_key, rework_iteration, upstream_task_id, upstream_result)
     SELECT $2, t.media_key, coalesce(i.rework_iteration, 0), t.id, t.result
     FROM assignment_tasks t LEFT JOIN workflow_items i ON i.id = t.item_id
     WHERE t.assignment_id = $1 AND NOT t.is_gold AND t.completed_at IS NOT NULL
     ORDER BY t.position
     ON CONFLICT (workflow_id, item_key, rework_iteration) DO NOTHING RETURNING id`,
    [upstreamAssignmentId, downstreamWorkflowId],
  );
  if (added.length) await refreshItemCounters(tx, downstreamWorkflowId);
  return added.length;
}

/** A new chained workflow starts from everything its upstream has already completed. */
export async function pullUpstreamItems(tx: Queryable, w: WorkflowRow): Promise<void> {
  if (w.previous_workflow_id === null) return;
  const done = await tx.query<{ id: number }>(`SELECT id FROM assignments WHERE workflow_id = $1 AND status = 'completed' ORDER BY id`, [w.previous_workflow_id]);
  for (const a of done) await pushCompletedItems(tx, a.id, w.id);
}

/** Rejected work routed to a workflow: the same key at the next rework iteration, maybe reserved for its original annotator. */
export async function addReworkItem(
  tx: Queryable,
  workflowId: number,
  item: { key: string; iteration: number; reservedFor: number | null; upstreamTaskId: number; upstreamResult: unknown },
): Promise<number | null> {
  const rows = await tx.query<{ id: number }>(
    `INSERT INTO workflow_items (workflow_id, item_key, rework_iteration, reserved_annotator_id, upstream_task_id, upstream_result)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb)
     ON CONFLICT (workflow_id, item_key, rework_iteration) DO NOTHING RETURNING id`,
    [workflowId, item.key, item.iteration, item.reservedFor, item.upstreamTaskId, JSON.stringify(item.upstreamResult ?? null)],
  );
  return rows[0]?.id ?? null;
}
