import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Ctx } from '../../context.js';
import { findAssignment, serializeAssignment } from './assignments.js';
import { envelope, fleetNotFound, Id, IdParams, iso, managerOf, Pagination } from './http.js';
import { findWorkflow, serializeWorkflow } from './workflows.js';

interface RejectionRow {
  id: number;
  workflow_id: number | null;
  origin_workflow_id: number | null;
  original_annotator_id: number | null;
  reviewer_annotator_id: number | null;
  reviewer_assignment_id: number | null;
  original_assignment_id: number | null;
  routed_to_workflow_id: number | null;
  routed_to_assignment_id: number | null;
  image_key: string | null;
  reason: string | null;
  action_taken: string;
  rework_iteration: number;
  escalated: boolean;
  archive_path: string | null;
  ls_task_id: number | null;
  created_at: Date;
  original_name: string | null;
  original_email: string | null;
  reviewer_name: string | null;
  reviewer_email: string | null;
}

// organization: through either annotator (one of them survives a deletion) or the workflow
const SELECT = `SELECT j.*, o.name AS original_name, o.email AS original_email, v.name AS reviewer_name, v.email AS reviewer_email
  FROM rejections j LEFT JOIN annotators o ON o.id = j.original_annotator_id LEFT JOIN annotators v ON v.id = j.reviewer_annotator_id
  LEFT JOIN workflows w ON w.id = coalesce(j.workflow_id, j.origin_workflow_id)
  WHERE coalesce(w.organization_id, o.organization_id, v.organization_id) = $1`;

const person = (id: number | null, name: string | null, email: string | null) => (id === null ? null : { id, name, email });

const serialize = (j: RejectionRow) => ({
  id: j.id,
  workflowId: j.workflow_id,
  originWorkflowId: j.origin_workflow_id,
  originalAnnotatorId: j.original_annotator_id,
  reviewerAnnotatorId: j.reviewer_annotator_id,
  reviewerAssignmentId: j.reviewer_assignment_id,
  originalAssignmentId: j.original_assignment_id,
  routedToWorkflowId: j.routed_to_workflow_id,
  routedToAssignmentId: j.routed_to_assignment_id,
  imageKey: j.image_key,
  reason: j.reason,
  actionTaken: j.action_taken,
  reworkIteration: j.rework_iteration,
  escalated: j.escalated,
  archivePath: j.archive_path,
  lsTaskId: j.ls_task_id,
  createdAt: iso(j.created_at),
  originalAnnotator: person(j.original_annotator_id, j.original_name, j.original_email),
  reviewerAnnotator: person(j.reviewer_annotator_id, j.reviewer_name, j.reviewer_email),
});

const RejectionQuery = Pagination.extend({
  workflowId: Id.optional(),
  annotatorId: Id.optional(),
  actionTaken: z.enum(['none', 'archive', 'route_to_workflow']).optional(),
});

export function rejectionRoutes(app: FastifyInstance, ctx: Ctx): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['fleet: rejections'];

  r.get('/api/rejections', { schema: { tags, querystring: RejectionQuery } }, async (req) => {
    const q = req.query;
    const filter = `AND ($2::int IS NULL OR j.workflow_id = $2) AND ($3::int IS NULL OR j.original_annotator_id = $3) AND ($4::text IS NULL OR j.action_taken = $4)`;
    const params = [managerOf(req).orgId, q.workflowId ?? null, q.annotatorId ?? null, q.actionTaken ?? null];
    const rows = await ctx.db.query<RejectionRow>(`${SELECT} ${filter} ORDER BY j.id DESC LIMIT $5 OFFSET $6`, [...params, q.limit, q.offset]);
    const total = (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${SELECT} ${filter}) x`, params))[0].n;
    return envelope(rows.map(serialize), total, q);
  });

  r.get('/api/rejections/:id', { schema: { tags, params: IdParams } }, async (req) => {
    const orgId = managerOf(req).orgId;
    const j = (await ctx.db.query<RejectionRow>(`${SELECT} AND j.id = $2`, [orgId, req.params.id]))[0];
    if (!j) throw fleetNotFound('Rejection');
    const assignment = async (id: number | null) => {
      const s = id === null ? undefined : await findAssignment(ctx.db, orgId, id);
      return s ? serializeAssignment(s) : null;
    };
    const reviewer = j.reviewer_assignment_id === null ? undefined : await findAssignment(ctx.db, orgId, j.reviewer_assignment_id);
    const reviewerWorkflow = reviewer ? await findWorkflow(ctx.db, orgId, reviewer.workflow_id) : undefined;
    return {
      ...serialize(j),
      reviewerAssignment: reviewer ? { ...serializeAssignment(reviewer), workflow: reviewerWorkflow ? serializeWorkflow(reviewerWorkflow) : null } : null,
      originalAssignment: await assignment(j.original_assignment_id),
      routedToAssignment: await assignment(j.routed_to_assignment_id),
    };
  });
}
