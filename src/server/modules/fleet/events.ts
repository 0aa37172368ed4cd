import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Ctx } from '../../context.js';
import { envelope, Id, iso, managerOf, Pagination } from './http.js';

interface EventRow {
  type: 'container' | 'annotation';
  id: number;
  annotator_id: number;
  annotator_name: string;
  event_type: string;
  from_status: string | null;
  to_status: string | null;
  message: string | null;
  assignment_id: number | null;
  ls_project_id: number | null;
  ls_task_id: number | null;
  ls_annotation_id: number | null;
  time_spent_ms: number | null;
  source: string | null;
  created_at: Date;
}

// both kinds in one column list, so one ORDER BY and one LIMIT page through them together
const MERGED = `
  SELECT 'container' AS type, c.id, c.annotator_id, a.name AS annotator_name, c.event_type, c.from_status, c.to_status, c.message,
    NULL::int AS assignment_id, NULL::int AS ls_project_id, NULL::bigint AS ls_task_id, NULL::bigint AS ls_annotation_id,
    NULL::int AS time_spent_ms, NULL::text AS source, c.created_at
  FROM container_events c JOIN annotators a ON a.id = c.annotator_id
  WHERE a.organization_id = $1 AND ($2::int IS NULL OR c.annotator_id = $2) AND ($3::text IS NULL OR $3 = 'container')
  UNION ALL
  SELECT 'annotation', e.id, e.annotator_id, a.name, e.event_type, NULL, NULL, NULL,
    e.assignment_id, e.ls_project_id, e.ls_task_id, e.ls_annotation_id, e.time_spent_ms, e.source, e.created_at
  FROM annotation_events e JOIN annotators a ON a.id = e.annotator_id
  WHERE a.organization_id = $1 AND ($2::int IS NULL OR e.annotator_id = $2) AND ($3::text IS NULL OR $3 = 'annotation')`;

function serialize(e: EventRow) {
  const base = { id: e.id, type: e.type, annotatorId: e.annotator_id, annotatorName: e.annotator_name, eventType: e.event_type, createdAt: iso(e.created_at) };
  if (e.type === 'container') return { ...base, fromStatus: e.from_status, toStatus: e.to_status, message: e.message };
  return { ...base, assignmentId: e.assignment_id, lsProjectId: e.ls_project_id, lsTaskId: e.ls_task_id, lsAnnotationId: e.ls_annotation_id, timeSpentMs: e.time_spent_ms, source: e.source };
}

const EventQuery = Pagination.extend({ type: z.enum(['container', 'annotation']).optional(), annotatorId: Id.optional() });

/** Container (workspace lifecycle) and annotation events, merged, newest first. */
export function eventRoutes(app: FastifyInstance, ctx: Ctx): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/api/events', { schema: { tags: ['fleet: events'], querystring: EventQuery } }, async (req) => {
    const q = req.query;
    const params = [managerOf(req).orgId, q.annotatorId ?? null, q.type ?? null];
    const rows = await ctx.db.query<EventRow>(`SELECT * FROM (${MERGED}) e ORDER BY created_at DESC, type, id DESC LIMIT $4 OFFSET $5`, [...params, q.limit, q.offset]);
    const total = (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${MERGED}) e`, params))[0].n;
    return envelope(rows.map(serialize), total, q);
  });
}
