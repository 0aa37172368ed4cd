import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Ctx } from '../../context.js';
import { AppError } from '../../errors.js';
import { actorOf } from '../../plugins/auth.js';
import { IdParams } from '../../wire.js';
import { annotationsFromPredictions, deleteAnnotationsOfTasks } from '../annotations/service.js';
import { retrievePredictions } from '../ml/service.js';
import { deletePredictionsOf } from '../predictions/service.js';
import { getManagedProject, getProject } from '../projects/service.js';
import { deleteTasks, selectedTaskIds } from '../tasks/service.js';
import type { Actor } from '../users/service.js';
import type { DmQuery, SelectedItems } from './filters.js';
import * as views from './views.js';

const ACTIONS = [
  { id: 'delete_tasks', title: 'Delete tasks', order: 100, permission: 'tasks.delete', dialog: { text: 'You are going to delete the selected tasks. Please confirm your action.', type: 'confirm' } },
  { id: 'delete_tasks_annotations', title: 'Delete annotations', order: 101, permission: 'tasks.delete', dialog: { text: 'You are going to delete all annotations from the selected tasks. Please confirm your action.', type: 'confirm' } },
  { id: 'delete_tasks_predictions', title: 'Delete predictions', order: 102, permission: 'tasks.delete', dialog: { text: 'You are going to delete all predictions from the selected tasks. Please confirm your action.', type: 'confirm' } },
  { id: 'predictions_to_annotations', title: 'Create annotations from predictions', order: 91, permission: 'tasks.change', dialog: { text: 'Create annotations from the predictions of the selected tasks.', type: 'confirm' } },
  { id: 'retrieve_tasks_predictions', title: 'Retrieve Predictions', order: 90, permission: 'tasks.change', dialog: { text: 'Send the selected tasks to all ML Backends connected to the project. Predictions arrive in the background.', type: 'confirm' } },
].map((a) => ({ ...a, experimental: false }));

const ActionBody = z
  .object({
    selectedItems: z.object({ all: z.boolean(), included: z.array(z.coerce.number()).optional(), excluded: z.array(z.coerce.number()).optional() }).optional(),
    filters: z.unknown().optional(),
    ordering: z.array(z.string()).optional(),
    project: z.coerce.number().int().optional(),
  })
  .loose();

interface ActionResult {
  processed_items: number;
  detail: string;
  reload?: boolean;
}

/** Label Studio reloads the Data Manager after deleting tasks, and drops the tabs of a project left empty. */
async function deleteSelectedTasks(ctx: Ctx, actor: Actor, projectId: number, ids: number[]): Promise<ActionResult> {
  const n = await deleteTasks(ctx.db, actor, projectId, ids);
  const reload = (await getProject(ctx.db, actor, projectId)).task_number === 0;
  if (reload) await views.deleteViewsOf(ctx.db, projectId);
  return { processed_items: n, reload, detail: `Deleted ${n} tasks` };
}

async function runAction(ctx: Ctx, actor: Actor, projectId: number, action: string, query: DmQuery, params: Record<string, unknown>): Promise<ActionResult> {
  await getManagedProject(ctx.db, actor, projectId);
  const ids = await selectedTaskIds(ctx.db, { projectId, query });
  if (ids.length === 0) throw new AppError('not_found', 'No selected items for specified view');
  switch (action) {
    case 'delete_tasks':
    case 'delete_all_tasks':
      return deleteSelectedTasks(ctx, actor, projectId, ids);
    case 'delete_tasks_annotations':
    case 'delete_annotations': {
      const n = await deleteAnnotationsOfTasks(ctx.db, actor, projectId, ids);
      return { processed_items: n, detail: `Deleted ${n} annotations` };
    }
    case 'delete_tasks_predictions':
    case 'delete_predictions': {
      const n = await deletePredictionsOf(ctx.db, actor, projectId, { taskIds: ids });
      return { processed_items: n, detail: `Deleted ${n} predictions` };
    }
    case 'predictions_to_annotations': {
      const versions = params.model_version;
      const list = versions === undefined || versions === null ? null : (Array.isArray(versions) ? versions : [versions]).map(String);
      const n = await annotationsFromPredictions(ctx.db, actor, projectId, ids, list);
      return { processed_items: n, detail: `Created ${n} annotations from predictions` };
    }
    case 'retrieve_tasks_predictions':
      return retrievePredictions(ctx.db, actor, projectId, ids, Number(params.batch_size) || undefined);
    default:
      throw new AppError('not_found', `Unknown action "${action}"`);
  }
}

