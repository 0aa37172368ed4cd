import type { Queryable } from '../../db/connection.js';

export type MlState = 'CO' | 'DI' | 'ER' | 'TR' | 'PR';

export interface MlBackendRow {
  id: number;
  project_id: number;
  /** the project's organization (joined in) */
  organization_id: number;
  url: string;
  title: string;
  description: string;
  state: MlState;
  error_message: string | null;
  is_interactive: boolean;
  model_version: string;
  timeout: number;
  auth_method: string;
  basic_auth_user: string | null;
  basic_auth_pass: string | null;
  extra_params: Record<string, unknown> | null;
  auto_update: boolean;
  hostname: string;
  webhook_id: number | null;
  annotations_since_train: number;
  created_by: number | null;
  created_at: Date;
  updated_at: Date;
}

export interface MlBackendWrite {
  url: string;
  title: string;
  description: string;
  state: MlState;
  errorMessage: string | null;
  isInteractive: boolean;
  modelVersion: string;
  timeout: number;
  authMethod: string;
  basicAuthUser: string | null;
  basicAuthPass: string | null;
  extraParams: Record<string, unknown> | null;
  autoUpdate: boolean;
  hostname: string;
}

const SELECT = 'SELECT b.*, p.organization_id FROM ml_backends b JOIN projects p ON p.id = b.project_id';

export const findBackend = async (q: Queryable, id: number) => (await q.query<MlBackendRow>(`${SELECT} WHERE b.id = $1`, [id]))[0];

export const backendsOfProject = (q: Queryable, projectId: number) => q.query<MlBackendRow>(`${SELECT} WHERE b.project_id = $1 ORDER BY b.id`, [projectId]);

export function listBackends(q: Queryable, orgId: number, filter: { project?: number; isInteractive?: boolean }): Promise<MlBackendRow[]> {
  const where = ['p.organization_id = $1'];
  const params: unknown[] = [orgId];
  if (filter.project !== undefined) where.push(`b.project_id = $${params.push(filter.project)}`);
  if (filter.isInteractive !== undefined) where.push(`b.is_interactive = $${params.push(filter.isInteractive)}`);
  return q.query<MlBackendRow>(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY b.id`, params);
}

const COLUMNS = 'url, title, description, state, error_message, is_interactive, model_version, timeout, auth_method, basic_auth_user, basic_auth_pass, extra_params, auto_update, hostname';
const values = (w: MlBackendWrite) => [w.url, w.title, w.description, w.state, w.errorMessage, w.isInteractive, w.modelVersion, w.timeout, w.authMethod, w.basicAuthUser, w.basicAuthPass, w.extraParams === null ? null : JSON.stringify(w.extraParams), w.autoUpdate, w.hostname];

export async function insertBackend(q: Queryable, projectId: number, userId: number, w: MlBackendWrite): Promise<number> {
  const rows = await q.query<{ id: number }>(
    `INSERT INTO ml_backends (project_id, created_by, ${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb, $15, $16) RETURNING id`,
    [projectId, userId || null, ...values(w)],
  );
  return rows[0].id;
}

export async function updateBackend(q: Queryable, id: number, w: MlBackendWrite): Promise<void> {
  await q.query(
    `UPDATE ml_backends SET (${COLUMNS}, updated_at) = ($2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14, $15, now()) WHERE id = $1`,
    [id, ...values(w)],
  );
}

export const setWebhook = (q: Queryable, id: number, webhookId: number) => q.query('UPDATE ml_backends SET webhook_id = $2 WHERE id = $1', [id, webhookId]);

export const deleteBackend = (q: Queryable, id: number) => q.query('DELETE FROM ml_backends WHERE id = $1', [id]);

/** The backend's health as the last call found it; `modelVersion` null keeps the version it had. */
export async function setState(q: Queryable, id: number, state: MlState, errorMessage: string | null, modelVersion: string | null = null): Promise<void> {
  await q.query('UPDATE ml_backends SET state = $2, error_message = $3, model_version = coalesce($4, model_version), updated_at = now() WHERE id = $1', [id, state, errorMessage, modelVersion]);
}

/**
 * Counts one new annotation toward the next training run of each backend of the project; returns the
 * backends whose count reached `every` (their count starts again at zero). One statement, so two
 * annotations saved at once cannot both start, or both miss, a run.
 */
export async function countAnnotationForTraining(q: Queryable, projectId: number, every: number): Promise<number[]> {
  const rows = await q.query<{ id: number; due: boolean }>(
    `UPDATE ml_backends SET annotations_since_train = CASE WHEN annotations_since_train + 1 >= $2 THEN 0 ELSE annotations_since_train + 1 END
     WHERE project_id = $1 RETURNING id, annotations_since_train = 0 AS due`,
    [projectId, every],
  );
  return rows.filter((r) => r.due).map((r) => r.id);
}
