import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Ctx } from '../../context.js';
import type { Db } from '../../db/connection.js';
import { emit } from '../../events.js';
import { actorOf } from '../../plugins/auth.js';
import { IdParams } from '../../wire.js';
import type { Actor } from '../users/service.js';
import * as q from './queries.js';
import { getManagedProject } from './service.js';

/** Label Studio's duplicate body: `settings` copies the setup, `settings,data` the tasks' data as well (never their annotations). */
const DuplicateBody = z
  .object({
    mode: z.enum(['settings', 'settings,data']).default('settings'),
    title: z.string().max(50, 'Ensure this field has no more than 50 characters.').optional(),
    description: z.string().nullish(),
    workspace: z.unknown().optional(),
  })
  .loose();

const copyTitle = (title: string) => `${title || 'Project'} (copy)`.slice(0, 50);

export async function duplicateProject(db: Db, actor: Actor, id: number, opts: z.infer<typeof DuplicateBody>): Promise<number> {
  const source = await getManagedProject(db, actor, id);
  const newId = await db.transaction(async (tx) => {
    const created = await q.insertProject(tx, actor.orgId, actor.id, {
      title: opts.title?.trim() || copyTitle(source.title),
      description: opts.description ?? source.description,
      label_config: source.label_config,
      parsed_label_config: source.parsed_label_config,
      data_types: source.data_types,
      maximum_annotations: source.maximum_annotations,
      settings: source.settings,
      pinned_at: null,
    });
    if (opts.mode === 'settings,data') {
      await tx.query(
        `INSERT INTO tasks (project_id, inner_id, data, meta)
         SELECT $1, row_number() OVER (ORDER BY id), data, meta FROM tasks WHERE project_id = $2 ORDER BY id`,
        [created, source.id],
      );
      await tx.query(
        `UPDATE projects SET task_number = c.n, next_inner_id = c.n + 1 FROM (SELECT count(*)::int AS n FROM tasks WHERE project_id = $1) c WHERE id = $1`,
        [created],
      );
    }
    return created;
  });
  await emit(db, { type: 'project.created', orgId: actor.orgId, project: (await q.findProject(db, newId))! });
  return newId;
}

export function duplicateRoutes(app: FastifyInstance, ctx: Ctx): void {
  app.withTypeProvider<ZodTypeProvider>().post('/api/projects/:id/duplicate', { schema: { tags: ['projects'], params: IdParams, body: DuplicateBody.optional() } }, async (req, reply) => {
    const id = await duplicateProject(ctx.db, actorOf(req), req.params.id, req.body ?? DuplicateBody.parse({}));
    return reply.status(201).send({ id });
  });
}