export function dmRoutes(app: FastifyInstance, ctx: Ctx): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['data manager'];
  const ProjectQuery = z.object({ project: z.coerce.number().int() });

  r.get('/api/dm/views', { schema: { tags, querystring: ProjectQuery } }, async (req) => {
    await getProject(ctx.db, actorOf(req), req.query.project);
    return (await views.listViews(ctx.db, req.query.project)).map(views.serializeView);
  });
  r.post('/api/dm/views', { schema: { tags, body: z.object({ project: z.coerce.number().int(), data: z.record(z.string(), z.unknown()).optional() }).loose() } }, async (req, reply) => {
    await getProject(ctx.db, actorOf(req), req.body.project);
    return reply.status(201).send(views.serializeView(await views.insertView(ctx.db, req.body.project, actorOf(req).id, req.body.data ?? { title: 'Tasks' })));
  });
  r.delete('/api/dm/views/reset', { schema: { tags, querystring: ProjectQuery } }, async (req, reply) => {
    await getManagedProject(ctx.db, actorOf(req), req.query.project);
    await views.deleteViewsOf(ctx.db, req.query.project);
    return reply.status(204).send();
  });
  const ownedView = async (actor: Actor, id: number) => {
    const v = await views.findView(ctx.db, id);
    await getProject(ctx.db, actor, v.project_id);
    return v;
  };
  r.get('/api/dm/views/:id', { schema: { tags, params: IdParams } }, async (req) => views.serializeView(await ownedView(actorOf(req), req.params.id)));
  for (const method of ['patch', 'put'] as const) {
    r[method]('/api/dm/views/:id', { schema: { tags, params: IdParams, body: z.object({ data: z.record(z.string(), z.unknown()).optional() }).loose() } }, async (req) => {
      await ownedView(actorOf(req), req.params.id);
      return views.serializeView(await views.updateView(ctx.db, req.params.id, req.body.data ?? {}, method === 'patch'));
    });
  }
  r.delete('/api/dm/views/:id', { schema: { tags, params: IdParams } }, async (req, reply) => {
    await ownedView(actorOf(req), req.params.id);
    await views.deleteView(ctx.db, req.params.id);
    return reply.status(204).send();
  });

  r.get('/api/dm/actions', { schema: { tags, querystring: z.object({ project: z.coerce.number().int().optional() }) } }, async () => ACTIONS);
  r.post(
    '/api/dm/actions',
    { schema: { tags, querystring: z.object({ id: z.string().optional(), project: z.coerce.number().int().optional(), view: z.coerce.number().int().optional() }), body: ActionBody.optional() } },
    async (req) => {
      const body = req.body ?? {};
      if (!req.query.id) throw new AppError('unprocessable', 'Action "id" is required in the query string');
      const projectId = req.query.project ?? body.project;
      if (!projectId) throw new AppError('invalid', 'Validation error', { project: ['This field is required.'] });
      const base = req.query.view ? await views.viewQuery(ctx.db, projectId, req.query.view) : {};
      const selectedItems = (body.selectedItems as SelectedItems | undefined) ?? { all: true, excluded: [] };
      const query: DmQuery = { ...base, selectedItems };
      if (body.filters) query.filters = body.filters as DmQuery['filters'];
      return runAction(ctx, actorOf(req), projectId, req.query.id, query, body);
    },
  );
}
