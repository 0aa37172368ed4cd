import { randomUUID } from 'node:crypto';
import type { Ctx } from '../../context.js';
import { subscribe, type DomainEvent } from '../../events.js';
import { enqueue, type Enqueue, type JobLog } from '../../jobs/worker.js';
import { serializeProject } from '../projects/service.js';
import { deliverWebhook, type DeliveryJob } from './delivery.js';
import { annotationPayload, annotationsPayload, onlyIds, projectOf, tasksPayload } from './payloads.js';
import { activeWebhooksFor } from './queries.js';
import { WEBHOOK_ACTIONS, type WebhookAction } from './schemas.js';
import { deliveryOrderKey } from './service.js';

/** Large events go out in several deliveries: this many tasks or annotations with their data, ids only by the thousand. */
const OBJECTS_PER_DELIVERY = 100;
const IDS_PER_DELIVERY = 1000;
/**
 * Payloads are snapshots taken when the event happens, except the tasks of an import larger than this:
 * those are read when each delivery is sent, so a big import does not wait for its webhooks.
 */
const SNAPSHOT_TASKS_UP_TO = 1000;

type Piece = Pick<DeliveryJob, 'payload' | 'tasks'>;

const chunks = <T>(items: T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/**
 * Queues one delivery per matching webhook (per piece, for large events). Deliveries of one webhook
 * about one project share an order key, so a receiver gets them in the order the changes happened,
 * retries included. Pieces are built only when some webhook wants payloads.
 */
async function dispatch(ctx: Ctx, orgId: number, projectId: number, action: WebhookAction, pieces: () => Promise<Piece[]>): Promise<void> {
  const organizationOnly = WEBHOOK_ACTIONS[action]['organization-only'];
  const hooks = await activeWebhooksFor(ctx.db, orgId, organizationOnly ? null : projectId, action);
  if (hooks.length === 0) return;
  const built = hooks.some((h) => h.send_payload) ? await pieces() : [];
  const jobs: Enqueue<DeliveryJob>[] = [];
  for (const hook of hooks) {
    const parts: Piece[] = hook.send_payload ? built : [{}];
    for (const part of parts) {
      jobs.push({ payload: { webhookId: hook.id, action, deliveryId: randomUUID(), ...part }, orderKey: deliveryOrderKey(hook.id, projectId), subject: `webhook:${hook.id}` });
    }
  }
  await enqueue(ctx.db, deliverWebhook, jobs);
}

async function onEvent(ctx: Ctx, e: DomainEvent): Promise<void> {
  const { db } = ctx;
  switch (e.type) {
    case 'project.created':
      return dispatch(ctx, e.orgId, e.project.id, 'PROJECT_CREATED', async () => [{ payload: { project: serializeProject(e.project) } }]);
    case 'project.updated':
      return dispatch(ctx, e.orgId, e.project.id, 'PROJECT_UPDATED', async () => [{ payload: { project: serializeProject(e.project) } }]);
    case 'project.deleted':
      return dispatch(ctx, e.orgId, e.project.id, 'PROJECT_DELETED', async () => [{ payload: { project: { id: e.project.id } } }]);
    case 'tasks.created':
      return dispatch(ctx, e.orgId, e.projectId, 'TASKS_CREATED', async () => {
        const parts = chunks(e.taskIds, OBJECTS_PER_DELIVERY);
        if (e.taskIds.length > SNAPSHOT_TASKS_UP_TO) return parts.map((taskIds) => ({ tasks: { orgId: e.orgId, projectId: e.projectId, taskIds } }));
        return Promise.all(parts.map(async (taskIds) => ({ payload: await tasksPayload(db, e.orgId, e.projectId, taskIds) })));
      });
    case 'tasks.deleted':
      return dispatch(ctx, e.orgId, e.projectId, 'TASKS_DELETED', async () => {
        const project = await projectOf(db, e.orgId, e.projectId);
        return chunks(e.taskIds, IDS_PER_DELIVERY).map((ids) => ({ payload: { tasks: onlyIds(ids), project } }));
      });
    case 'annotation.created':
      return dispatch(ctx, e.orgId, e.annotation.project_id, 'ANNOTATION_CREATED', async () => [{ payload: await annotationPayload(db, e.orgId, e.annotation) }]);
    case 'annotation.updated':
      return dispatch(ctx, e.orgId, e.annotation.project_id, 'ANNOTATION_UPDATED', async () => [{ payload: await annotationPayload(db, e.orgId, e.annotation) }]);
    case 'annotations.created':
      return dispatch(ctx, e.orgId, e.projectId, 'ANNOTATIONS_CREATED', async () => {
        const pieces: Piece[] = [];
        for (const idx of chunks([...e.annotationIds.keys()], OBJECTS_PER_DELIVERY)) {
          const taskIds = [...new Set(idx.map((i) => e.taskIds[i]))];
          pieces.push({ payload: await annotationsPayload(db, e.orgId, e.projectId, idx.map((i) => e.annotationIds[i]), taskIds) });
        }
        return pieces;
      });
    case 'annotations.deleted':
      return dispatch(ctx, e.orgId, e.projectId, 'ANNOTATIONS_DELETED', async () => {
        const project = await projectOf(db, e.orgId, e.projectId);
        return chunks(e.annotationIds, IDS_PER_DELIVERY).map((ids) => ({ payload: { annotations: onlyIds(ids), project } }));
      });
  }
}

const EVENT_TYPES: DomainEvent['type'][] = [
  'project.created',
  'project.updated',
  'project.deleted',
  'tasks.created',
  'tasks.deleted',
  'annotation.created',
  'annotation.updated',
  'annotations.created',
  'annotations.deleted',
];

/** Turns domain events into queued webhook deliveries; returns the unsubscribe. */
export function listenForWebhookEvents(ctx: Ctx, log: JobLog): () => void {
  const offs = EVENT_TYPES.map((type) =>
    subscribe(ctx.db, type, (e) => onEvent(ctx, e), (err, e) => log.error({ err, event: e.type }, 'webhooks: queuing deliveries failed; this event is not delivered')),
  );
  return () => offs.forEach((off) => off());
}
