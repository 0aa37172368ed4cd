import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Ctx } from '../../context.js';
import type { Queryable } from '../../db/connection.js';
import { AppError } from '../../errors.js';
import { actorOf } from '../../plugins/auth.js';
import { IdParams, lsBool } from '../../wire.js';
import { getManagedProject, getProject, projectConfig, type ProjectRow } from '../projects/service.js';
import { deferredImportRoutes, storeUploadsForLater } from './deferred.js';
import { insertFileUpload } from './queries.js';
import { importTasks, type ImportSource } from './service.js';
import { byteBudget, formatOf, itemsOf, limitBytes, tooLarge, type RawItem } from './sources.js';
import { safeName, sendUpload, storeMedia, uploadDir } from './upload-files.js';

/** `a,b` or repeated keys → ['a', 'b'] */
const idNames = (v: string | string[] | undefined) => (Array.isArray(v) ? v : v ? [v] : []).flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean);

const ImportQuery = z.object({
  return_task_ids: lsBool.optional(),
  commit_to_project: lsBool.optional(),
  preannotated_from_fields: z.union([z.string(), z.array(z.string())]).optional(),
});

type Sources = (tx: Queryable) => AsyncIterable<ImportSource>;

async function* single(item: RawItem): AsyncGenerator<RawItem> {
  yield item;
}

const only = (source: ImportSource): Sources =>
  async function* () {
    yield source;
  };

const isReadable = (v: unknown): v is Readable => typeof (v as Readable | null)?.iterator === 'function';

/**
 * The request body, read so that stopping early (a bad item, the size limit) leaves the request open:
 * destroying it would reset the connection, and the client would never see the error reply.
 */
const bodyBytes = (body: Readable): AsyncIterable<Buffer> => body.iterator({ destroyOnReturn: false });

/**
 * After a failed import the client may still be sending: read and drop the rest (taking it from the
 * multipart parser too, which would stall on files nobody reads), or the client never gets to our reply.
 */
function discardRestOfBody(raw: Readable): void {
  raw.unpipe();
  raw.resume();
}

/** The remote task file of a URL import, fetched before the import's transaction opens. */
async function download(url: string, spend: (bytes: number) => void): Promise<ImportSource> {
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
  return { format, items: itemsOf(format, limitBytes(res.body as unknown as AsyncIterable<Buffer>, spend)), fileUploadId: null };
}

/** Label Studio also takes the task list itself in the `url` field. */
const inlineJson = (text: string, spend: (bytes: number) => void): ImportSource => ({ format: '.json', items: itemsOf('.json', limitBytes([text], spend)), fileUploadId: null });

export function importRoutes(app: FastifyInstance, ctx: Ctx): void {
  deferredImportRoutes(app, ctx);
  // the import body is read as a stream by its handler; that parser stays inside this child scope
  void app.register(async (scope) => streamedImportRoutes(scope, ctx));
}

function streamedImportRoutes(app: FastifyInstance, ctx: Ctx): void {
  // The import body is read as a stream by the handler, never buffered whole.
  for (const type of ['application/json', 'text/plain', '*']) app.addContentTypeParser(type, (_req, payload, done) => done(null, payload));
  const r = app.withTypeProvider<ZodTypeProvider>();
  const limit = ctx.config.maxUploadBytes;

  /**
   * Multipart: task files are parsed as they arrive; media files are stored and become one task each.
   * `written` collects the stored media files, for removal if the import fails.
   */
  async function* multipartSources(tx: Queryable, req: FastifyRequest, projectId: number, firstKey: string | null, written: string[]): AsyncGenerator<ImportSource> {
    const spend = byteBudget(limit);
    const userId = actorOf(req).id;
    for await (const part of req.files({ limits: { fileSize: limit } })) {
      const format = formatOf(part.filename, part.mimetype);
      const stored = `${randomUUID().slice(0, 8)}-${safeName(part.filename)}`;
      if (format) {
        const fileUploadId = await insertFileUpload(tx, { projectId, userId, file: stored, size: 0 });
        yield { format, items: itemsOf(format, limitBytes(part.file, spend)), fileUploadId };
        if (part.file.truncated) throw tooLarge(limit);
        continue;
      }
      if (!firstKey) throw new AppError('invalid', `"${part.filename}" is a media file, but the labeling config reads no data field to put it in`);
      const target = path.join(uploadDir(ctx.config.dataDir, projectId), stored);
      written.push(target);
      const size = await storeMedia(part.file, target, spend, limit);
      const fileUploadId = await insertFileUpload(tx, { projectId, userId, file: stored, size });
      yield { format: path.extname(part.filename).toLowerCase() || '.bin', items: single({ index: 0, value: { [firstKey]: `/data/upload/${projectId}/${stored}` } }), fileUploadId };
    }
  }

  /** What the request holds, by content type: files, a URL, or tasks in the body itself. */
  async function sourcesOf(req: FastifyRequest, project: ProjectRow, written: string[]): Promise<Sources> {
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type === 'multipart/form-data') {
      const firstKey = projectConfig(project).dataKeys[0] ?? null;
      return (tx) => multipartSources(tx, req, project.id, firstKey, written);
    }
    if (type === 'application/x-www-form-urlencoded') {
      const url = (req.body as Record<string, unknown> | undefined)?.url;
      if (typeof url !== 'string') throw new AppError('invalid', '"url" is not found in request data');
      const text = url.trim();
      return only(/^[[{]/.test(text) ? inlineJson(text, byteBudget(limit)) : await download(text, byteBudget(limit)));
    }
    if (!isReadable(req.body)) throw new AppError('invalid', 'load_tasks: No data found in DATA or in FILES');
    const format = formatOf(undefined, type) ?? '.json';
    return only({ format: format === '.json' ? 'request' : format, items: itemsOf(format, limitBytes(bodyBytes(req.body), byteBudget(limit))), fileUploadId: null });
  }

  r.post('/api/projects/:id/import', { schema: { tags: ['import'], params: IdParams, querystring: ImportQuery, consumes: ['application/json', 'multipart/form-data', 'text/csv', 'text/tab-separated-values', 'text/plain', 'application/x-www-form-urlencoded'] } }, async (req, reply) => {
    const actor = actorOf(req);
    const project = await getManagedProject(ctx.db, actor, req.params.id);
    if (Number(req.headers['content-length'] ?? 0) > limit) throw tooLarge(limit);
    if (req.query.commit_to_project === false) return reply.status(201).send(await storeUploadsForLater(ctx, req, project.id));
    const written: string[] = [];
    try {
      const summary = await importTasks(ctx.db, actor, project.id, await sourcesOf(req, project, written), req.query.return_task_ids ?? false, idNames(req.query.preannotated_from_fields));
      return reply.status(201).send(summary);
    } catch (err) {
      for (const file of written) fs.rmSync(file, { force: true });
      discardRestOfBody(req.raw);
      throw err;
    }
  });

  r.get('/data/upload/:project/:file', { schema: { hide: true, params: z.object({ project: z.coerce.number().int(), file: z.string() }) } }, async (req, reply) => {
    await getProject(ctx.db, actorOf(req), req.params.project);
    return sendUpload(reply, path.join(uploadDir(ctx.config.dataDir, req.params.project), safeName(req.params.file)), req.headers.range);
  });
}
