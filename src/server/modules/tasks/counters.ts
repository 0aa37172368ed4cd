import type { Queryable } from '../../db/connection.js';

/**
 * Recomputes the counters of the given tasks from their annotations and predictions, and applies
 * the differences to the project's counters — so lists read counters, never scan annotations.
 * Call inside the transaction that wrote the annotations or predictions.
 */
export async function refreshTaskCounters(tx: Queryable, projectId: number, taskIds: number[]): Promise<void> {
  if (taskIds.length === 0) return;
  await tx.query(
    `WITH agg AS (
       SELECT t.id,
         count(a.id) FILTER (WHERE NOT a.was_cancelled)::int AS total,
         count(a.id) FILTER (WHERE a.was_cancelled)::int AS cancelled,
         count(a.id) FILTER (WHERE a.ground_truth)::int AS gt,
         (SELECT count(*) FROM predictions p WHERE p.task_id = t.id)::int AS preds,
         max(a.created_at) FILTER (WHERE NOT a.was_cancelled) AS last_at,
         max(a.created_at) AS last_any_at
       FROM tasks t LEFT JOIN annotations a ON a.task_id = t.id
       WHERE t.id = ANY($1::bigint[]) AND t.project_id = $2 GROUP BY t.id),
     -- Label Studio's IGNORE_SKIPPED queue counts a skip as a finished annotation
     maxann AS (SELECT maximum_annotations AS m, coalesce(settings->>'skip_queue', '') = 'IGNORE_SKIPPED' AS skips_count FROM projects WHERE id = $2),
     done AS (SELECT agg.id, CASE WHEN maxann.skips_count THEN agg.total + agg.cancelled ELSE agg.total END >= maxann.m AS labeled,
                CASE WHEN maxann.skips_count THEN agg.last_any_at ELSE agg.last_at END AS at
              FROM agg, maxann),
     old AS (SELECT id, total_annotations, cancelled_annotations, ground_truth_annotations, total_predictions, is_labeled
             FROM tasks WHERE id = ANY($1::bigint[]) AND project_id = $2),
     upd AS (
       UPDATE tasks t SET total_annotations = agg.total, cancelled_annotations = agg.cancelled,
         ground_truth_annotations = agg.gt, total_predictions = agg.preds,
         is_labeled = done.labeled,
         completed_at = CASE WHEN done.labeled THEN coalesce(done.at, now()) ELSE NULL END
       FROM agg JOIN done USING (id) WHERE t.id = agg.id
       RETURNING t.id, t.total_annotations, t.cancelled_annotations, t.ground_truth_annotations, t.total_predictions, t.is_labeled),
     d AS (
       SELECT coalesce(sum(u.total_annotations - o.total_annotations), 0)::int AS total,
              coalesce(sum(u.cancelled_annotations - o.cancelled_annotations), 0)::int AS cancelled,
              coalesce(sum(u.ground_truth_annotations - o.ground_truth_annotations), 0)::int AS gt,
              coalesce(sum(u.total_predictions - o.total_predictions), 0)::int AS preds,
              coalesce(sum((u.total_annotations > 0)::int - (o.total_annotations > 0)::int), 0)::int AS with_ann,
              coalesce(sum(u.is_labeled::int - o.is_labeled::int), 0)::int AS finished,
              min(u.id) FILTER (WHERE NOT u.is_labeled) AS first_open
       FROM upd u JOIN old o USING (id))
     UPDATE projects p SET
       total_annotations_number = p.total_annotations_number + d.total,
       skipped_annotations_number = p.skipped_annotations_number + d.cancelled,
       ground_truth_number = p.ground_truth_number + d.gt,
       total_predictions_number = p.total_predictions_number + d.preds,
       num_tasks_with_annotations = p.num_tasks_with_annotations + d.with_ann,
       finished_task_number = p.finished_task_number + d.finished,
       stream_cursor = LEAST(p.stream_cursor, coalesce(d.first_open, p.stream_cursor))
     FROM d WHERE p.id = $2`,
    [taskIds, projectId],
  );
}

/** Deletes tasks and subtracts what they contributed to the project counters, in one statement. */
export async function deleteTasksWithCounters(tx: Queryable, projectId: number, taskIds: number[] | 'all'): Promise<void> {
  const where = taskIds === 'all' ? 'project_id = $1' : 'project_id = $1 AND id = ANY($2::bigint[])';
  const params = taskIds === 'all' ? [projectId] : [projectId, taskIds];
  await tx.query(
    `WITH gone AS (DELETE FROM tasks WHERE ${where}
       RETURNING total_annotations, cancelled_annotations, ground_truth_annotations, total_predictions, is_labeled),
     d AS (SELECT count(*)::int AS n, coalesce(sum(total_annotations), 0)::int AS total, coalesce(sum(cancelled_annotations), 0)::int AS cancelled,
             coalesce(sum(ground_truth_annotations), 0)::int AS gt, coalesce(sum(total_predictions), 0)::int AS preds,
             count(*) FILTER (WHERE total_annotations > 0)::int AS with_ann, count(*) FILTER (WHERE is_labeled)::int AS finished FROM gone)
     UPDATE projects p SET task_number = p.task_number - d.n,
       total_annotations_number = p.total_annotations_number - d.total,
       skipped_annotations_number = p.skipped_annotations_number - d.cancelled,
       ground_truth_number = p.ground_truth_number - d.gt,
       total_predictions_number = p.total_predictions_number - d.preds,
       num_tasks_with_annotations = p.num_tasks_with_annotations - d.with_ann,
       finished_task_number = p.finished_task_number - d.finished
     FROM d WHERE p.id = $1`,
    params,
  );
}
