import { randomBytes } from 'node:crypto';
import type { Queryable } from '../../db/connection.js';
import { notFound } from '../../errors.js';
import { isoTime } from '../../wire.js';
import { getProject } from '../projects/service.js';
import { requireManager, type Actor } from '../users/service.js';
import * as q from './queries.js';
import type { DeliveryRow, WebhookRow } from './queries.js';
import { WEBHOOK_ACTIONS, type WebhookCreate, type WebhookUpdate } from './schemas.js';

export type { WebhookRow } from './queries.js';

const newSecret = () => randomBytes(32).toString('hex');

/**
 * Deliveries of one webhook about one project run in order (the job queue's order key). Work that must
 * follow them, like an ML backend's training run after the annotations that triggered it, uses the same key.
 */
export const deliveryOrderKey = (webhookId: number, projectId: number) => `webhook:${webhookId}:project:${projectId}`;

/** A webhook of the actor's organization; any other answers like a missing one. */
export async function getWebhook(db: Queryable, actor: Actor, id: number): Promise<WebhookRow> {
  requireManager(actor);
  const hook = await q.findWebhook(db, id);
  if (!hook || hook.organization_id !== actor.orgId) throw notFound();
  return hook;
}

export async function createWebhook(db: Queryable, actor: Actor, input: WebhookCreate): Promise<WebhookRow> {
  requireManager(actor);
  const projectId = input.project ?? null;
  if (projectId !== null) await getProject(db, actor, projectId);
  return q.insertWebhook(db, actor.orgId, actor.id || null, {
    url: input.url,
    projectId,
    sendPayload: input.send_payload ?? true,
    sendForAllActions: input.send_for_all_actions ?? true,
    headers: input.headers ?? {},
    isActive: input.is_active ?? true,
    actions: [...new Set(input.actions ?? [])],
    secret: input.secret ?? newSecret(),
  });
}

export async function updateWebhook(db: Queryable, actor: Actor, id: number, input: WebhookUpdate): Promise<WebhookRow> {
  const hook = await getWebhook(db, actor, id);
  return q.updateWebhook(db, id, {
    url: input.url ?? hook.url,
    sendPayload: input.send_payload ?? hook.send_payload,
    sendForAllActions: input.send_for_all_actions ?? hook.send_for_all_actions,
    headers: input.headers ?? hook.headers,
    isActive: input.is_active ?? hook.is_active,
    actions: input.actions ? [...new Set(input.actions)] : hook.actions,
    secret: input.secret ?? hook.secret,
  });
}

export async function deleteWebhook(db: Queryable, actor: Actor, id: number): Promise<void> {
  await getWebhook(db, actor, id);
  await q.deleteWebhook(db, id);
}

/** `project`: a project id, "null" for organization-wide webhooks only, absent for all of them. */
export async function listWebhooks(db: Queryable, actor: Actor, project: string | undefined): Promise<WebhookRow[]> {
  requireManager(actor);
  const filter = project === undefined || project === '' ? undefined : project === 'null' || project === 'None' ? null : Number(project);
  if (typeof filter === 'number' && !Number.isInteger(filter)) return [];
  return q.listWebhooks(db, actor.orgId, filter);
}

export async function listDeliveries(db: Queryable, actor: Actor, id: number, limit: number): Promise<DeliveryRow[]> {
  await getWebhook(db, actor, id);
  return q.listDeliveries(db, id, limit);
}

/**
 * The project webhook an ML backend gets (Label Studio's `create_ml_webhook`): `<url>/webhook`, every
 * action, with payloads. An existing webhook of the project to that URL is reused.
 */
export async function ensureMlWebhook(db: Queryable, orgId: number, projectId: number, backendUrl: string): Promise<number> {
  const url = `${backendUrl.replace(/\/+$/, '')}/webhook`;
  const existing = (await q.listWebhooks(db, orgId, projectId)).find((h) => h.url === url);
  if (existing) return existing.id;
  const hook = await q.insertWebhook(db, orgId, null, {
    url,
    projectId,
    sendPayload: true,
    sendForAllActions: true,
    headers: {},
    isActive: true,
    actions: [],
    secret: newSecret(),
  });
  return hook.id;
}

export async function deleteWebhookById(db: Queryable, id: number): Promise<void> {
  await q.deleteWebhook(db, id);
}

/** The webhook as Label Studio serializes it; the secret only when it was just set (create, or a new one on update). */
export function serializeWebhook(h: WebhookRow, opts: { withSecret?: boolean } = {}) {
  return {
    id: h.id,
    organization: h.organization_id,
    project: h.project_id,
    url: h.url,
    send_payload: h.send_payload,
    send_for_all_actions: h.send_for_all_actions,
    headers: h.headers,
    is_active: h.is_active,
    actions: h.actions,
    created_at: isoTime(h.created_at),
    updated_at: isoTime(h.updated_at),
    consecutive_failures: h.consecutive_failures,
    ...(opts.withSecret ? { secret: h.secret } : {}),
  };
}

export const serializeDelivery = (d: DeliveryRow) => ({
  id: d.id,
  webhook: d.webhook_id,
  delivery_id: d.delivery_id,
  action: d.action,
  attempt: d.attempt,
  delivered: d.delivered,
  status_code: d.status_code,
  error: d.error,
  duration_ms: d.duration_ms,
  response_body: d.response_body,
  created_at: isoTime(d.created_at),
});

/** `/api/webhooks/info`: every action, or only those whose organization-only flag matches. */
export function webhookInfo(organizationOnly: boolean | undefined) {
  return Object.fromEntries(
    Object.entries(WEBHOOK_ACTIONS)
      .filter(([, meta]) => organizationOnly === undefined || meta['organization-only'] === organizationOnly)
      .map(([action, meta]) => [action, { ...meta }]),
  );
}
