import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import type { Ctx } from '../../context.js';
import { actorOf } from '../../plugins/auth.js';
import { idList, idParam, IdParams, lsBool } from '../../wire.js';
import { getProject, type ProjectRow } from '../projects/service.js';
import { EXPORT_FORMATS, exportFilename, type ExportFormat } from './formats.js';
import * as exportsService from './service.js';
import type { TaskFilter } from './task-rows.js';

const ExportQuery = z
  .object({
    exportType: z.string().optional(),
    export_type: z.string().optional(),
    download_all_tasks: lsBool.optional(),
    download_resources: lsBool.optional(),
    ids: z.union([z.string(), z.array(z.string())]).optional(),
    'ids[]': z.union([z.string(), z.array(z.string())]).optional(),
  })
  .loose();

function sendFile(reply: FastifyReply, projectId: number, format: ExportFormat, body: Readable) {
  const name = exportFilename(projectId, format);
  return reply
    .header('Content-Disposition', `attachment; filename="${name}"`)
    .header('filename', name)
    .header('Access-Control-Expose-Headers', 'Content-Disposition, filename')
    .type(EXPORT_FORMATS[format].contentType)
    .send(body);
}

const OnlyOrExclude = z.enum(['only', 'exclude']).nullish();

const SnapshotBody = z
  .object({
    title: z.string().max(2048).optional(),
    task_filter_options: z
      .object({ annotated: OnlyOrExclude, finished: OnlyOrExclude, skipped: OnlyOrExclude, only_with_annotations: lsBool.optional() })
      .loose()
      .nullish(),
    annotation_filter_options: z.object({ usual: lsBool.nullish(), ground_truth: lsBool.nullish(), skipped: lsBool.nullish() }).loose().nullish(),
    serialization_options: z.record(z.string(), z.unknown()).nullish(),
  })
  .loose();

/** Label Studio's task_filter_options and annotation_filter_options as the export's task filter. */
function snapshotFilter(projectId: number, body: z.infer<typeof SnapshotBody>): TaskFilter {
  const tf = body.task_filter_options ?? {};
  return {
    projectId,
    allTasks: tf.only_with_annotations !== true,
    annotated: tf.annotated ?? null,
    finished: tf.finished ?? null,
    skipped: tf.skipped ?? null,
    annotations: body.annotation_filter_options ?? null,
  };
}

export function exportRoutes(app: FastifyInstance, ctx: Ctx): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['export'];

  r.get('/api/projects/:id/export', { schema: { tags, params: IdParams, querystring: ExportQuery } }, async (req, reply) => {
    const project = await getProject(ctx.db, actorOf(req), req.params.id);
    const format = exportsService.projectFormat(project, req.query.exportType ?? req.query.export_type);
    const ids = idList(req.query['ids[]'] ?? req.query.ids);
    const filter = { projectId: project.id, allTasks: req.query.download_all_tasks ?? false, ids: ids.length ? ids : null };
    const body = exportsService.liveExport(ctx, project, format, filter, req.query.download_resources ?? true);
    return sendFile(reply, project.id, format, body);
  });
  r.get('/api/projects/:id/export/formats', { schema: { tags, params: IdParams } }, async (req) => {
    return exportsService.projectFormats(await getProject(ctx.db, actorOf(req), req.params.id));
  });

  const snapshotParams = z.object({ id: idParam, exportId: idParam });
  r.get('/api/projects/:id/exports', { schema: { tags, params: IdParams } }, async (req) => {
    await getProject(ctx.db, actorOf(req), req.params.id);
    return (await exportsService.listSnapshots(ctx.db, req.params.id)).map(exportsService.serializeExport);
  });
  r.post('/api/projects/:id/exports', { schema: { tags, params: IdParams, body: SnapshotBody.optional() } }, async (req, reply) => {
    const actor = actorOf(req);
    const project: ProjectRow = await getProject(ctx.db, actor, req.params.id);
    const body = req.body ?? {};
    const options = {
      task_filter_options: body.task_filter_options ?? null,
      annotation_filter_options: body.annotation_filter_options ?? null,
      serialization_options: body.serialization_options ?? null,
    };
    const title = body.title ?? `Export ${project.title} at ${new Date().toISOString()}`;
    const e = await exportsService.createSnapshot(ctx, actor, project, title, options, snapshotFilter(project.id, body));
    return reply.status(201).send(exportsService.serializeExport(e));
  });
  r.get('/api/projects/:id/exports/:exportId', { schema: { tags, params: snapshotParams } }, async (req) => {
    await getProject(ctx.db, actorOf(req), req.params.id);
    return exportsService.serializeExport(await exportsService.getSnapshot(ctx.db, req.params.id, req.params.exportId));
  });
  r.delete('/api/projects/:id/exports/:exportId', { schema: { tags, params: snapshotParams } }, async (req, reply) => {
    await getProject(ctx.db, actorOf(req), req.params.id);
    await exportsService.deleteSnapshot(ctx.db, req.params.id, req.params.exportId);
    return reply.status(204).send();
  });
  r.post('/api/projects/:id/exports/:exportId/convert', { schema: { tags, params: snapshotParams, body: z.object({ export_type: z.string(), download_resources: lsBool.optional() }).loose() } }, async (req) => {
    const project = await getProject(ctx.db, actorOf(req), req.params.id);
    const format = exportsService.projectFormat(project, req.body.export_type);
    return { export_type: format, converted_format: await exportsService.convertSnapshot(ctx.db, req.params.id, req.params.exportId, format) };
  });
  r.get('/api/projects/:id/exports/:exportId/download', { schema: { tags, params: snapshotParams, querystring: ExportQuery } }, async (req, reply) => {
    const project = await getProject(ctx.db, actorOf(req), req.params.id);
    const format = exportsService.projectFormat(project, req.query.exportType ?? req.query.export_type);
    const e = await exportsService.getSnapshot(ctx.db, project.id, req.params.exportId);
    return sendFile(reply, project.id, format, exportsService.snapshotStream(ctx, project, e, format, req.query.download_resources ?? true));
  });
}
