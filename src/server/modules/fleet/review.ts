import type { Ctx } from '../../context.js';
import type { Queryable } from '../../db/connection.js';
import { archiveObject } from './rejection-archive.js';
import { addReworkItem } from './workflow-items.js';
import type { RejectionMode, RejectionSettings } from './workflows.js';

/**
 * Review: a task of a chained workflow shows upstream work; an annotation whose result holds a
 * `review_decision` (choices accept/reject; the reason from a `review_reason`, `rejection_reason` or
 * `reason` text area) judges that work. Every decision counts toward the original annotator's
 * reviewedCount; a rejection is recorded and the origin workflow's rejection mode applies.
 */
export interface ReviewDecision {
  decision: 'accept' | 'reject';
  reason: string | null;
}

const ACCEPT = ['accept', 'accepted', 'approve', 'approved'];
const REJECT = ['reject', 'rejected', 'decline', 'declined'];
const REASON_FIELDS = ['review_reason', 'rejection_reason', 'reason'];

export function reviewDecisionOf(result: unknown[]): ReviewDecision | null {
  const regions = result.filter((r): r is { from_name: string; value: Record<string, unknown> } => !!r && typeof r === 'object' && !!(r as { value?: unknown }).value);
  const decision = regions.find((r) => r.from_name === 'review_decision');
  if (!decision) return null;
  const v = decision.value;
  const said = [...(Array.isArray(v.choices) ? v.choices : []), v.decision, ...(Array.isArray(v.text) ? v.text : [])].map((x) => String(x ?? '').toLowerCase());
  const verdict = said.some((s) => REJECT.includes(s)) ? 'reject' : said.some((s) => ACCEPT.includes(s)) ? 'accept' : null;
  if (!verdict) return null;
  const reasonRegion = regions.find((r) => REASON_FIELDS.includes(r.from_name));
  const reasonText = reasonRegion && Array.isArray(reasonRegion.value.text) ? reasonRegion.value.text.join('\n') : typeof v.reason === 'string' ? v.reason : null;
  return { decision: verdict, reason: reasonText || null };
}

/** The reviewed work: the upstream task behind the reviewer's task, its assignment and the origin workflow's rules. */
interface Origin extends RejectionSettings {
  task_id: number;
  ls_task_id: number;
  media_key: string;
  result: unknown;
  assignment_id: number;
  annotator_id: number;
  item_id: number | null;
  rework_iteration: number;
  workflow_id: number;
  organization_id: number;
}

async function originOf(tx: Queryable, reviewerItemId: number): Promise<Origin | undefined> {
  const rows = await tx.query<Origin>(
    `SELECT t.id AS task_id, t.ls_task_id, t.media_key, t.result, s.id AS assignment_id, s.annotator_id, t.item_id,
       coalesce(oi.rework_iteration, 0) AS rework_iteration, w.id AS workflow_id, w.organization_id, w.rejection_mode,
       w.rejection_archive_bucket, w.rejection_route_workflow_id, w.rejection_return_to_original, w.rejection_flag_annotator, w.max_rework_iterations
     FROM workflow_items ri
     JOIN assignment_tasks t ON t.id = ri.upstream_task_id
     JOIN assignments s ON s.id = t.assignment_id
     JOIN workflows w ON w.id = s.workflow_id
     LEFT JOIN workflow_items oi ON oi.id = t.item_id
     WHERE ri.id = $1`,
    [reviewerItemId],
  );
  return rows[0];
}

export interface ReviewContext {
  reviewerAnnotatorId: number;
  reviewerAssignmentId: number;
  reviewerWorkflowId: number;
  reviewerItemId: number | null;
  lsTaskId: number;
  lsAnnotationId: number;
}

/** What to do after the transaction commits: offer routed rework. */
export interface ReviewFollowUp {
  assignAnnotator: number | null;
  assignIdle: boolean;
}

