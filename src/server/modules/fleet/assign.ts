import { randomBytes, randomInt } from 'node:crypto';
import type { Ctx } from '../../context.js';
import type { Queryable } from '../../db/connection.js';
import { AppError } from '../../errors.js';
import type { LabelConfig } from '../labelconfig/parse.js';
import { insertPredictions } from '../predictions/service.js';
import { createProject } from '../projects/service.js';
import { insertTaskBatch, reserveInnerIds } from '../tasks/service.js';
import { listUsersOfOrg, type Actor } from '../users/service.js';
import { getAnnotator, type AnnotatorRow } from './annotators.js';
import { findAssignment, type AssignmentRow } from './assignments.js';
import { goldCandidates, type GoldTaskRow } from './gold-tasks.js';
import { conflict } from './http.js';
import { checkConfigXml, findLabelingConfig } from './labeling-configs.js';
import { storeOf, type ObjectStore } from './object-store.js';
import { rescanSourceIfStale } from './source-sync.js';
import type { ItemRow } from './workflow-items.js';
import { getWorkflow, type WorkflowRow } from './workflows.js';

/** Whoever acts for the fleet when no manager is asking (auto-assignment): the workflow's creator, else a manager of its organization. */
async function fleetActor(db: Queryable, w: WorkflowRow): Promise<Actor> {
  let id = w.created_by;
  if (id === null) {
    const managers = (await listUsersOfOrg(db, w.organization_id)).filter((u) => ['owner', 'admin', 'manager'].includes(u.role));
    id = managers[0]?.id ?? null;
  }
  if (id === null) throw new AppError('invalid', 'The workflow has no manager to create projects for it');
  return { id, email: '', role: 'owner', orgId: w.organization_id };
}

interface PlannedTask {
  key: string;
  item: ItemRow | null;
  gold: GoldTaskRow | null;
}

/** Gold tasks go in at random positions among the items. */
function interleave(items: ItemRow[], golds: GoldTaskRow[]): PlannedTask[] {
  const out: PlannedTask[] = items.map((item) => ({ key: item.item_key, item, gold: null }));
  for (const gold of golds) out.splice(randomInt(out.length + 1), 0, { key: gold.s3_image_key, item: null, gold });
  return out;
}

const TEXT_TAGS = new Set(['Text', 'HyperText']);

/**
 * A task's data: the config's data key pointing at the media by an opaque id, so a gold task looks like any
 * other; text configs get the text itself. Nothing in it says where the item came from.
 */
async function taskData(cfg: LabelConfig, store: ObjectStore, key: string, mediaId: string): Promise<Record<string, unknown>> {
  const object = cfg.objects.find((o) => o.dataKey !== null);
  const dataKey = object?.dataKey ?? 'image';
  if (object && TEXT_TAGS.has(object.tag) && /\.(txt|html?)$/i.test(key)) return { [dataKey]: (await store.readText(key)) ?? '' };
  return { [dataKey]: `/data/fleet-media/${mediaId}` };
}

/** Upstream results become predictions of the review task, keeping only regions the task's config can show. */
function upstreamPrediction(cfg: LabelConfig, result: unknown) {
  if (!Array.isArray(result)) return null;
  const names = new Set(cfg.controls.map((c) => c.name));
  const kept = result.filter((r) => r && typeof r === 'object' && names.has(String((r as { from_name?: unknown }).from_name)));
  return kept.length ? kept : null;
}

interface Picked {
  items: ItemRow[];
  rework: boolean;
}

/**
 * Rework reserved for this annotator comes first; else the next free items, in key order or, when the
 * workflow shuffles, in the random rank each item drew on arrival (an index range scan either way). Rows are
 * locked and rows another assignment is taking are skipped, so two batches never share an item.
 */
