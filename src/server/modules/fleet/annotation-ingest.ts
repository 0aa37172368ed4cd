import type { Ctx } from '../../context.js';
import type { Queryable } from '../../db/connection.js';
import type { LabelConfig } from '../labelconfig/parse.js';
import { autoAssignAnnotator, autoAssignIdle } from './auto-assign.js';
import { completeAssignmentIfDone } from './completion.js';
import { scoreAgainstGold } from './gold-scoring.js';
import { checkConfigXml } from './labeling-configs.js';
import { recordReview, reviewDecisionOf, type ReviewFollowUp } from './review.js';

/**
 * One piece of annotation activity, whether it came from our own Label Studio API, the webhook of an
 * external instance, or reconcile. Recording is idempotent on (annotator, annotation id, action).
 */
export interface AnnotationActivity {
  annotatorId: number;
  action: 'created' | 'updated' | 'deleted';
  annotationId: number;
  taskId: number;
  projectId: number | null;
  result: unknown[];
  leadTimeSeconds: number | null;
  wasCancelled: boolean;
  source: 'native' | 'webhook' | 'reconcile';
}

interface TaskOfAssignment {
  id: number;
  assignment_id: number;
  item_id: number | null;
  is_gold: boolean;
  gold_task_id: number | null;
  ls_annotation_id: number | null;
  completed_at: Date | null;
  workflow_id: number;
  organization_id: number;
  status: string;
  ls_project_id: number | null;
  expected_labels: unknown[] | null;
  gold_name: string | null;
  config_xml: string | null;
}

async function taskOfAssignment(db: Queryable, annotatorId: number, taskId: number): Promise<TaskOfAssignment | undefined> {
  const rows = await db.query<TaskOfAssignment>(
    `SELECT t.id, t.assignment_id, t.item_id, t.is_gold, t.gold_task_id, t.ls_annotation_id, t.completed_at, s.workflow_id, w.organization_id,
       s.status, s.ls_project_id, g.expected_labels, coalesce(g.name, g.s3_image_key) AS gold_name, c.config_xml
     FROM assignment_tasks t JOIN assignments s ON s.id = t.assignment_id JOIN workflows w ON w.id = s.workflow_id
     LEFT JOIN gold_tasks g ON g.id = t.gold_task_id LEFT JOIN labeling_configs c ON c.id = g.labeling_config_id
     WHERE t.ls_task_id = $1 AND s.annotator_id = $2`,
    [taskId, annotatorId],
  );
  return rows[0];
}

function maxRatings(xml: string | null): Record<string, number> {
  if (!xml) return {};
  let cfg: LabelConfig;
  try {
    cfg = checkConfigXml(xml);
  } catch {
    return {};
  }
  return Object.fromEntries(cfg.controls.filter((c) => c.tag.toLowerCase() === 'rating').map((c) => [c.name, Number(c.attrs.maxRating ?? 5) || 5]));
}

async function scoreGold(tx: Queryable, t: TaskOfAssignment, annotatorId: number, result: unknown[]): Promise<void> {
  if (!t.expected_labels) return;
  const { score, details } = scoreAgainstGold(t.expected_labels, result, { maxRating: maxRatings(t.config_xml) });
  await tx.query(
    `INSERT INTO gold_results (assignment_task_id, assignment_id, annotator_id, gold_task_id, gold_task_name, score, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
     ON CONFLICT (assignment_task_id) DO UPDATE SET score = EXCLUDED.score, details = EXCLUDED.details, evaluated_at = clock_timestamp()`,
    [t.id, t.assignment_id, annotatorId, t.gold_task_id, t.gold_name, score, JSON.stringify(details)],
  );
}

const OPEN = ['pending', 'in_progress'];

/**
 * Records the event; on a submitted annotation of an open assignment's task, marks the task done, scores a
 * gold task, applies a review decision; then completes the assignment when nothing is left.
 * `force` (reconcile) applies the effects even when the event was already recorded.
 */
