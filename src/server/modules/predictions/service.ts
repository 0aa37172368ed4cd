import type { Db, Queryable } from '../../db/connection.js';
import { AppError, notFound } from '../../errors.js';
import { isoTime } from '../../wire.js';
import { normalizePredictionResult } from '../labelconfig/prediction-result.js';
import { getManagedProject, projectConfig, type ProjectRow } from '../projects/service.js';
import { getTask, refreshTaskCounters } from '../tasks/service.js';
import { requireManager, type Actor } from '../users/service.js';
import * as q from './queries.js';
import type { PredictionRow } from './queries.js';

export { predictionsOfTasks } from './queries.js';

export const serializePrediction = (p: PredictionRow) => ({
  id: p.id,
  result: p.result,
  model_version: p.model_version,
  created_ago: '',
  score: p.score,
  cluster: p.cluster,
  neighbors: p.neighbors ?? null,
  mislabeling: p.mislabeling,
  created_at: isoTime(p.created_at),
  updated_at: isoTime(p.updated_at),
  model: null,
  model_run: null,
  task: p.task_id,
  project: p.project_id,
});

export interface PredictionInput {
  task: number;
  result: unknown;
  score?: number | null;
  model_version?: string | null;
}

const scoreOf = (v: unknown, where: string): number | null => {
  if (v === undefined || v === null) return null;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new AppError('invalid', 'Validation error', { score: [`${where}: score must be a number`] });
  return n;
};

/** Normalizes and stores predictions for tasks of one project; all or nothing. */
export async function insertPredictions(tx: Queryable, project: ProjectRow, items: PredictionInput[]): Promise<number[]> {
  if (items.length === 0) return [];
  const cfg = projectConfig(project);
  const taskIds = [...new Set(items.map((i) => Number(i.task)))];
  const found = await tx.query<{ id: number }>('SELECT id FROM tasks WHERE project_id = $1 AND id = ANY($2::bigint[])', [project.id, taskIds]);
  const known = new Set(found.map((r) => r.id));
  const rows = items.map((item, i) => {
    if (!known.has(Number(item.task))) throw new AppError('invalid', 'Validation error', { task: [`Item ${i}: task ${item.task} is not in project ${project.id}`] });
    return { task: Number(item.task), result: normalizePredictionResult(cfg, item.result), score: scoreOf(item.score, `Item ${i}`), model_version: item.model_version ?? 'undefined' };
  });
  const ids = await q.insertPredictionBatch(tx, project.id, JSON.stringify(rows));
  await refreshTaskCounters(tx, project.id, taskIds);
  return ids;
}

export async function createPrediction(db: Db, actor: Actor, input: PredictionInput): Promise<PredictionRow> {
  requireManager(actor);
  const { project } = await getTask(db, actor, Number(input.task));
  const [id] = await db.transaction((tx) => insertPredictions(tx, project, [input]));
  return (await q.findPrediction(db, id))!;
}

export async function importPredictions(db: Db, actor: Actor, projectId: number, items: PredictionInput[]): Promise<number> {
  const project = await getManagedProject(db, actor, projectId);
  return (await db.transaction((tx) => insertPredictions(tx, project, items))).length;
}

export async function getPrediction(db: Queryable, actor: Actor, id: number): Promise<PredictionRow> {
  const p = await q.findPrediction(db, id);
  if (!p) throw notFound();
  await getTask(db, actor, p.task_id);
  return p;
}

export async function listPredictions(db: Queryable, actor: Actor, filter: { task?: number; project?: number }) {
  return q.listPredictions(db, actor.orgId, filter);
}

export async function patchPrediction(db: Db, actor: Actor, id: number, patch: { result?: unknown; score?: number | null; model_version?: string }) {
  requireManager(actor);
  const p = await getPrediction(db, actor, id);
  const { project } = await getTask(db, actor, p.task_id);
  const result = patch.result === undefined ? undefined : normalizePredictionResult(projectConfig(project), patch.result);
  await q.updatePrediction(db, id, { ...patch, result });
  return (await q.findPrediction(db, id))!;
}

export async function deletePredictionsOf(db: Db, actor: Actor, projectId: number, where: { id?: number; taskIds?: number[]; modelVersion?: string }): Promise<number> {
  await getManagedProject(db, actor, projectId);
  return db.transaction(async (tx) => {
    const params: unknown[] = [projectId];
    const conds = ['project_id = $1'];
    if (where.id !== undefined) conds.push(`id = $${params.push(where.id)}`);
    if (where.taskIds) conds.push(`task_id = ANY($${params.push(where.taskIds)}::bigint[])`);
    if (where.modelVersion !== undefined) conds.push(`model_version = $${params.push(where.modelVersion)}`);
    const gone = await q.deletePredictions(tx, conds.join(' AND '), params);
    await refreshTaskCounters(tx, projectId, [...new Set(gone.map((g) => g.task_id))]);
    return gone.length;
  });
}

export const modelVersions = q.modelVersions;
