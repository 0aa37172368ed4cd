import type { Ctx } from '../../context.js';
import type { Queryable } from '../../db/connection.js';
import { taskPages } from '../exports/task-rows.js';
import { autoAssignAnnotator, autoAssignIdle } from './auto-assign.js';
import { joinKey, storeOf } from './object-store.js';
import { pushCompletedItems } from './workflow-items.js';
import { downstreamOf } from './workflows.js';

interface OpenAssignment {
  id: number;
  workflow_id: number;
  annotator_id: number;
  ls_project_id: number | null;
  organization_id: number;
  s3_export_path: string;
  left: number;
}

/** The batch's items (gold tasks left out) as Label Studio's JSON export, written to the workflow's export path. */
async function exportAssignment(ctx: Ctx, tx: Queryable, a: OpenAssignment): Promise<string | null> {
  if (a.ls_project_id === null) return null;
  const ids = (await tx.query<{ ls_task_id: number }>('SELECT ls_task_id FROM assignment_tasks WHERE assignment_id = $1 AND NOT is_gold ORDER BY position', [a.id])).map((r) => r.ls_task_id);
  const store = await storeOf(ctx, a.organization_id, tx);
  const key = joinKey(a.s3_export_path, `assignment-${a.id}.json`);
  const projectId = a.ls_project_id;
  async function* json() {
    yield '[';
    let first = true;
    if (ids.length) {
      for await (const page of taskPages(tx, { projectId, allTasks: true, ids })) {
        if (page.count === 0) continue;
        yield first ? page.body : `,${page.body}`;
        first = false;
      }
    }
    yield ']';
  }
  await store.write(key, json(), 'application/json');
  return key;
}

/**
 * When every task of an open assignment is done: export it, mark it completed, hand its items to the
 * downstream workflows, then give the annotator their next batch and offer the new items to idle annotators.
 * Returns true when this call completed the assignment.
 */
export async function completeAssignmentIfDone(ctx: Ctx, assignmentId: number): Promise<boolean> {
  const outcome = await ctx.db.transaction(async (tx) => {
    const rows = await tx.query<OpenAssignment>(
      `SELECT s.id, s.workflow_id, s.annotator_id, s.ls_project_id, w.organization_id, w.s3_export_path,
         (SELECT count(*) FROM assignment_tasks t WHERE t.assignment_id = s.id AND t.completed_at IS NULL)::int AS left
       FROM assignments s JOIN workflows w ON w.id = s.workflow_id
       WHERE s.id = $1 AND s.status IN ('pending', 'in_progress') FOR UPDATE OF s`,
      [assignmentId],
    );
    const a = rows[0];
    if (!a || a.left > 0) return null;
    const exportPath = await exportAssignment(ctx, tx, a);
    await tx.query(`UPDATE assignments SET status = 'completed', completed_at = now(), export_path = $2, updated_at = now() WHERE id = $1`, [a.id, exportPath]);
    let chained = 0;
    for (const d of await downstreamOf(tx, a.workflow_id)) chained += await pushCompletedItems(tx, a.id, d.id);
    return { a, chained };
  });
  if (!outcome) return false;
  await autoAssignAnnotator(ctx, outcome.a.organization_id, outcome.a.annotator_id);
  if (outcome.chained > 0) await autoAssignIdle(ctx, outcome.a.organization_id);
  return true;
}