/** Records a review decision and applies the rejection mode; call inside the ingesting transaction. */
export async function recordReview(ctx: Ctx, tx: Queryable, r: ReviewContext, d: ReviewDecision): Promise<ReviewFollowUp> {
  const none: ReviewFollowUp = { assignAnnotator: null, assignIdle: false };
  if (r.reviewerItemId === null) return none;
  const o = await originOf(tx, r.reviewerItemId);
  if (!o) return none;
  const recorded = await tx.query(
    `INSERT INTO review_decisions (origin_workflow_id, reviewer_workflow_id, original_annotator_id, reviewer_annotator_id, ls_task_id, decision)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (ls_task_id) DO NOTHING RETURNING id`,
    [o.workflow_id, r.reviewerWorkflowId, o.annotator_id, r.reviewerAnnotatorId, r.lsTaskId, d.decision],
  );
  if (!recorded.length) return none;
  const flag = d.decision === 'reject' && o.rejection_flag_annotator;
  await tx.query(`UPDATE annotators SET reviewed_count = reviewed_count + 1, rejection_count = rejection_count + $2, updated_at = now() WHERE id = $1`, [o.annotator_id, flag ? 1 : 0]);
  if (d.decision === 'accept') return none;

  const escalated = o.max_rework_iterations !== null && o.rework_iteration >= o.max_rework_iterations;
  let action: RejectionMode = escalated ? 'none' : o.rejection_mode;
  let routedItem: number | null = null;
  let routedWorkflow: number | null = null;
  let archivePath: string | null = null;
  const followUp = { ...none };
  if (escalated) {
    if (o.item_id !== null) await tx.query(`UPDATE workflow_items SET status = 'escalated' WHERE id = $1`, [o.item_id]);
    await tx.query(
      `INSERT INTO annotation_events (annotator_id, assignment_id, event_type, ls_task_id, ls_annotation_id, source) VALUES ($1, $2, 'rework_escalated', $3, $4, 'review')
       ON CONFLICT DO NOTHING`,
      [o.annotator_id, o.assignment_id, o.ls_task_id, r.lsAnnotationId],
    );
  } else if (action === 'archive') {
    archivePath = await archiveObject(ctx, tx, o.organization_id, o.rejection_archive_bucket, `task-${o.ls_task_id}-review-${r.lsTaskId}.json`, {
      imageKey: o.media_key,
      annotation: o.result,
      reason: d.reason,
      originalAnnotatorId: o.annotator_id,
      reviewerAnnotatorId: r.reviewerAnnotatorId,
    });
  } else if (action === 'route_to_workflow') {
    routedWorkflow = o.rejection_route_workflow_id ?? (o.rejection_return_to_original ? o.workflow_id : null);
    if (routedWorkflow === null) action = 'none';
    else {
      const reservedFor = o.rejection_return_to_original ? o.annotator_id : null;
      routedItem = await addReworkItem(tx, routedWorkflow, { key: o.media_key, iteration: o.rework_iteration + 1, reservedFor, upstreamTaskId: o.task_id, upstreamResult: o.result });
      followUp.assignAnnotator = reservedFor;
      followUp.assignIdle = reservedFor === null;
    }
  }
  await tx.query(
    `INSERT INTO rejections (workflow_id, origin_workflow_id, original_annotator_id, reviewer_annotator_id, reviewer_assignment_id, original_assignment_id,
       routed_to_workflow_id, routed_item_id, image_key, reason, action_taken, rework_iteration, escalated, archive_path, ls_task_id, ls_annotation_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
    [
      r.reviewerWorkflowId, o.workflow_id, o.annotator_id, r.reviewerAnnotatorId, r.reviewerAssignmentId, o.assignment_id,
      routedWorkflow, routedItem, o.media_key, d.reason, action, o.rework_iteration, escalated, archivePath, r.lsTaskId, r.lsAnnotationId,
    ],
  );
  return followUp;
}
