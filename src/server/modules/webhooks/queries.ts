import type { Queryable } from '../../db/connection.js';

export interface WebhookRow {
  id: number;
  organization_id: number;
  project_id: number | null;
  url: string;
  send_payload: boolean;
  send_for_all_actions: boolean;
  headers: Record<string, string>;
  is_active: boolean;
  actions: string[];
  secret: string;
  consecutive_failures: number;
  created_by: number | null;
  created_at: Date;
  updated_at: Date;
}

export interface WebhookWrite {
  url: string;
  projectId: number | null;
  sendPayload: boolean;
  sendForAllActions: boolean;
  headers: Record<string, string>;
  isActive: boolean;
  actions: string[];
  secret: string;
}

export const findWebhook = async (q: Queryable, id: number) => (await q.query<WebhookRow>('SELECT * FROM webhooks WHERE id = $1', [id]))[0];

export async function insertWebhook(q: Queryable, orgId: number, userId: number | null, w: WebhookWrite): Promise<WebhookRow> {
  const rows = await q.query<WebhookRow>(
    `INSERT INTO webhooks (organization_id, project_id, url, send_payload, send_for_all_actions, headers, is_active, actions, secret, created_by)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8::text[], $9, $10) RETURNING *`,
    [orgId, w.projectId, w.url, w.sendPayload, w.sendForAllActions, JSON.stringify(w.headers), w.isActive, w.actions, w.secret, userId],
  );
  return rows[0];
}

export async function updateWebhook(q: Queryable, id: number, w: Omit<WebhookWrite, 'projectId'>): Promise<WebhookRow> {
  const rows = await q.query<WebhookRow>(
    `UPDATE webhooks SET url = $2, send_payload = $3, send_for_all_actions = $4, headers = $5::jsonb, is_active = $6, actions = $7::text[],
       secret = $8, updated_at = now() WHERE id = $1 RETURNING *`,
    [id, w.url, w.sendPayload, w.sendForAllActions, JSON.stringify(w.headers), w.isActive, w.actions, w.secret],
  );
  return rows[0];
}

export const deleteWebhook = (q: Queryable, id: number) => q.query('DELETE FROM webhooks WHERE id = $1', [id]);

export function listWebhooks(q: Queryable, orgId: number, projectId: number | null | undefined): Promise<WebhookRow[]> {
  if (projectId === undefined) return q.query<WebhookRow>('SELECT * FROM webhooks WHERE organization_id = $1 ORDER BY id', [orgId]);
  if (projectId === null) return q.query<WebhookRow>('SELECT * FROM webhooks WHERE organization_id = $1 AND project_id IS NULL ORDER BY id', [orgId]);
  return q.query<WebhookRow>('SELECT * FROM webhooks WHERE organization_id = $1 AND project_id = $2 ORDER BY id', [orgId, projectId]);
}

/**
 * Label Studio's `get_active_webhooks`: active webhooks of the organization, of this project or of no
 * project (organization-wide), that want this action. `projectId` null: organization-wide ones only.
 */
export function activeWebhooksFor(q: Queryable, orgId: number, projectId: number | null, action: string): Promise<WebhookRow[]> {
  return q.query<WebhookRow>(
    `SELECT * FROM webhooks
     WHERE organization_id = $1 AND is_active AND (project_id IS NULL OR project_id = $2)
       AND (send_for_all_actions OR $3 = ANY(actions))
     ORDER BY id`,
    [orgId, projectId, action],
  );
}

export interface DeliveryRow {
  id: number;
  webhook_id: number;
  delivery_id: string;
  job_id: number | null;
  action: string;
  attempt: number;
  delivered: boolean;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  response_body: string | null;
  created_at: Date;
}

/** The log keeps the newest attempts of each webhook; older ones go as new ones come. */
export const DELIVERY_LOG_KEPT = 1000;

export async function recordDelivery(q: Queryable, d: Omit<DeliveryRow, 'id' | 'created_at'>): Promise<void> {
  await q.query(
    `INSERT INTO webhook_deliveries (webhook_id, delivery_id, job_id, action, attempt, delivered, status_code, error, duration_ms, response_body)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [d.webhook_id, d.delivery_id, d.job_id, d.action, d.attempt, d.delivered, d.status_code, d.error, d.duration_ms, d.response_body],
  );
  await q.query(
    `DELETE FROM webhook_deliveries WHERE webhook_id = $1
       AND id < (SELECT id FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY id DESC OFFSET $2 LIMIT 1)`,
    [d.webhook_id, DELIVERY_LOG_KEPT - 1],
  );
  await q.query(
    `UPDATE webhooks SET consecutive_failures = CASE WHEN $2 THEN 0 ELSE consecutive_failures + 1 END WHERE id = $1`,
    [d.webhook_id, d.delivered],
  );
}

export const listDeliveries = (q: Queryable, webhookId: number, limit: number) =>
  q.query<DeliveryRow>('SELECT * FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY id DESC LIMIT $2', [webhookId, limit]);
