import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Ctx } from '../../context.js';
import type { Queryable } from '../../db/connection.js';
import { iso, managerOf } from './http.js';
import { settingValue } from './settings.js';

/**
 * Quality: gold accuracy (the mean evaluation score), the threshold from the `quality.accuracyThreshold`
 * setting (default 0.7), and review figures. reworkRate is the share of review decisions that sent work
 * back for rework; an annotator's rejectionRate is rejectionCount / reviewedCount.
 */
export async function qualityReport(db: Queryable, orgId: number) {
  const threshold = Number(await settingValue<unknown>(db, orgId, 'quality.accuracyThreshold', 0.7));
  const [overall] = await db.query<{ accuracy: number | null; decisions: number; reworked: number }>(
    `SELECT (SELECT avg(g.score) FROM gold_results g JOIN annotators a ON a.id = g.annotator_id WHERE a.organization_id = $1)::float8 AS accuracy,
       (SELECT count(*) FROM review_decisions d JOIN workflows w ON w.id = d.origin_workflow_id WHERE w.organization_id = $1)::int AS decisions,
       (SELECT count(*) FROM rejections j JOIN workflows w ON w.id = j.origin_workflow_id
         WHERE w.organization_id = $1 AND j.action_taken = 'route_to_workflow' AND NOT j.escalated)::int AS reworked`,
    [orgId],
  );
  const people = await db.query<{ id: number; name: string; accuracy: number | null; evaluations: number; rejection_count: number; reviewed_count: number }>(
    `SELECT a.id, a.name, avg(g.score)::float8 AS accuracy, count(g.id)::int AS evaluations, a.rejection_count, a.reviewed_count
     FROM annotators a LEFT JOIN gold_results g ON g.annotator_id = a.id
     WHERE a.organization_id = $1 AND a.status <> 'deleted' GROUP BY a.id ORDER BY a.id`,
    [orgId],
  );
  const evaluations = await db.query<{ annotator_id: number; name: string; gold_task_name: string | null; score: number; evaluated_at: Date }>(
    `SELECT g.annotator_id, a.name, g.gold_task_name, g.score, g.evaluated_at FROM gold_results g JOIN annotators a ON a.id = g.annotator_id
     WHERE a.organization_id = $1 ORDER BY g.evaluated_at DESC, g.id DESC LIMIT 20`,
    [orgId],
  );
  const rejections = await db.query<{ original_annotator_id: number | null; original: string | null; reviewer: string | null; image_key: string | null; reason: string | null; action_taken: string; created_at: Date }>(
    `SELECT j.original_annotator_id, o.name AS original, v.name AS reviewer, j.image_key, j.reason, j.action_taken, j.created_at
     FROM rejections j JOIN workflows w ON w.id = j.origin_workflow_id LEFT JOIN annotators o ON o.id = j.original_annotator_id LEFT JOIN annotators v ON v.id = j.reviewer_annotator_id
     WHERE w.organization_id = $1 ORDER BY j.id DESC LIMIT 20`,
    [orgId],
  );
  const scored = people.filter((p) => p.evaluations > 0);
  return {
    overallAccuracy: overall.accuracy,
    accuracyThreshold: threshold,
    belowThresholdCount: scored.filter((p) => (p.accuracy ?? 0) < threshold).length,
    reworkRate: overall.decisions === 0 ? 0 : overall.reworked / overall.decisions,
    annotatorScores: people
      .filter((p) => p.evaluations > 0 || p.reviewed_count > 0)
      .map((p) => ({
        annotatorId: p.id,
        annotatorName: p.name,
        accuracy: p.accuracy,
        evaluationCount: p.evaluations,
        rejectionCount: p.rejection_count,
        reviewedCount: p.reviewed_count,
        rejectionRate: p.reviewed_count === 0 ? 0 : p.rejection_count / p.reviewed_count,
      })),
    recentEvaluations: evaluations.map((e) => ({ annotatorId: e.annotator_id, annotatorName: e.name, goldTaskName: e.gold_task_name, score: e.score, evaluatedAt: iso(e.evaluated_at) })),
    recentRejections: rejections.map((j) => ({
      originalAnnotatorId: j.original_annotator_id,
      originalAnnotatorName: j.original,
      reviewerAnnotatorName: j.reviewer,
      imageKey: j.image_key,
      reason: j.reason,
      actionTaken: j.action_taken,
      createdAt: iso(j.created_at),
    })),
  };
}

export function qualityRoutes(app: FastifyInstance, ctx: Ctx): void {
  app.withTypeProvider<ZodTypeProvider>().get('/api/quality', { schema: { tags: ['fleet: quality'] } }, async (req) => qualityReport(ctx.db, managerOf(req).orgId));
}
