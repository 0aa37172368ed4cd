import type { Ctx } from '../../context.js';
import { AppError } from '../../errors.js';
import { assignNextBatch } from './assign.js';
import type { AssignmentRow } from './assignments.js';

/**
 * Auto-assignment: an active annotator without open work gets the next batch of the first workflow
 * that has one for them — rework reserved for them first, then active autoAssign workflows of their
 * role, by id. Runs when a workspace becomes active, when a batch completes and when chaining or
 * rejection routing brings new items.
 */
export async function autoAssignAnnotator(ctx: Ctx, orgId: number, annotatorId: number): Promise<AssignmentRow | null> {
  const candidates = await ctx.db.query<{ id: number }>(
    `SELECT w.id FROM workflows w JOIN annotators a ON a.id = $2 AND a.organization_id = w.organization_id
     WHERE w.organization_id = $1 AND w.is_active AND a.status = 'active'
       AND NOT EXISTS (SELECT 1 FROM assignments s WHERE s.annotator_id = a.id AND s.status IN ('pending', 'in_progress'))
       AND (
         EXISTS (SELECT 1 FROM workflow_items i WHERE i.workflow_id = w.id AND i.status = 'available' AND i.reserved_annotator_id = a.id)
         OR (w.auto_assign AND (w.role_id IS NULL OR w.role_id = a.role_id))
       )
     ORDER BY EXISTS (SELECT 1 FROM workflow_items i WHERE i.workflow_id = w.id AND i.status = 'available' AND i.reserved_annotator_id = a.id) DESC, w.id`,
    [orgId, annotatorId],
  );
  for (const w of candidates) {
    try {
      return await assignNextBatch(ctx, orgId, w.id, annotatorId, { auto: true });
    } catch (err) {
      // nothing left, a cap reached, a misconfigured workflow: try the next one
      if (err instanceof AppError) continue;
      throw err;
    }
  }
  return null;
}

/** Offers work to every active annotator of the organization who has none open. */
export async function autoAssignIdle(ctx: Ctx, orgId: number): Promise<void> {
  const idle = await ctx.db.query<{ id: number }>(
    `SELECT a.id FROM annotators a WHERE a.organization_id = $1 AND a.status = 'active'
       AND NOT EXISTS (SELECT 1 FROM assignments s WHERE s.annotator_id = a.id AND s.status IN ('pending', 'in_progress'))
     ORDER BY a.id`,
    [orgId],
  );
  for (const a of idle) await autoAssignAnnotator(ctx, orgId, a.id);
}
