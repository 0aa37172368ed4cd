import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Ctx } from '../../context.js';
import type { Queryable } from '../../db/connection.js';
import { getAnnotator } from './annotators.js';
import { IdParams, iso, managerOf } from './http.js';

/**
 * Throughput figures, all computed from annotation events (submitted annotations are `annotation_created`)
 * and container events. "Today" is the current UTC day; per-hour series cover the last 24 hours.
 */
const CREATED = `event_type = 'annotation_created'`;
const TODAY = `created_at >= date_trunc('day', now(), 'UTC')`;

async function overview(db: Queryable, orgId: number) {
  const [head] = await db.query<{ active: number; today: number; in_progress: number }>(
    `SELECT (SELECT count(*) FROM annotators WHERE organization_id = $1 AND status = 'active')::int AS active,
       (SELECT count(*) FROM annotation_events e JOIN annotators a ON a.id = e.annotator_id WHERE a.organization_id = $1 AND e.${CREATED} AND e.${TODAY})::int AS today,
       (SELECT count(*) FROM assignments s JOIN workflows w ON w.id = s.workflow_id WHERE w.organization_id = $1 AND s.status = 'in_progress')::int AS in_progress`,
    [orgId],
  );
  const hours = await db.query<{ hour: Date; count: number }>(
    `SELECT h.hour, count(e.id)::int AS count
     FROM generate_series(date_trunc('hour', now()) - interval '23 hours', date_trunc('hour', now()), interval '1 hour') AS h(hour)
     LEFT JOIN (SELECT e.id, e.created_at FROM annotation_events e JOIN annotators a ON a.id = e.annotator_id WHERE a.organization_id = $1 AND e.${CREATED}) e
       ON e.created_at >= h.hour AND e.created_at < h.hour + interval '1 hour'
     GROUP BY h.hour ORDER BY h.hour`,
    [orgId],
  );
  const people = await db.query<{ id: number; name: string; today: number; avg_ms: number | null; tasks: number; done: number }>(
    `SELECT a.id, a.name,
       (SELECT count(*) FROM annotation_events e WHERE e.annotator_id = a.id AND e.${CREATED} AND e.${TODAY})::int AS today,
       (SELECT avg(e.time_spent_ms) FROM annotation_events e WHERE e.annotator_id = a.id AND e.${CREATED} AND e.time_spent_ms IS NOT NULL)::float8 AS avg_ms,
       (SELECT count(*) FROM assignment_tasks t JOIN assignments s ON s.id = t.assignment_id WHERE s.annotator_id = a.id AND s.status <> 'cancelled')::int AS tasks,
       (SELECT count(*) FROM assignment_tasks t JOIN assignments s ON s.id = t.assignment_id WHERE s.annotator_id = a.id AND s.status <> 'cancelled' AND t.completed_at IS NOT NULL)::int AS done
     FROM annotators a WHERE a.organization_id = $1 AND a.status <> 'deleted' ORDER BY a.id`,
    [orgId],
  );
  return {
    activeAnnotators: head.active,
    todayAnnotations: head.today,
    inProgressAssignments: head.in_progress,
    annotationsPerHour: hours.map((h) => ({ hour: iso(h.hour), count: h.count })),
    annotatorSummaries: people.map((p) => ({
      id: p.id,
      name: p.name,
      todayCount: p.today,
      avgTimeMs: p.avg_ms === null ? null : Math.round(p.avg_ms),
      // share of the tasks handed to them (in batches not cancelled) that they have done
      completionRate: p.tasks === 0 ? 0 : p.done / p.tasks,
    })),
  };
}

const formatUptime = (ms: number) => `${Math.floor(ms / 3_600_000)}h ${Math.floor((ms % 3_600_000) / 60_000)}m`;

async function ofAnnotator(ctx: Ctx, orgId: number, id: number) {
  const a = await getAnnotator(ctx.db, orgId, id);
  const db = ctx.db;
  const [f] = await db.query<{ up_since: Date | null; now: Date; today: number; day: number; first_day: Date | null }>(
    `SELECT (SELECT max(created_at) FROM container_events WHERE annotator_id = $1 AND to_status = 'active') AS up_since, now() AS now,
       (SELECT count(*) FROM annotation_events WHERE annotator_id = $1 AND ${CREATED} AND ${TODAY})::int AS today,
       (SELECT count(*) FROM annotation_events WHERE annotator_id = $1 AND ${CREATED} AND created_at > now() - interval '24 hours')::int AS day,
       (SELECT min(created_at) FROM annotation_events WHERE annotator_id = $1 AND ${CREATED} AND created_at > now() - interval '24 hours') AS first_day`,
    [a.id],
  );
  const buckets = await db.query<{ bucket: string; count: number }>(
    `SELECT b.bucket, count(e.id)::int AS count
     FROM (VALUES (1, '0-10s', 0, 10000), (2, '10-30s', 10000, 30000), (3, '30-60s', 30000, 60000), (4, '60s+', 60000, NULL)) AS b(n, bucket, lo, hi)
     LEFT JOIN annotation_events e ON e.annotator_id = $1 AND e.${CREATED} AND e.time_spent_ms >= b.lo AND (b.hi IS NULL OR e.time_spent_ms < b.hi)
     GROUP BY b.n, b.bucket ORDER BY b.n`,
    [a.id],
  );
  const [stats] = await db.query<{ total: number; completed: number; open: number }>(
    `SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'completed')::int AS completed,
       count(*) FILTER (WHERE status IN ('pending', 'in_progress'))::int AS open FROM assignments WHERE annotator_id = $1`,
    [a.id],
  );
  const recent = await db.query<{ event_type: string; ls_task_id: number | null; time_spent_ms: number | null; created_at: Date }>(
    'SELECT event_type, ls_task_id, time_spent_ms, created_at FROM annotation_events WHERE annotator_id = $1 ORDER BY created_at DESC, id DESC LIMIT 20',
    [a.id],
  );
  // the rate over the last 24 hours, from the first annotation in them (at least one hour) to now
  const spanHours = f.first_day ? Math.max(1, (f.now.getTime() - f.first_day.getTime()) / 3_600_000) : 1;
  return {
    annotator: { id: a.id, name: a.name, status: a.status },
    containerUptime: a.status === 'active' && f.up_since ? formatUptime(f.now.getTime() - f.up_since.getTime()) : '0h 0m',
    todayAnnotations: f.today,
    annotationsPerHour: Math.round((f.day / spanHours) * 10) / 10,
    timeDistribution: buckets,
    assignmentStats: { total: stats.total, completed: stats.completed, inProgress: stats.open },
    recentEvents: recent.map((e) => ({ eventType: e.event_type, lsTaskId: e.ls_task_id, timeSpentMs: e.time_spent_ms, createdAt: iso(e.created_at) })),
  };
}

export function monitoringRoutes(app: FastifyInstance, ctx: Ctx): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['fleet: monitoring'];
  r.get('/api/monitoring', { schema: { tags } }, async (req) => overview(ctx.db, managerOf(req).orgId));
  r.get('/api/monitoring/annotator/:id', { schema: { tags, params: IdParams } }, async (req) => ofAnnotator(ctx, managerOf(req).orgId, req.params.id));
}
