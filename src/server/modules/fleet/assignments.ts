import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Ctx } from '../../context.js';
import type { Queryable } from '../../db/connection.js';
import { ANNOTATOR_SELECT, serializeAnnotator, type AnnotatorRow } from './annotators.js';
import { conflict, envelope, fleetNotFound, Id, IdParams, iso, managerOf, Pagination } from './http.js';
import { findWorkflow, serializeWorkflow } from './workflows.js';

export type AssignmentStatus = 'pending' | 'in_progress' | 'completed' | 'failed' | 'cancelled';

export interface AssignmentRow {
  id: number;
  workflow_id: number;
  annotator_id: number;
  ls_project_id: number | null;
  status: AssignmentStatus;
  task_count: number;
  gold_task_count: number;
  completed_count: number;
  is_rework: boolean;
  export_path: string | null;
  created_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
  annotator_name: string;
  annotator_email: string;
  annotator_status: string;
  workflow_name: string;
  organization_id: number;
}

const SELECT = `SELECT s.*, a.name AS annotator_name, a.email AS annotator_email, a.status AS annotator_status, w.name AS workflow_name, w.organization_id
  FROM assignments s JOIN annotators a ON a.id = s.annotator_id JOIN workflows w ON w.id = s.workflow_id`;

export async function findAssignment(db: Queryable, orgId: number, id: number): Promise<AssignmentRow | undefined> {
  return (await db.query<AssignmentRow>(`${SELECT} WHERE s.id = $1 AND w.organization_id = $2`, [id, orgId]))[0];
}

export function serializeAssignment(s: AssignmentRow) {
  return {
    id: s.id,
    workflowId: s.workflow_id,
    annotatorId: s.annotator_id,
    lsProjectId: s.ls_project_id,
    taskCount: s.task_count,
    goldTaskCount: s.gold_task_count,
    completedCount: s.completed_count,
    status: s.status,
    isRework: s.is_rework,
    exportPath: s.export_path,
    createdAt: iso(s.created_at),
    startedAt: iso(s.started_at),
    completedAt: iso(s.completed_at),
  };
}

const withRelations = (s: AssignmentRow) => ({
  ...serializeAssignment(s),
  annotator: { id: s.annotator_id, name: s.annotator_name, email: s.annotator_email, status: s.annotator_status },
  workflow: { id: s.workflow_id, name: s.workflow_name },
});

export async function assignmentsOfAnnotator(db: Queryable, annotatorId: number) {
  return (await db.query<AssignmentRow>(`${SELECT} WHERE s.annotator_id = $1 ORDER BY s.id DESC`, [annotatorId])).map(serializeAssignment);
}

interface TaskLine {
  id: number;
  ls_task_id: number;
  item_id: number | null;
  media_key: string;
  is_gold: boolean;
  gold_task_id: number | null;
  position: number;
  ls_annotation_id: number | null;
  completed_at: Date | null;
}

interface GoldLine {
  id: number;
  gold_task_id: number | null;
  gold_task_name: string | null;
  ls_task_id: number;
  score: number;
  details: unknown;
  evaluated_at: Date;
}

async function detail(ctx: Ctx, s: AssignmentRow) {
  const [annotator] = await ctx.db.query<AnnotatorRow>(`${ANNOTATOR_SELECT} WHERE a.id = $1`, [s.annotator_id]);
  const workflow = await findWorkflow(ctx.db, s.organization_id, s.workflow_id);
  const tasks = await ctx.db.query<TaskLine>('SELECT * FROM assignment_tasks WHERE assignment_id = $1 ORDER BY position', [s.id]);
  const gold = await ctx.db.query<GoldLine>(
    `SELECT g.id, g.gold_task_id, g.gold_task_name, t.ls_task_id, g.score, g.details, g.evaluated_at
     FROM gold_results g JOIN assignment_tasks t ON t.id = g.assignment_task_id WHERE g.assignment_id = $1 ORDER BY t.position`,
    [s.id],
  );
  return {
    ...serializeAssignment(s),
    annotator: await serializeAnnotator(ctx, annotator),
    workflow: workflow ? serializeWorkflow(workflow) : null,
    tasks: tasks.map((t) => ({
      id: t.id,
      lsTaskId: t.ls_task_id,
      itemId: t.item_id,
      imageKey: t.media_key,
      isGold: t.is_gold,
      goldTaskId: t.gold_task_id,
      position: t.position,
      lsAnnotationId: t.ls_annotation_id,
      completedAt: iso(t.completed_at),
    })),
    goldResults: gold.map((g) => ({ id: g.id, goldTaskId: g.gold_task_id, goldTaskName: g.gold_task_name, lsTaskId: g.ls_task_id, score: g.score, details: g.details, evaluatedAt: iso(g.evaluated_at) })),
  };
}

const AssignmentQuery = Pagination.extend({
  workflowId: Id.optional(),
  annotatorId: Id.optional(),
  status: z.enum(['pending', 'in_progress', 'completed', 'failed', 'cancelled']).optional(),
});

export function assignmentRoutes(app: FastifyInstance, ctx: Ctx): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['fleet: assignments'];
  const get = async (orgId: number, id: number) => {
    const s = await findAssignment(ctx.db, orgId, id);
    if (!s) throw fleetNotFound('Assignment');
    return s;
  };

  r.get('/api/assignments', { schema: { tags, querystring: AssignmentQuery } }, async (req) => {
    const q = req.query;
    const where = `w.organization_id = $1 AND ($2::int IS NULL OR s.workflow_id = $2) AND ($3::int IS NULL OR s.annotator_id = $3) AND ($4::text IS NULL OR s.status = $4)`;
    const params = [managerOf(req).orgId, q.workflowId ?? null, q.annotatorId ?? null, q.status ?? null];
    const rows = await ctx.db.query<AssignmentRow>(`${SELECT} WHERE ${where} ORDER BY s.id DESC LIMIT $5 OFFSET $6`, [...params, q.limit, q.offset]);
    const total = (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM assignments s JOIN workflows w ON w.id = s.workflow_id WHERE ${where}`, params))[0].n;
    return envelope(rows.map(withRelations), total, q);
  });

  r.get('/api/assignments/:id', { schema: { tags, params: IdParams } }, async (req) => detail(ctx, await get(managerOf(req).orgId, req.params.id)));

  r.delete('/api/assignments/:id', { schema: { tags, params: IdParams } }, async (req) => {
    const s = await get(managerOf(req).orgId, req.params.id);
    const rows = await ctx.db.query(`UPDATE assignments SET status = 'cancelled', updated_at = now() WHERE id = $1 AND status IN ('pending', 'in_progress') RETURNING id`, [s.id]);
    if (!rows.length) throw conflict(`Cannot cancel assignment with status ${s.status}`);
    return { success: true };
  });
}
