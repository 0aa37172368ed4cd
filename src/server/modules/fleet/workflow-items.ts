import type { Ctx } from '../../context.js';
import type { Queryable } from '../../db/connection.js';
import { folderPrefix, storeOf, type ListedObject } from './object-store.js';
import type { WorkflowRow } from './workflows.js';

/**
 * A workflow's items. An origin workflow finds them in its source folder (s3SourcePath); a chained
 * workflow receives the completed items of its upstream workflow; rejected work comes back as a new
 * row with the next rework iteration. An item is handed out once: status goes available → assigned; a source
 * item whose object left the folder before it was handed out is gone (see syncSourceItems).
 */
export interface ItemRow {
  id: number;
  workflow_id: number;
  item_key: string;
  rework_iteration: number;
  upstream_task_id: number | null;
  upstream_result: unknown[] | null;
  reserved_annotator_id: number | null;
  status: 'available' | 'assigned' | 'escalated' | 'gone';
}

/**
 * Counts every distinct source item once, rework rows and gone items aside. Writes keep the counters by
 * increments; reconcile repairs them with this.
 */
export async function refreshItemCounters(db: Queryable, workflowId: number): Promise<void> {
  await db.query(
    `UPDATE workflows SET
       total_images_available = (SELECT count(*) FROM workflow_items WHERE workflow_id = $1 AND rework_iteration = 0 AND status <> 'gone'),
       total_images_assigned = (SELECT count(*) FROM workflow_items WHERE workflow_id = $1 AND rework_iteration = 0 AND status NOT IN ('available', 'gone'))
     WHERE id = $1`,
    [workflowId],
  );
}

const SYNC_CHUNK = 1000;

/** UTF-8 byte order: S3's listing order, and what `COLLATE "C"` compares by. */
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * Marks gone the source items not handed out yet whose keys lie after `after` and up to `upTo` (null: open
 * ended) but were not listed. The listing comes in key order, so each chunk settles its own key range and no
 * listing is ever held in memory whole.
 */
async function markUnlistedGone(db: Queryable, workflowId: number, after: string | null, upTo: string | null, listed: string[]): Promise<number> {
  const rows = await db.query(
    `UPDATE workflow_items SET status = 'gone'
     WHERE workflow_id = $1 AND rework_iteration = 0 AND status = 'available'
       AND ($2::text IS NULL OR item_key COLLATE "C" > $2) AND ($3::text IS NULL OR item_key COLLATE "C" <= $3) AND NOT (item_key = ANY($4::text[]))
     RETURNING id`,
    [workflowId, after, upTo, listed],
  );
  return rows.length;
}

/**
 * Lists an origin workflow's source folder: records the items it does not know yet (a changed ETag is noted
 * on an item not handed out yet), marks gone the items not handed out whose objects are no longer there (so
 * they are never assigned), and makes gone items available again when they reappear. Streams the listing in
 * chunks, so a large bucket never sits in memory. Should a listing ever come out of key order, nothing more is
 * marked gone in that run (and any key it lists again is revived). Returns how many items were added.
 */
export async function syncSourceItems(ctx: Ctx, w: WorkflowRow): Promise<number> {
  if (w.previous_workflow_id !== null) return 0;
  const store = await storeOf(ctx, w.organization_id);
  await ctx.db.query('UPDATE workflows SET source_listed_at = now() WHERE id = $1', [w.id]);
  let added = 0;
  let chunk: ListedObject[] = [];
  let settledUpTo: string | null = null;
  let previous: string | null = null;
  let ordered = true;
  const flush = async () => {
    if (!chunk.length) return;
    const keys = chunk.map((o) => o.key);
    const revived = await ctx.db.query(
      `UPDATE workflow_items SET status = 'available' WHERE workflow_id = $1 AND rework_iteration = 0 AND status = 'gone' AND item_key = ANY($2::text[]) RETURNING id`,
      [w.id, keys],
    );
    const rows = await ctx.db.query<{ inserted: boolean }>(
      `INSERT INTO workflow_items (workflow_id, item_key, etag) SELECT $1, k, e FROM unnest($2::text[], $3::text[]) AS x(k, e)
       ON CONFLICT (workflow_id, item_key, rework_iteration) DO UPDATE SET etag = EXCLUDED.etag
         WHERE workflow_items.status = 'available' AND workflow_items.etag IS DISTINCT FROM EXCLUDED.etag
       RETURNING (xmax = 0) AS inserted`,
      [w.id, keys, chunk.map((o) => o.etag)],
    );
    const n = rows.filter((r) => r.inserted).length;
    const gone = ordered ? await markUnlistedGone(ctx.db, w.id, settledUpTo, keys[keys.length - 1], keys) : 0;
    settledUpTo = keys[keys.length - 1];
    const change = n + revived.length - gone;
    if (change) await ctx.db.query('UPDATE workflows SET total_images_available = total_images_available + $2 WHERE id = $1', [w.id, change]);
    added += n;
    chunk = [];
  };
  for await (const o of store.list(folderPrefix(w.s3_source_path))) {
    if (previous !== null && byteOrder(previous, o.key) >= 0) ordered = false;
    previous = o.key;
    chunk.push(o);
    if (chunk.length >= SYNC_CHUNK) await flush();
  }
  await flush();
  if (ordered) {
    const gone = await markUnlistedGone(ctx.db, w.id, settledUpTo, null, []);
    if (gone) await ctx.db.query('UPDATE workflows SET total_images_available = total_images_available - $2 WHERE id = $1', [w.id, gone]);
  }
  return added;
}

/**
 * Hands the completed, non-gold tasks of an upstream assignment to a downstream workflow as items
 * carrying the upstream result (a review stage shows it as a prediction).
 */
export async function pushCompletedItems(tx: Queryable, upstreamAssignmentId: number, downstreamWorkflowId: number): Promise<number> {
  const added = await tx.query<{ rework_iteration: number }>(
    `INSERT INTO workflow_items (workflow_id, item_key, rework_iteration, upstream_task_id, upstream_result)
     SELECT $2, t.media_key, coalesce(i.rework_iteration, 0), t.id, t.result
     FROM assignment_tasks t LEFT JOIN workflow_items i ON i.id = t.item_id
     WHERE t.assignment_id = $1 AND NOT t.is_gold AND t.completed_at IS NOT NULL
     ORDER BY t.position
     ON CONFLICT (workflow_id, item_key, rework_iteration) DO NOTHING RETURNING rework_iteration`,
    [upstreamAssignmentId, downstreamWorkflowId],
  );
  const fresh = added.filter((r) => r.rework_iteration === 0).length;
  if (fresh) await tx.query('UPDATE workflows SET total_images_available = total_images_available + $2 WHERE id = $1', [downstreamWorkflowId, fresh]);
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
