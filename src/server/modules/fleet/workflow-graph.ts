import type { Queryable } from '../../db/connection.js';
import { WORKFLOW_SELECT, type WorkflowRow } from './workflows.js';

interface Stats {
  workflow_id: number;
  total: number;
  completed: number;
  active_annotators: number;
  decisions: number;
  rejects: number;
}

/**
 * The workflow DAG: a node per workflow (with assignment and review figures), an "Archive" terminal per
 * workflow that archives rejections; edges for chaining (upstream → downstream, "accept") and rejection
 * routing ("reject"). rejectionRate is rejected / reviewed decisions on the workflow's own work.
 */
export async function workflowGraph(db: Queryable, orgId: number) {
  const workflows = await db.query<WorkflowRow>(`${WORKFLOW_SELECT} WHERE w.organization_id = $1 ORDER BY w.id`, [orgId]);
  const stats = await db.query<Stats>(
    `SELECT w.id AS workflow_id,
       (SELECT count(*) FROM assignments s WHERE s.workflow_id = w.id)::int AS total,
       (SELECT count(*) FROM assignments s WHERE s.workflow_id = w.id AND s.status = 'completed')::int AS completed,
       (SELECT count(DISTINCT s.annotator_id) FROM assignments s WHERE s.workflow_id = w.id AND s.status IN ('pending', 'in_progress'))::int AS active_annotators,
       (SELECT count(*) FROM review_decisions d WHERE d.origin_workflow_id = w.id)::int AS decisions,
       (SELECT count(*) FROM review_decisions d WHERE d.origin_workflow_id = w.id AND d.decision = 'reject')::int AS rejects
     FROM workflows w WHERE w.organization_id = $1`,
    [orgId],
  );
  const byId = new Map(stats.map((s) => [s.workflow_id, s]));
  const nodes: Record<string, unknown>[] = [];
  const edges: { source: number | string; target: number | string; type: 'chain' | 'rejection'; label: string }[] = [];
  for (const w of workflows) {
    const s = byId.get(w.id);
    nodes.push({
      id: w.id,
      name: w.name,
      type: 'workflow',
      roleId: w.role_id,
      roleName: w.role_name,
      roleColor: w.role_color,
      isActive: w.is_active,
      rejectionMode: w.rejection_mode,
      stats: {
        totalAssignments: s?.total ?? 0,
        completedAssignments: s?.completed ?? 0,
        activeAnnotators: s?.active_annotators ?? 0,
        rejectionRate: s && s.decisions > 0 ? s.rejects / s.decisions : 0,
      },
    });
    if (w.previous_workflow_id !== null) edges.push({ source: w.previous_workflow_id, target: w.id, type: 'chain', label: 'accept' });
    if (w.rejection_mode === 'route_to_workflow' && w.rejection_route_workflow_id !== null) {
      edges.push({ source: w.id, target: w.rejection_route_workflow_id, type: 'rejection', label: 'reject' });
    }
    if (w.rejection_mode === 'archive') {
      nodes.push({ id: `archive-${w.id}`, name: 'Archive', type: 'terminal' });
      edges.push({ source: w.id, target: `archive-${w.id}`, type: 'rejection', label: 'reject' });
    }
  }
  return { nodes, edges };
}

/** The chain a workflow sits in, from its origin to a terminal workflow (the first downstream one at a fork). */
export async function workflowChain(db: Queryable, orgId: number, w: WorkflowRow) {
  const all = await db.query<{ id: number; name: string; previous_workflow_id: number | null }>(
    'SELECT id, name, previous_workflow_id FROM workflows WHERE organization_id = $1 ORDER BY id',
    [orgId],
  );
  const byId = new Map(all.map((x) => [x.id, x]));
  const up: typeof all = [];
  const seen = new Set<number>([w.id]);
  for (let p = w.previous_workflow_id; p !== null && byId.has(p) && !seen.has(p); p = byId.get(p)!.previous_workflow_id) {
    seen.add(p);
    up.unshift(byId.get(p)!);
  }
  const down: typeof all = [];
  for (let cur = w.id; ; ) {
    const next = all.find((x) => x.previous_workflow_id === cur && !seen.has(x.id));
    if (!next) break;
    seen.add(next.id);
    down.push(next);
    cur = next.id;
  }
  return [...up, byId.get(w.id)!, ...down].map((x) => ({ id: x.id, name: x.name, previousWorkflowId: x.previous_workflow_id }));
}
