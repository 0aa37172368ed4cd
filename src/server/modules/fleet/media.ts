import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Ctx } from '../../context.js';
import { AppError } from '../../errors.js';
import { actorOf } from '../../plugins/auth.js';
import { canManageProjects } from '../users/service.js';
import { contentTypeOf, storeOf } from './object-store.js';
import { taskVisibility } from './visibility.js';

/**
 * Task media under an opaque name (`/data/fleet-media/<id>`): the URL says nothing about the storage key, so a
 * gold image looks like any other. Managers of the organization and the assignment's annotator may fetch it;
 * anyone else gets the same 404 as for a name that does not exist.
 *
 * With S3 storage the server proxies the object rather than handing out presigned URLs: a presigned URL (or a
 * redirect to one) carries the bucket key, which would tell a gold image from an item (`gold/cat.jpg`), and it
 * would stay valid for its whole TTL after the annotator's workspace is stopped. The task's data keeps one
 * stable URL, checked on every fetch, and the bucket needs no CORS or public access.
 *
 * One byte range (`Range: bytes=…`) answers 206 with that part, from local and S3 storage alike (S3 gets the
 * header as it is): audio and video players seek with it. A range past the end answers 416.
 */
export function mediaRoutes(app: FastifyInstance, ctx: Ctx): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/data/fleet-media/:mediaId', { schema: { hide: true, params: z.object({ mediaId: z.string().min(1).max(64) }) } }, async (req, reply) => {
    const actor = actorOf(req);
    const rows = await ctx.db.query<{ media_key: string; organization_id: number; user_id: number; ls_project_id: number | null }>(
      `SELECT t.media_key, w.organization_id, a.user_id, s.ls_project_id FROM assignment_tasks t JOIN assignments s ON s.id = t.assignment_id
       JOIN workflows w ON w.id = s.workflow_id JOIN annotators a ON a.id = s.annotator_id WHERE t.media_id = $1`,
      [req.params.mediaId],
    );
    const m = rows[0];
    const allowed =
      m && m.organization_id === actor.orgId && (canManageProjects(actor) || (m.user_id === actor.id && m.ls_project_id !== null && (await taskVisibility(ctx.db, actor, m.ls_project_id))));
    if (!allowed) throw new AppError('not_found', 'File not found');
    const object = await (await storeOf(ctx, m.organization_id)).open(m.media_key, req.headers.range);
    if (!object) throw new AppError('not_found', 'File not found');
    // media is user content: never let the browser run it as a page of this origin
    reply.type(contentTypeOf(m.media_key)).header('accept-ranges', 'bytes').header('x-content-type-options', 'nosniff').header('content-security-policy', 'sandbox');
    if ('unsatisfiable' in object) return reply.status(416).header('content-range', `bytes */${object.size ?? '*'}`).send();
    if (object.length !== null) reply.header('content-length', object.length);
    if (object.contentRange) reply.status(206).header('content-range', object.contentRange);
    return reply.send(object.body);
  });
}