export async function ingestAnnotation(ctx: Ctx, act: AnnotationActivity, force = false): Promise<{ recorded: boolean }> {
  const task = await taskOfAssignment(ctx.db, act.annotatorId, act.taskId);
  let followUp: ReviewFollowUp | null = null;
  const recorded = await ctx.db.transaction(async (tx) => {
    const inserted = await tx.query(
      `INSERT INTO annotation_events (annotator_id, assignment_id, event_type, ls_project_id, ls_task_id, ls_annotation_id, time_spent_ms, source)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (annotator_id, ls_annotation_id, event_type) DO NOTHING RETURNING id`,
      [
        act.annotatorId, task?.assignment_id ?? null, `annotation_${act.action}`, act.projectId ?? task?.ls_project_id ?? null, act.taskId, act.annotationId,
        act.leadTimeSeconds === null ? null : Math.round(act.leadTimeSeconds * 1000), act.source,
      ],
    );
    if (!inserted.length && !force) return false;
    await tx.query('UPDATE annotators SET last_active_at = now() WHERE id = $1', [act.annotatorId]);
    if (!task) return inserted.length > 0;
    const locked = await tx.query<{ status: string }>('SELECT status FROM assignments WHERE id = $1 FOR UPDATE', [task.assignment_id]);
    if (!OPEN.includes(locked[0]?.status ?? '')) return inserted.length > 0;
    const current = (await tx.query<{ completed_at: Date | null; ls_annotation_id: number | null }>('SELECT completed_at, ls_annotation_id FROM assignment_tasks WHERE id = $1', [task.id]))[0];

    if (act.action === 'deleted') {
      if (current.completed_at && current.ls_annotation_id === act.annotationId) {
        await tx.query('UPDATE assignment_tasks SET completed_at = NULL, ls_annotation_id = NULL, result = NULL WHERE id = $1', [task.id]);
        await tx.query('UPDATE assignments SET completed_count = completed_count - 1, updated_at = now() WHERE id = $1', [task.assignment_id]);
        await tx.query('DELETE FROM gold_results WHERE assignment_task_id = $1', [task.id]);
      }
      return inserted.length > 0;
    }
    const firstTime = current.completed_at === null;
    if (!firstTime && current.ls_annotation_id !== act.annotationId) return inserted.length > 0;
    await tx.query('UPDATE assignment_tasks SET completed_at = coalesce(completed_at, now()), ls_annotation_id = $2, result = $3::jsonb WHERE id = $1', [
      task.id,
      act.annotationId,
      JSON.stringify(act.result),
    ]);
    if (firstTime) {
      await tx.query(
        `UPDATE assignments SET completed_count = completed_count + 1, status = 'in_progress', started_at = coalesce(started_at, now()), updated_at = now() WHERE id = $1`,
        [task.assignment_id],
      );
    }
    if (act.wasCancelled) return inserted.length > 0;
    if (task.is_gold) await scoreGold(tx, task, act.annotatorId, act.result);
    const decision = firstTime ? reviewDecisionOf(act.result) : null;
    if (decision) {
      followUp = await recordReview(ctx, tx, {
        reviewerAnnotatorId: act.annotatorId,
        reviewerAssignmentId: task.assignment_id,
        reviewerWorkflowId: task.workflow_id,
        reviewerItemId: task.item_id,
        lsTaskId: act.taskId,
        lsAnnotationId: act.annotationId,
      }, decision);
    }
    return inserted.length > 0;
  });
  if (task) {
    await completeAssignmentIfDone(ctx, task.assignment_id);
    const f = followUp as ReviewFollowUp | null;
    if (f?.assignAnnotator) await autoAssignAnnotator(ctx, task.organization_id, f.assignAnnotator);
    if (f?.assignIdle) await autoAssignIdle(ctx, task.organization_id);
  }
  return { recorded };
}