async function pickItems(tx: Queryable, w: WorkflowRow, annotatorId: number): Promise<Picked> {
  const reserved = await tx.query<ItemRow>(
    `SELECT * FROM workflow_items WHERE workflow_id = $1 AND status = 'available' AND reserved_annotator_id = $2 ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED`,
    [w.id, annotatorId, w.images_per_project],
  );
  if (reserved.length) return { items: reserved, rework: true };
  const items = await tx.query<ItemRow>(
    `SELECT * FROM workflow_items WHERE workflow_id = $1 AND status = 'available' AND reserved_annotator_id IS NULL
     ORDER BY ${w.shuffle_images ? 'shuffle_rank' : 'item_key, rework_iteration'} LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [w.id, w.images_per_project],
  );
  return { items, rework: false };
}

export interface AssignOptions {
  /** auto-assignment gives an annotator one open assignment at a time; a manual assignment may add more */
  auto: boolean;
}

function checkEligible(w: WorkflowRow, a: AnnotatorRow, hasRework: boolean): void {
  if (a.status !== 'active') throw new AppError('invalid', `Annotator is not active (status ${a.status})`);
  if (!hasRework && w.role_id !== null && a.role_id !== w.role_id) throw new AppError('invalid', 'Annotator is not in the role this workflow is for');
  if (!w.is_active) throw conflict('Workflow is paused');
  if (w.labeling_config_id === null) throw new AppError('invalid', 'Workflow has no labeling config');
}

/**
 * Creates the annotator's next batch of a workflow: a project with the workflow's labeling config, up to
 * imagesPerProject items with gold tasks injected at goldStandardRate, all in one transaction. The source
 * is not listed here (a stale listing queues a re-listing job, see source-sync.ts): items are picked from
 * the table. The annotator's row is locked (one batch decision per annotator at a time) and the items
 * with FOR UPDATE SKIP LOCKED, so concurrent calls for different annotators proceed in parallel and never
 * hand out an item twice. Returns null when auto-assigning and the annotator already has open work.
 */
export async function assignNextBatch(ctx: Ctx, orgId: number, workflowId: number, annotatorId: number, opts: AssignOptions): Promise<AssignmentRow | null> {
  const w0 = await getWorkflow(ctx.db, orgId, workflowId);
  const a0 = await getAnnotator(ctx.db, orgId, annotatorId).catch(() => {
    throw new AppError('invalid', `Annotator ${annotatorId} not found`);
  });
  checkEligible(w0, a0, await hasReservedItems(ctx.db, w0.id, a0.id));
  await rescanSourceIfStale(ctx, w0);
  const store = await storeOf(ctx, orgId);
  const config = (await findLabelingConfig(ctx.db, orgId, w0.labeling_config_id!))!;
  const cfg = checkConfigXml(config.config_xml);
  const actor = await fleetActor(ctx.db, w0);

  const id = await ctx.db.transaction(async (tx) => {
    await tx.query('SELECT id FROM annotators WHERE id = $1 FOR UPDATE', [a0.id]);
    const a = await getAnnotator(tx, orgId, a0.id);
    const w = await getWorkflow(tx, orgId, w0.id);
    const open = await tx.query(`SELECT 1 FROM assignments WHERE annotator_id = $1 AND status IN ('pending', 'in_progress')`, [a.id]);
    if (opts.auto && open.length) return null;
    const picked = await pickItems(tx, w, a.id);
    checkEligible(w, a, picked.rework);
    if (!picked.rework && w.max_projects !== null) {
      const used = await tx.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM assignments WHERE workflow_id = $1 AND annotator_id = $2 AND NOT is_rework AND status NOT IN ('cancelled', 'failed')`,
        [w.id, a.id],
      );
      if (used[0].n >= w.max_projects) throw conflict(`Annotator already has maxProjects (${w.max_projects}) batches of this workflow`);
    }
    if (picked.items.length === 0) throw conflict('No images available for assignment');
    const goldCount = picked.rework ? 0 : Math.round(picked.items.length * w.gold_standard_rate);
    const golds = goldCount > 0 ? await goldCandidates(tx, w.labeling_config_id!, a.id, goldCount) : [];
    const planned = interleave(picked.items, golds);

    const [assignment] = await tx.query<{ id: number }>(
      `INSERT INTO assignments (workflow_id, annotator_id, task_count, gold_task_count, is_rework) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [w.id, a.id, picked.items.length, golds.length, picked.rework],
    );
    const project = await createProject(tx, actor, {
      title: `${w.name} · ${a.name} · #${assignment.id}`.slice(0, 50),
      description: `LabelFleet assignment ${assignment.id} of workflow "${w.name}" for ${a.name}`,
      label_config: config.config_xml,
    });
    const mediaIds = planned.map(() => randomBytes(16).toString('base64url'));
    const rows = await Promise.all(planned.map(async (p, i) => ({ data: await taskData(cfg, store, p.key, mediaIds[i]), meta: {} })));
    const first = await reserveInnerIds(tx, project.id, rows.length);
    const taskIds = await insertTaskBatch(tx, project.id, first, JSON.stringify(rows), null);
    await tx.query(
      `INSERT INTO assignment_tasks (assignment_id, ls_task_id, item_id, is_gold, gold_task_id, media_id, media_key, position)
       SELECT $1, x.task, x.item, x.gold IS NOT NULL, x.gold, x.media, x.key, x.pos
       FROM unnest($2::bigint[], $3::bigint[], $4::int[], $5::text[], $6::text[], $7::int[]) AS x(task, item, gold, media, key, pos)`,
      [assignment.id, taskIds, planned.map((p) => p.item?.id ?? null), planned.map((p) => p.gold?.id ?? null), mediaIds, planned.map((p) => p.key), planned.map((_, i) => i)],
    );
    const predictions = planned.flatMap((p, i) => {
      const result = p.item ? upstreamPrediction(cfg, p.item.upstream_result) : null;
      return result ? [{ task: taskIds[i], result, model_version: 'upstream' }] : [];
    });
    if (predictions.length) await insertPredictions(tx, project, predictions);
    const itemIds = picked.items.map((i) => i.id);
    const taken = await tx.query(`UPDATE workflow_items SET status = 'assigned' WHERE id = ANY($1::bigint[]) AND status = 'available' RETURNING id`, [itemIds]);
    if (taken.length !== itemIds.length) throw new Error(`assignment ${assignment.id}: ${itemIds.length - taken.length} picked items were no longer available`);
    await tx.query('UPDATE rejections SET routed_to_assignment_id = $1 WHERE routed_item_id = ANY($2::bigint[])', [assignment.id, itemIds]);
    await tx.query('UPDATE assignments SET ls_project_id = $2 WHERE id = $1', [assignment.id, project.id]);
    // last: the workflow row stays locked only until the commit that follows
    const fresh = picked.items.filter((i) => i.rework_iteration === 0).length;
    if (fresh) await tx.query('UPDATE workflows SET total_images_assigned = total_images_assigned + $2 WHERE id = $1', [w.id, fresh]);
    return assignment.id;
  });
  return id === null ? null : ((await findAssignment(ctx.db, orgId, id)) ?? null);
}

export async function hasReservedItems(db: Queryable, workflowId: number, annotatorId: number): Promise<boolean> {
  const rows = await db.query(`SELECT 1 FROM workflow_items WHERE workflow_id = $1 AND reserved_annotator_id = $2 AND status = 'available' LIMIT 1`, [workflowId, annotatorId]);
  return rows.length > 0;
}
