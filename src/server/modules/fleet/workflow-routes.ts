import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Ctx } from '../../context.js';
import type { Queryable } from '../../db/connection.js';
import type { Actor } from '../users/service.js';
import { assignNextBatch } from './assign.js';
import { serializeAssignment } from './assignments.js';
import { autoAssignIdle } from './auto-assign.js';
import { envelope, Id, IdParams, managerOf, Pagination } from './http.js';
import { pullUpstreamItems, syncSourceItems } from './workflow-items.js';
import { workflowChain, workflowGraph } from './workflow-graph.js';
import {
  findWorkflow,
  getWorkflow,
  insertWorkflow,
  listWorkflows,
  serializeWorkflow,
  updateWorkflow,
  WorkflowCreate,
  WorkflowUpdate,
  type WorkflowCreateInput,
  type WorkflowRow,
} from './workflows.js';

async function createAll(ctx: Ctx, actor: Actor, inputs: WorkflowCreateInput[]): Promise<WorkflowRow[]> {
  const created = await ctx.db.transaction(async (tx: Queryable) => {
    const out: WorkflowRow[] = [];
    for (const input of inputs) {
      const w = await insertWorkflow(tx, actor, input);
      await pullUpstreamItems(tx, w);
      out.push(w);
    }
    return out;
  });
  // the source folder is read once now so the counters show; a missing folder or storage is not an error yet
  for (const w of created) await syncSourceItems(ctx, w).catch(() => undefined);
  if (created.some((w) => w.previous_workflow_id !== null)) await autoAssignIdle(ctx, actor.orgId);
  return Promise.all(created.map(async (w) => (await findWorkflow(ctx.db, actor.orgId, w.id))!));
}

export function workflowRoutes(app: FastifyInstance, ctx: Ctx): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['fleet: workflows'];

  r.get('/api/workflows', { schema: { tags, querystring: Pagination } }, async (req) => {
    const { rows, total } = await listWorkflows(ctx.db, managerOf(req).orgId, req.query.limit, req.query.offset);
    return envelope(rows.map(serializeWorkflow), total, req.query);
  });

  r.post('/api/workflows', { schema: { tags, body: WorkflowCreate } }, async (req, reply) => {
    const [w] = await createAll(ctx, managerOf(req), [req.body]);
    return reply.status(201).send(serializeWorkflow(w));
  });

  r.post('/api/workflows/bulk', { schema: { tags, body: z.object({ workflows: z.array(WorkflowCreate).min(1).max(50) }) } }, async (req, reply) => {
    const created = await createAll(ctx, managerOf(req), req.body.workflows);
    return reply.status(201).send({ created: created.length, workflows: created.map(serializeWorkflow) });
  });

  r.get('/api/workflows/graph', { schema: { tags } }, async (req) => workflowGraph(ctx.db, managerOf(req).orgId));

  r.get('/api/workflows/:id', { schema: { tags, params: IdParams } }, async (req) => {
    const orgId = managerOf(req).orgId;
    const w = await getWorkflow(ctx.db, orgId, req.params.id);
    return { ...serializeWorkflow(w), chain: await workflowChain(ctx.db, orgId, w) };
  });

  r.put('/api/workflows/:id', { schema: { tags, params: IdParams, body: WorkflowUpdate } }, async (req) => {
    const actor = managerOf(req);
    const w = await ctx.db.transaction((tx) => updateWorkflow(tx, actor, req.params.id, req.body));
    // resumed or repointed: the folder may hold new items, idle annotators may get them
    await syncSourceItems(ctx, w).catch(() => undefined);
    if (req.body.isActive === true || req.body.autoAssign === true) await autoAssignIdle(ctx, actor.orgId);
    return serializeWorkflow((await findWorkflow(ctx.db, actor.orgId, w.id))!);
  });

  r.delete('/api/workflows/:id', { schema: { tags, params: IdParams } }, async (req) => {
    const w = await getWorkflow(ctx.db, managerOf(req).orgId, req.params.id);
    await ctx.db.query('DELETE FROM workflows WHERE id = $1', [w.id]);
    return { success: true };
  });

  // not in the text: lists the source now (new uploads show without waiting for fleet.sourceRescanSeconds)
  r.post('/api/workflows/:id/sync', { schema: { tags, params: IdParams } }, async (req) => {
    const orgId = managerOf(req).orgId;
    const added = await syncSourceItems(ctx, await getWorkflow(ctx.db, orgId, req.params.id));
    if (added > 0) await autoAssignIdle(ctx, orgId);
    return { success: true, added, workflow: serializeWorkflow((await findWorkflow(ctx.db, orgId, req.params.id))!) };
  });

  r.post('/api/workflows/:id/assign', { schema: { tags, params: IdParams, body: z.object({ annotatorId: Id }) } }, async (req) => {
    const assignment = (await assignNextBatch(ctx, managerOf(req).orgId, req.params.id, req.body.annotatorId, { auto: false }))!;
    return { success: true, assignment: serializeAssignment(assignment) };
  });
}
