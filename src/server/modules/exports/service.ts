import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Ctx } from '../../context.js';
import type { Queryable } from '../../db/connection.js';
import { AppError, notFound } from '../../errors.js';
import { isoTime } from '../../wire.js';
import { jsonElements } from '../imports/json-elements.js';
import type { ProjectRow } from '../projects/service.js';
import type { Actor } from '../users/service.js';
import type { ParsedLabelConfig } from '../labelconfig/parsed-config.js';
import { formatFor, formatList, renderExport, type ExportFormat, type ExportSource } from './formats.js';
import { mediaResolver } from './media.js';
import { dataKeysOf, taskPages, type ExportPage, type TaskFilter } from './task-rows.js';

export function controlTypes(p: ProjectRow): Record<string, string> {
  return Object.fromEntries(Object.entries(p.parsed_label_config as Record<string, { type: string }>).map(([name, c]) => [name, c.type]));
}

export const parsedConfig = (p: ProjectRow) => p.parsed_label_config as ParsedLabelConfig;

/** The project's export format named by the request, if its config can produce it (400 otherwise). */
export const projectFormat = (p: ProjectRow, raw: string | undefined): ExportFormat => formatFor(parsedConfig(p), raw);

/** GET /export/formats: Label Studio's list, formats this config cannot produce marked disabled. */
export const projectFormats = (p: ProjectRow) => formatList(parsedConfig(p));

/** What an export reads besides its tasks: the project's config and where its uploaded media are. */
function sourceOf(ctx: Pick<Ctx, 'config'>, project: ProjectRow, downloadResources: boolean) {
  return { controls: controlTypes(project), config: parsedConfig(project), media: mediaResolver(ctx.config.dataDir), downloadResources };
}

export function liveExport(ctx: Pick<Ctx, 'db' | 'config'>, project: ProjectRow, format: ExportFormat, filter: TaskFilter, downloadResources = true): Readable {
  const src: ExportSource = { pages: () => taskPages(ctx.db, filter), dataKeys: () => dataKeysOf(ctx.db, project.id), ...sourceOf(ctx, project, downloadResources) };
  return Readable.from(renderExport(format, src));
}

interface ExportRow {
  id: number;
  project_id: number;
  title: string;
  created_by: number | null;
  created_at: Date;
  finished_at: Date | null;
  status: string;
  md5: string;
  counters: Record<string, number>;
  options: Record<string, unknown>;
  file_path: string | null;
  creator_email?: string | null;
}

const convertedFormats = (e: ExportRow) => (e.options.converted_formats as { id: number; export_type: string }[] | undefined) ?? [];

export const serializeExport = (e: ExportRow) => ({
  id: e.id,
  title: e.title,
  created_by: e.created_by ? { id: e.created_by, first_name: '', last_name: '', email: e.creator_email ?? '', avatar: null } : null,
  created_at: isoTime(e.created_at),
  finished_at: isoTime(e.finished_at),
  status: e.status,
  md5: e.md5,
  counters: e.counters,
  ...e.options,
  converted_formats: convertedFormats(e),
});

/** Flat formats are rendered from the snapshot's JSON on download; converting records that the format is ready. */
export async function convertSnapshot(db: Queryable, projectId: number, id: number, format: string): Promise<number> {
  const e = await getSnapshot(db, projectId, id);
  if (e.status !== 'completed') throw new AppError('not_found', 'Export is not completed');
  const existing = convertedFormats(e);
  const found = existing.find((c) => c.export_type === format);
  if (found) return found.id;
  const entry = { id: existing.length + 1, status: 'completed', export_type: format, traceback: null };
  await db.query(`UPDATE exports SET options = jsonb_set(options, '{converted_formats}', $2::jsonb) WHERE id = $1`, [id, JSON.stringify([...existing, entry])]);
  return entry.id;
}

const SELECT = 'SELECT e.*, u.email AS creator_email FROM exports e LEFT JOIN users u ON u.id = e.created_by';

