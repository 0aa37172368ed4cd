import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Ctx } from '../../context.js';
import { AppError } from '../../errors.js';
import { actorOf } from '../../plugins/auth.js';
import { idList, IdParams, lsBool } from '../../wire.js';
import { getManagedProject, getProject, projectConfig } from '../projects/service.js';
import { insertFileUpload } from './queries.js';
import { importTasks, type ImportSource } from './service.js';
import { byteBudget, formatOf, itemsOf, limitBytes } from './sources.js';
import { safeName, storeMedia, uploadDir } from './upload-files.js';

interface FileUploadRow {
  id: number;
  project_id: number;
  file: string;
  size: number;
}

const serializeUpload = (f: FileUploadRow) => ({ id: f.id, file: f.file, size: Number(f.size) });

/**
 * Label Studio's two-step import (`commit_to_project=false`): the uploaded files are stored, and
 * their tasks are created later by `/reimport`. Returns the summary the first step answers with.
 */
export async function storeUploadsForLater(ctx: Ctx, req: FastifyRequest, projectId: number) {
  const limit = ctx.config.maxUploadBytes;
  const spend = byteBudget(limit);
  const dir = uploadDir(ctx.config.dataDir, projectId);
  const stored: { name: string; size: number }[] = [];
  const keep = async (name: string, source: Readable & { truncated?: boolean }) => {
    const file = `${randomUUID().slice(0, 8)}-${safeName(name)}`;
    stored.push({ name: file, size: await storeMedia(source, path.join(dir, file), spend, limit) });
  };
  try {
    if ((req.headers['content-type'] ?? '').startsWith('multipart/form-data')) {
      for await (const part of req.files({ limits: { fileSize: limit } })) await keep(part.filename, part.file);
    } else if (req.body instanceof Readable) {
      await keep('inplace.json', req.body);
    }
    if (stored.length === 0) throw new AppError('invalid', 'load_tasks: No data found in DATA or in FILES');
  } catch (err) {
    for (const f of stored) fs.rmSync(path.join(dir, f.name), { force: true });
    throw err;
  }
  const ids = await ctx.db.transaction(async (tx) => {
    const out: number[] = [];
    for (const f of stored) out.push(await insertFileUpload(tx, { projectId, userId: actorOf(req).id, file: f.name, size: f.size }));
    return out;
  });
  const formats = [...new Set(stored.map((f) => path.extname(f.name).toLowerCase()))];
  return { task_count: 0, annotation_count: null, prediction_count: null, predictions_count: null, duration: 0, file_upload_ids: ids, could_be_tasks_list: false, found_formats: formats, data_columns: [] };
}

export function deferredImportRoutes(app: FastifyInstance, ctx: Ctx): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['import'];
  const uploadsOf = (projectId: number, ids: number[] | null) =>
    ctx.db.query<FileUploadRow>(`SELECT * FROM file_uploads WHERE project_id = $1 ${ids ? 'AND id = ANY($2::int[])' : ''} ORDER BY id`, ids ? [projectId, ids] : [projectId]);

  r.post('/api/projects/:id/reimport', { schema: { tags, params: IdParams, body: z.object({ file_upload_ids: z.array(z.coerce.number().int()), files_as_tasks_list: lsBool.optional() }).loose() } }, async (req, reply) => {
    const actor = actorOf(req);
    const project = await getManagedProject(ctx.db, actor, req.params.id);
    const ids = req.body.file_upload_ids;
    if (ids.length === 0) return reply.status(200).send({ task_count: 0, annotation_count: 0, prediction_count: 0, predictions_count: 0, duration: 0, file_upload_ids: [], found_formats: [], data_columns: [] });
    const uploads = await uploadsOf(project.id, ids);
    const missing = ids.filter((id) => !uploads.some((u) => u.id === id));
    if (missing.length) throw new AppError('not_found', `File uploads not found in project ${project.id}: ${missing.join(', ')}`);
    const firstKey = projectConfig(project).dataKeys[0] ?? null;
    const dir = uploadDir(ctx.config.dataDir, project.id);
    const sources = async function* (): AsyncGenerator<ImportSource> {
      for (const u of uploads) {
        const format = formatOf(u.file, undefined);
        if (format) {
          yield { format, items: itemsOf(format, limitBytes(fs.createReadStream(path.join(dir, u.file)), byteBudget(ctx.config.maxUploadBytes))), fileUploadId: u.id };
        } else {
          if (!firstKey) throw new AppError('invalid', `"${u.file}" is a media file, but the labeling config reads no data field to put it in`);
          const item = { index: 0, value: { [firstKey]: `/data/upload/${project.id}/${u.file}` } };
          yield { format: path.extname(u.file).toLowerCase(), items: (async function* () { yield item; })(), fileUploadId: u.id };
        }
      }
    };
    return reply.status(201).send(await importTasks(ctx.db, actor, project.id, sources, true));
  });

  r.get('/api/projects/:id/file-uploads', { schema: { tags, params: IdParams, querystring: z.object({ ids: z.string().optional() }) } }, async (req) => {
    await getProject(ctx.db, actorOf(req), req.params.id);
    const ids = req.query.ids ? idList(req.query.ids) : null;
    return (await uploadsOf(req.params.id, ids)).map(serializeUpload);
  });
  r.delete('/api/projects/:id/file-uploads', { schema: { tags, params: IdParams, body: z.object({ file_upload_ids: z.array(z.coerce.number().int()).optional() }).optional() } }, async (req) => {
    const project = await getManagedProject(ctx.db, actorOf(req), req.params.id);
    const ids = req.body?.file_upload_ids ?? null;
    const gone = await ctx.db.query<FileUploadRow>(
      `DELETE FROM file_uploads WHERE project_id = $1 ${ids ? 'AND id = ANY($2::int[])' : ''} RETURNING *`,
      ids ? [project.id, ids] : [project.id],
    );
    for (const f of gone) fs.rmSync(path.join(uploadDir(ctx.config.dataDir, project.id), safeName(f.file)), { force: true });
    return { deleted: gone.length };
  });
}
