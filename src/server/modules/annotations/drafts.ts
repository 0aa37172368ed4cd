import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Ctx } from '../../context.js';
import type { Queryable } from '../../db/connection.js';
import { notFound } from '../../errors.js';
import { actorOf } from '../../plugins/auth.js';
import { idParam, IdParams, isoTime, lsBool } from '../../wire.js';
import { getTask } from '../tasks/service.js';
import type { Actor } from '../users/service.js';
import { checkResult, getAnnotation } from './service.js';

interface DraftRow {
  id: number;
  task_id: number;
  annotation_id: number | null;
  user_id: number;
  result: unknown[];
  lead_time: number | null;
  was_postponed: boolean;
  created_at: Date;
  updated_at: Date;
}

export const serializeDraft = (d: DraftRow) => ({
  id: d.id,
  user: d.user_id,
  created_username: '',
  created_ago: '',
  result: d.result,
  lead_time: d.lead_time,
  was_postponed: d.was_postponed,
  import_id: null,
  created_at: isoTime(d.created_at),
  updated_at: isoTime(d.updated_at),
  task: d.task_id,
  annotation: d.annotation_id,
});

const DraftBody = z.object({ result: z.unknown().optional(), lead_time: z.coerce.number().nullish(), was_postponed: lsBool.optional() }).loose();

export const draftsOfUser = (db: Queryable, taskIds: number[], userId: number) =>
  db.query<DraftRow>('SELECT * FROM drafts WHERE task_id = ANY($1::bigint[]) AND user_id = $2 ORDER BY id', [taskIds, userId]);

async function ownDraft(db: Queryable, actor: Actor, id: number): Promise<DraftRow> {
  const d = (await db.query<DraftRow>('SELECT * FROM drafts WHERE id = $1', [id]))[0];
  if (!d || d.user_id !== actor.id) throw notFound();
  return d;
}

/** Drafts: one user's unsaved work on a task (or on one of their annotations), saved as they label. */
export function draftRoutes(app: FastifyInstance, ctx: Ctx): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['drafts'];
  const insert = async (actor: Actor, taskId: number, annotationId: number | null, body: z.infer<typeof DraftBody>) => {
    await getTask(ctx.db, actor, taskId);
    if (annotationId !== null && (await getAnnotation(ctx.db, actor, annotationId)).task_id !== taskId) throw notFound();
    const result = checkResult(body.result ?? []);
    const rows = await ctx.db.query<DraftRow>(
      'INSERT INTO drafts (task_id, annotation_id, user_id, result, lead_time, was_postponed) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *',
      [taskId, annotationId, actor.id, JSON.stringify(result), body.lead_time ?? null, body.was_postponed ?? false],
    );
    return serializeDraft(rows[0]);
  };
  r.get('/api/tasks/:id/drafts', { schema: { tags, params: IdParams } }, async (req) => {
    await getTask(ctx.db, actorOf(req), req.params.id);
    return (await draftsOfUser(ctx.db, [req.params.id], actorOf(req).id)).map(serializeDraft);
  });
  r.post('/api/tasks/:id/drafts', { schema: { tags, params: IdParams, body: DraftBody } }, async (req, reply) =>
    reply.status(201).send(await insert(actorOf(req), req.params.id, null, req.body)),
  );
  r.post('/api/tasks/:id/annotations/:annotationId/drafts', { schema: { tags, params: z.object({ id: idParam, annotationId: idParam }), body: DraftBody } }, async (req, reply) =>
    reply.status(201).send(await insert(actorOf(req), req.params.id, req.params.annotationId, req.body)),
  );
  r.get('/api/drafts/:id', { schema: { tags, params: IdParams } }, async (req) => serializeDraft(await ownDraft(ctx.db, actorOf(req), req.params.id)));
  r.patch('/api/drafts/:id', { schema: { tags, params: IdParams, body: DraftBody } }, async (req) => {
    const d = await ownDraft(ctx.db, actorOf(req), req.params.id);
    const result = req.body.result === undefined ? d.result : checkResult(req.body.result);
    const rows = await ctx.db.query<DraftRow>(
      'UPDATE drafts SET result = $2, lead_time = coalesce($3, lead_time), was_postponed = coalesce($4, was_postponed), updated_at = now() WHERE id = $1 RETURNING *',
      [d.id, JSON.stringify(result), req.body.lead_time ?? null, req.body.was_postponed ?? null],
    );
    return serializeDraft(rows[0]);
  });
  r.delete('/api/drafts/:id', { schema: { tags, params: IdParams } }, async (req, reply) => {
    const d = await ownDraft(ctx.db, actorOf(req), req.params.id);
    await ctx.db.query('DELETE FROM drafts WHERE id = $1', [d.id]);
    return reply.status(204).send();
  });
}