export async function getSnapshot(db: Queryable, projectId: number, id: number): Promise<ExportRow> {
  const e = (await db.query<ExportRow>(`${SELECT} WHERE e.id = $1 AND e.project_id = $2`, [id, projectId]))[0];
  if (!e) throw notFound();
  return e;
}

export const listSnapshots = (db: Queryable, projectId: number) => db.query<ExportRow>(`${SELECT} WHERE e.project_id = $1 ORDER BY e.id DESC LIMIT 100`, [projectId]);

/** Writes the project's JSON export to a file in the data dir (the snapshot), hashing it as it goes. */
export async function createSnapshot(ctx: Ctx, actor: Actor, project: ProjectRow, title: string, options: Record<string, unknown>, filter: TaskFilter): Promise<ExportRow> {
  const row = (
    await ctx.db.query<ExportRow>(`INSERT INTO exports (project_id, title, created_by, status, options) VALUES ($1, $2, $3, 'in_progress', $4) RETURNING *`, [
      project.id,
      title,
      actor.id,
      JSON.stringify(options),
    ])
  )[0];
  const dir = path.join(ctx.config.dataDir, 'export');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `project-${project.id}-export-${row.id}.json`);
  const md5 = createHash('md5');
  let tasks = 0;
  async function* counted() {
    const pages = async function* () {
      for await (const page of taskPages(ctx.db, filter)) {
        tasks += page.count;
        yield page;
      }
    };
    for await (const piece of renderExport('JSON', { pages, dataKeys: async () => [], ...sourceOf(ctx, project, false) })) {
      md5.update(piece);
      yield piece;
    }
  }
  try {
    await pipeline(Readable.from(counted()), fs.createWriteStream(file));
    await ctx.db.query(`UPDATE exports SET status = 'completed', finished_at = now(), md5 = $2, counters = $3, file_path = $4 WHERE id = $1`, [row.id, md5.digest('hex'), JSON.stringify({ task_number: tasks }), file]);
  } catch (err) {
    await ctx.db.query(`UPDATE exports SET status = 'failed', finished_at = now() WHERE id = $1`, [row.id]);
    throw err;
  }
  return getSnapshot(ctx.db, project.id, row.id);
}

async function* filePages(file: string): AsyncGenerator<ExportPage> {
  let batch: string[] = [];
  const text = async function* () {
    for await (const chunk of fs.createReadStream(file, { encoding: 'utf8' })) yield chunk as string;
  };
  for await (const el of jsonElements(text())) {
    batch.push(el);
    if (batch.length >= 1000) {
      yield { count: batch.length, body: batch.join(',') };
      batch = [];
    }
  }
  if (batch.length) yield { count: batch.length, body: batch.join(',') };
}

/** A snapshot in the asked format: JSON is the stored file; the flat formats are rendered from it. */
export function snapshotStream(ctx: Pick<Ctx, 'config'>, project: ProjectRow, e: ExportRow, format: ExportFormat, downloadResources = true): Readable {
  if (e.status !== 'completed' || !e.file_path || !fs.existsSync(e.file_path)) throw new AppError('not_found', 'Export is not completed');
  const file = e.file_path;
  if (format === 'JSON') return fs.createReadStream(file);
  if (!convertedFormats(e).some((c) => c.export_type === format)) throw new AppError('not_found', `${format} format is not converted yet`);
  const dataKeys = async () => {
    const keys = new Set<string>();
    for await (const page of filePages(file)) for (const t of JSON.parse(`[${page.body}]`) as { data?: object }[]) for (const k of Object.keys(t.data ?? {})) keys.add(k);
    return [...keys].sort();
  };
  return Readable.from(renderExport(format, { pages: () => filePages(file), dataKeys, ...sourceOf(ctx, project, downloadResources) }));
}

export async function deleteSnapshot(db: Queryable, projectId: number, id: number): Promise<void> {
  const e = await getSnapshot(db, projectId, id);
  if (e.file_path) fs.rmSync(e.file_path, { force: true });
  await db.query('DELETE FROM exports WHERE id = $1', [id]);
}
