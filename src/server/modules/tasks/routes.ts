import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Ctx } from '../../context.js';
import type { Queryable } from '../../db/connection.js';
import { AppError } from '../../errors.js';
import { actorOf } from '../../plugins/auth.js';
import { IdParams, lsBool } from '../../wire.js';
import { draftsOfUser, serializeDraft } from '../annotations/drafts.js';
import { serializeAnnotation } from '../annotations/serialize.js';
import { annotationsOfTasks } from '../annotations/service.js';
import { parseDmQuery, type DmQuery } from '../dm/filters.js';
import { viewQuery } from '../dm/views.js';
import { predictionsOfTasks, serializePrediction } from '../predictions/service.js';
import { getProject } from '../projects/service.js';
import { canManageProjects, type Actor } from '../users/service.js';
import { listTaskPage } from './list.js';
import { nextTask } from './next-task.js';
import type { TaskRow } from './queries.js';
import { serializeTask } from './serialize.js';
import { resolveStorageUris } from '../storage/media.js';
import * as tasks from './service.js';

const TaskListQuery = z.object({
  project: z.coerce.number().int().optional(),
  view: z.coerce.number().int().optional(),
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(100_000).default(100),
  fields: z.enum(['all', 'task_only']).default('task_only'),
  include: z.string().optional(),
  query: z.string().optional(),
  only_annotated: lsBool.optional(),
  resolve_uri: lsBool.optional(),
  review: lsBool.optional(),
});

/** Tasks with their annotations, predictions and the caller's drafts, loaded in three queries per page. */
export async function withDetails(db: Queryable, actor: Actor, rows: TaskRow[]) {
  const ids = rows.map((t) => t.id);
  const [anns, preds, drafts] = ids.length ? await Promise.all([annotationsOfTasks(db, ids), predictionsOfTasks(db, ids), draftsOfUser(db, ids, actor.id)]) : [[], [], []];
  const visible = canManageProjects(actor) ? anns : anns.filter((a) => a.completed_by === actor.id);
  return rows.map((t) => {
    const mine = visible.filter((a) => a.task_id === t.id);
    return serializeTask(t, {
      annotations: mine.map(serializeAnnotation),
      predictions: preds.filter((p) => p.task_id === t.id).map(serializePrediction),
      drafts: drafts.filter((d) => d.task_id === t.id).map(serializeDraft),
      annotators: [...new Set(mine.map((a) => a.completed_by).filter((u): u is number => u !== null))],
    });
  });
}

/** A saved view's filters and ordering hold unless the request brings non-empty ones (the legacy SDK sends nulls). */
function mergeViewQuery(view: DmQuery, request: DmQuery): DmQuery {
  return {
    filters: request.filters?.items?.length ? request.filters : view.filters,
    ordering: request.ordering?.length ? request.ordering : view.ordering,
    selectedItems: request.selectedItems ?? view.selectedItems,
  };
}

const TaskBody = z.object({ data: z.unknown().optional(), meta: z.unknown().optional(), project: z.coerce.number().int().optional() }).loose();

export function taskRoutes(app: FastifyInstance, ctx: Ctx): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['tasks'];

  const list = async (actor: Actor, projectId: number, qs: z.infer<typeof TaskListQuery>) => {
    await getProject(ctx.db, actor, projectId);
    const base = qs.view ? await viewQuery(ctx.db, projectId, qs.view) : {};
    const query = mergeViewQuery(base, parseDmQuery(qs.query));
    const { rows, totals } = await listTaskPage(ctx.db, { projectId, query, onlyAnnotated: qs.only_annotated }, qs.page, qs.page_size);
    const include = qs.include?.split(',').map((s) => s.trim()).filter(Boolean);
    let out: Record<string, unknown>[] = qs.fields === 'all' ? await withDetails(ctx.db, actor, rows) : rows.map((t) => serializeTask(t));
    if (qs.resolve_uri) out = await resolveStorageUris(ctx.db, projectId, out as { id: number; data: unknown }[]);
    if (include?.length) out = out.map((t) => Object.fromEntries(include.filter((k) => k in t).map((k) => [k, t[k]])));
    return { tasks: out, ...totals };
  };

  r.get('/api/tasks', { schema: { tags, querystring: TaskListQuery } }, async (req) => {
    const actor = actorOf(req);
    let projectId = req.query.project;
    if (!projectId && req.query.view) projectId = (await ctx.db.query<{ project_id: number }>('SELECT project_id FROM dm_views WHERE id = $1', [req.query.view]))[0]?.project_id;
    if (!projectId) throw new AppError('invalid', 'Validation error', { project: ['"project" (or "view") is required'] });
    return list(actor, projectId, req.query);
  });
  r.post('/api/tasks', { schema: { tags, body: TaskBody } }, async (req, reply) => {
    if (!req.body.project) throw new AppError('invalid', 'Validation error', { project: ['This field is required.'] });
    const t = await tasks.createTask(ctx.db, actorOf(req), req.body.project, req.body.data, req.body.meta);
    return reply.status(201).send(serializeTask(t));
  });
  r.get('/api/tasks/:id', { schema: { tags, params: IdParams } }, async (req) => {
    const { task } = await tasks.getTask(ctx.db, actorOf(req), req.params.id);
    // the editor gets media it can load: cloud URIs become presign URLs, as Label Studio's resolve_uri does
    const [resolved] = await resolveStorageUris(ctx.db, task.project_id, await withDetails(ctx.db, actorOf(req), [task]));
    return resolved;
  });
  for (const method of ['patch', 'put'] as const) {
    r[method]('/api/tasks/:id', { schema: { tags, params: IdParams, body: TaskBody } }, async (req) => {
      const t = await tasks.patchTask(ctx.db, actorOf(req), req.params.id, { data: req.body.data, meta: req.body.meta });
      return (await withDetails(ctx.db, actorOf(req), [t]))[0];
    });
  }
  r.delete('/api/tasks/:id', { schema: { tags, params: IdParams } }, async (req, reply) => {
    await tasks.deleteTask(ctx.db, actorOf(req), req.params.id);
    return reply.status(204).send();
  });

  r.get('/api/projects/:id/tasks', { schema: { tags, params: IdParams, querystring: TaskListQuery.omit({ project: true }) } }, async (req) =>
    (await list(actorOf(req), req.params.id, req.query)).tasks,
  );
  r.delete('/api/projects/:id/tasks', { schema: { tags, params: IdParams } }, async (req, reply) => {
    await tasks.deleteTasks(ctx.db, actorOf(req), req.params.id, 'all');
    return reply.status(204).send();
  });
  r.get('/api/projects/:id/next', { schema: { tags, params: IdParams } }, async (req) => {
    const actor = actorOf(req);
    const project = await getProject(ctx.db, actor, req.params.id);
    const task = await nextTask(ctx.db, actor, project);
    if (!task) throw new AppError('not_found', 'No more tasks found');
    const [resolved] = await resolveStorageUris(ctx.db, project.id, await withDetails(ctx.db, actor, [task]));
    return { ...resolved, queue: `Next task in ${project.title || 'project ' + project.id}` };
  });
}
