import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Ctx } from '../../context.js';
import { AppError } from '../../errors.js';
import { actorOf } from '../../plugins/auth.js';
import { IdParams, lsBool } from '../../wire.js';
import { getManagedProject, getProject, projectConfig } from '../projects/service.js';
import { importTasks, type ImportSource } from './service.js';
import { formatOf, itemsOf, limitBytes, type RawItem } from './sources.js';

const ImportQuery = z.object({
  return_task_ids: lsBool.optional(),
  commit_to_project: lsBool.optional(),
  preannotated_from_fields: z.union([z.string(), z.array(z.string())]).optional(),
});

const safeName = (name: string) => path.basename(name).replace(/[^\w.\-]+/g, '_').slice(-200) || 'file';

async function* single(item: RawItem): AsyncGenerator<RawItem> {
  yield item;
}

export function importRoutes(app: FastifyInstance, ctx: Ctx): void {
  // The import body is read as a stream by the handler, never buffered whole.
  app.addContentTypeParser('application/json', (_req, payload, done) => done(null, payload));
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
  const r = app.withTypeProvider<ZodTypeProvider>();
  const limit = ctx.config.maxUploadBytes;

  async function insertFileUpload(projectId: number, userId: number, file: string, size: number): Promise<number> {
    const rows = await ctx.db.query<{ id: number }>('INSERT INTO file_uploads (project_id, user_id, file, size) VALUES ($1, $2, $3, $4) RETURNING id', [projectId, userId, file, size]);
    return rows[0].id;
  }

  /** Multipart: task files are parsed as they arrive; media files are stored and become one task each. */
  async function* multipartSources(req: FastifyRequest, projectId: number, firstKey: string | null): AsyncGenerator<ImportSource> {
    const dir = path.join(ctx.config.dataDir, 'upload', String(projectId));
    for await (const part of req.files({ limits: { fileSize: limit } })) {
      const format = formatOf(part.filename, part.mimetype);
      const stored = `${randomUUID().slice(0, 8)}-${safeName(part.filename)}`;
      if (format) {
        const fileUploadId = await insertFileUpload(projectId, actorOf(req).id, stored, 0);
        yield { format, items: itemsOf(format, limitBytes(part.file, limit)), fileUploadId };
        if (part.file.truncated) throw new AppError('too_large', `Upload is larger than the limit of ${limit} bytes`);
        continue;
      }
      if (!firstKey) throw new AppError('invalid', `"${part.filename}" is a media file, but the labeling config reads no data field to put it in`);
      fs.mkdirSync(dir, { recursive: true });
      const target = path.join(dir, stored);
      await pipeline(part.file, fs.createWriteStream(target));
      if (part.file.truncated) {
        fs.rmSync(target, { force: true });
        throw new AppError('too_large', `Upload is larger than the limit of ${limit} bytes`);
      }
      const fileUploadId = await insertFileUpload(projectId, actorOf(req).id, stored, fs.statSync(target).size);
      yield { format: path.extname(part.filename).toLowerCase() || '.bin', items: single({ index: 0, value: { [firstKey]: `/data/upload/${projectId}/${stored}` } }), fileUploadId };
    }
  }

  async function* urlSources(url: string): AsyncGenerator<ImportSource> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new AppError('invalid', `"${url}" is not a valid URL`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new AppError('invalid', `Only http and https URLs can be imported, not ${parsed.protocol}`);
    const res = await fetch(parsed).catch((err: Error) => {
      throw new AppError('invalid', `Could not download ${url}: ${err.message}`);
    });
    if (!res.ok || !res.body) throw new AppError('invalid', `Could not download ${url}: HTTP ${res.status}`);
    const format = formatOf(parsed.pathname, res.headers.get('content-type') ?? undefined) ?? '.json';
    yield { format, items: itemsOf(format, limitBytes(res.body as unknown as AsyncIterable<Buffer>, limit)), fileUploadId: null };
  }

  r.post('/api/projects/:id/import', { schema: { tags: ['import'], params: IdParams, querystring: ImportQuery, consumes: ['application/json', 'multipart/form-data', 'text/csv', 'text/plain', 'application/x-www-form-urlencoded'] } }, async (req, reply) => {
    const actor = actorOf(req);
    const projectId = req.params.id;
    const project = await getManagedProject(ctx.db, actor, projectId);
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) throw new AppError('too_large', `Upload is larger than the limit of ${limit} bytes`);
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    let sources: () => AsyncIterable<ImportSource>;
    if (type === 'multipart/form-data') {
      const firstKey = projectConfig(project).dataKeys[0] ?? null;
      sources = () => multipartSources(req, projectId, firstKey);
    } else if (type === 'application/x-www-form-urlencoded') {
      const url = (req.body as Record<string, unknown> | undefined)?.url;
      if (typeof url !== 'string') throw new AppError('invalid', '"url" is not found in request data');
      sources = () => urlSources(url);
    } else {
      const format = formatOf(undefined, type) ?? '.json';
      const body = req.body as AsyncIterable<Buffer>;
      sources = async function* () {
        yield { format: format === '.json' ? 'request' : format, items: itemsOf(format, limitBytes(body, limit)), fileUploadId: null };
      };
    }
    const summary = await importTasks(ctx.db, actor, projectId, sources, req.query.return_task_ids ?? false);
    return reply.status(201).send(summary);
  });

  r.get('/data/upload/:project/:file', { schema: { hide: true, params: z.object({ project: z.coerce.number().int(), file: z.string() }) } }, async (req, reply) => {
    await getProject(ctx.db, actorOf(req), req.params.project);
    const file = path.join(ctx.config.dataDir, 'upload', String(req.params.project), safeName(req.params.file));
    if (!fs.existsSync(file)) throw new AppError('not_found', 'File not found');
    return reply.send(fs.createReadStream(file));
  });
}
