import type { Db, Queryable } from '../../db/connection.js';
import { AppError } from '../../errors.js';
import { emit } from '../../events.js';
import { insertAnnotationBatch } from '../annotations/service.js';
import { checkTaskData, remapUndefinedKey } from '../labelconfig/task-data.js';
import type { LabelConfig } from '../labelconfig/parse.js';
import { insertPredictions } from '../predictions/service.js';
import { getManagedProject, projectConfig, type ProjectRow } from '../projects/service.js';
import { insertTaskBatch, refreshTaskCounters, reserveInnerIds } from '../tasks/service.js';
import type { Actor } from '../users/service.js';
import type { RawItem } from './sources.js';

const BATCH = 5000;

export interface ImportSource {
  format: string;
  items: AsyncIterable<RawItem>;
  fileUploadId: number | null;
}

export interface ImportSummary {
  task_count: number;
  annotation_count: number;
  prediction_count: number;
  predictions_count: number;
  duration: number;
  file_upload_ids: number[];
  could_be_tasks_list: boolean;
  found_formats: string[];
  data_columns: string[];
  task_ids?: number[];
}

interface PendingTask {
  index: number;
  json: string;
  annotations: unknown[];
  predictions: unknown[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const short = (v: unknown) => {
  const s = JSON.stringify(v) ?? '';
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
};

const SCALAR_VALUE_KEYS: Record<string, string> = { rating: 'rating', number: 'number', textarea: 'text', datetime: 'datetime' };

/** One column of a flat item as a result item of the control with the same name (`preannotated_from_fields`). */
function resultFromField(cfg: LabelConfig, field: string, v: unknown): Record<string, unknown>[] {
  if (Array.isArray(v) && v.every(isObject)) return v as Record<string, unknown>[];
  const control = cfg.controls.find((c) => c.name === field);
  if (!control) return [];
  const type = control.tag.toLowerCase();
  const key = SCALAR_VALUE_KEYS[type] ?? type;
  const value = key === 'rating' || key === 'number' || key === 'datetime' ? v : Array.isArray(v) ? v : [v];
  return [{ from_name: field, to_name: control.toName.join(','), type, value: { [key]: value } }];
}

/**
 * The row text the batch insert reads `data` and `meta` from. An item that arrived as JSON is passed on
 * as its own text (Postgres ignores its other keys), saving a second serialization of every task.
 */
function rowJson(item: RawItem, wrapped: boolean, data: Record<string, unknown>, meta: unknown, remapped: boolean): string {
  if (item.text === undefined || remapped) return JSON.stringify({ data, meta });
  if (!wrapped) return `{"data":${item.text}}`;
  const value = item.value as Record<string, unknown>;
  return value.meta === undefined || isObject(value.meta) ? item.text : JSON.stringify({ data, meta });
}

/** Checks one imported item and turns it into the row text for the batch insert; throws with the item's position. */
function prepareItem(cfg: LabelConfig, item: RawItem, columns: Set<string>, preannotatedFields: string[] = []): PendingTask {
  const { index, value } = item;
  const fail = (msg: string): never => {
    throw new AppError('invalid', 'Validation error', { non_field_errors: [`Error at item ${index}: ${msg} :: ${short(value)}`] });
  };
  if (!isObject(value)) return fail('a task must be a JSON object');
  const wrapped = isObject(value.data);
  let data = (wrapped ? value.data : value) as Record<string, unknown>;
  const remapped = '$undefined$' in data;
  if (remapped) data = remapUndefinedKey(cfg, data);
  const problem = checkTaskData(cfg, data);
  if (problem) fail(`${problem}${wrapped ? ' [assume: item["data"] = task root with values]' : ' [assume: item as is = task root with values]'}`);
  const list = (key: 'annotations' | 'predictions'): unknown[] => {
    if (!wrapped || value[key] === undefined || value[key] === null) return [];
    const v = value[key];
    if (!Array.isArray(v)) return fail(`"${key}" must be a list`);
    v.forEach((a, i) => {
      if (!isObject(a)) fail(`${key}[${i}] must be an object`);
      if (key === 'annotations' && !Array.isArray((a as Record<string, unknown>).result)) fail(`${key}[${i}].result must be a list`);
    });
    return v;
  };
  for (const k of Object.keys(data)) columns.add(k);
  const meta = wrapped && isObject(value.meta) ? value.meta : {};
  const predictions = list('predictions');
  if (preannotatedFields.length && !wrapped) {
    const missing = preannotatedFields.find((f) => !(f in data));
    if (missing) fail(`"${missing}" is listed in preannotated_from_fields but missing from the item`);
    predictions.push({ result: preannotatedFields.flatMap((f) => resultFromField(cfg, f, data[f])) });
  }
  return { index, json: rowJson(item, wrapped, data, meta, remapped), annotations: list('annotations'), predictions };
}

async function flush(tx: Queryable, project: ProjectRow, actor: Actor, batch: PendingTask[], fileUploadId: number | null, ids: number[] | null, counts: { annotations: number; predictions: number }) {
  const first = await reserveInnerIds(tx, project.id, batch.length);
  const taskIds = await insertTaskBatch(tx, project.id, first, `[${batch.map((t) => t.json).join(',')}]`, fileUploadId);
  const annotations: Record<string, unknown>[] = [];
  const predictions: { task: number; result: unknown; score?: number | null; model_version?: string | null }[] = [];
  batch.forEach((t, i) => {
    for (const a of t.annotations as Record<string, unknown>[]) annotations.push({ ...a, task: taskIds[i] });
    for (const p of t.predictions as Record<string, unknown>[]) {
      predictions.push({ task: taskIds[i], result: p.result, score: p.score as number | null, model_version: (p.model_version as string) ?? null });
    }
  });
  if (annotations.length) counts.annotations += await insertAnnotationBatch(tx, project.id, JSON.stringify(annotations), actor.id);
  if (predictions.length) counts.predictions += (await insertPredictions(tx, project, predictions)).length;
  if (annotations.length) await refreshTaskCounters(tx, project.id, [...new Set(annotations.map((a) => a.task as number))]);
  for (const id of ids ? taskIds : []) ids!.push(id);
}

interface Progress {
  taskCount: number;
  columns: Set<string>;
  formats: Set<string>;
  fileUploadIds: number[];
  counts: { annotations: number; predictions: number };
  ids: number[] | null;
}

/**
 * Writes the sources' items in batches; one batch is written while the next is parsed, so Postgres and
 * Node work side by side. Returns only once no write is in flight, even on failure: a write still running
 * when the transaction rolls back would land outside it.
 */
async function writeSources(tx: Queryable, cfg: LabelConfig, project: ProjectRow, actor: Actor, sources: AsyncIterable<ImportSource>, p: Progress, preannotatedFields: string[]): Promise<void> {
  let inflight: Promise<void> = Promise.resolve();
  const submit = async (batch: PendingTask[], fileUploadId: number | null) => {
    await inflight;
    inflight = flush(tx, project, actor, batch, fileUploadId, p.ids, p.counts);
    inflight.catch(() => undefined); // surfaced by the next await
    p.taskCount += batch.length;
  };
  try {
    for await (const source of sources) {
      p.formats.add(source.format);
      if (source.fileUploadId) p.fileUploadIds.push(source.fileUploadId);
      let batch: PendingTask[] = [];
      for await (const item of source.items) {
        batch.push(prepareItem(cfg, item, p.columns, preannotatedFields));
        if (batch.length >= BATCH) {
          await submit(batch, source.fileUploadId);
          batch = [];
        }
      }
      if (batch.length) await submit(batch, source.fileUploadId);
    }
  } catch (err) {
    await inflight.catch(() => undefined);
    throw err;
  }
  await inflight;
}

/**
 * Imports every source in one transaction: a bad item anywhere stores nothing.
 * Items stream through in batches; only the current batch is held in memory.
 * `sources` gets the transaction so that what it records (file uploads) rolls back with the tasks.
 */
export async function importTasks(
  db: Db,
  actor: Actor,
  projectId: number,
  sources: (tx: Queryable) => AsyncIterable<ImportSource>,
  returnIds: boolean,
  preannotatedFields: string[] = [],
): Promise<ImportSummary> {
  const started = performance.now();
  const project = await getManagedProject(db, actor, projectId);
  const cfg = projectConfig(project);
  const p: Progress = { taskCount: 0, columns: new Set(), formats: new Set(), fileUploadIds: [], counts: { annotations: 0, predictions: 0 }, ids: [] };
  await db.transaction(async (tx) => {
    await tx.query('SELECT id FROM projects WHERE id = $1 FOR UPDATE', [project.id]);
    await writeSources(tx, cfg, project, actor, sources(tx), p, preannotatedFields);
    if (p.taskCount === 0) throw new AppError('invalid', 'No tasks found in the upload: the file is empty or holds no items');
  });
  // fresh statistics after a bulk load, or the planner keeps treating the tables as small
  if (p.taskCount >= 50_000) await db.query('ANALYZE tasks').catch(() => undefined);
  const summary: ImportSummary = {
    task_count: p.taskCount,
    annotation_count: p.counts.annotations,
    prediction_count: p.counts.predictions,
    predictions_count: p.counts.predictions,
    duration: Math.round(performance.now() - started) / 1000,
    file_upload_ids: p.fileUploadIds,
    could_be_tasks_list: false,
    found_formats: [...p.formats],
    data_columns: [...p.columns],
  };
  if (returnIds && p.ids) summary.task_ids = p.ids;
  await emit(db, { type: 'tasks.created', orgId: actor.orgId, projectId: project.id, taskIds: p.ids ?? [] });
  return summary;
}
