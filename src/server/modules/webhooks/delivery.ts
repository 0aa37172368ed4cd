import { createHmac } from 'node:crypto';
import type { Ctx } from '../../context.js';
import { defineJob, exponentialBackoff, PermanentJobError } from '../../jobs/worker.js';
import { findWebhook, recordDelivery } from './queries.js';
import { tasksPayload, type Payload } from './payloads.js';

/** Headers LabelFleet adds to every delivery (besides the webhook's own). */
export const SIGNATURE_HEADER = 'X-LabelFleet-Signature';
export const DELIVERY_HEADER = 'X-LabelFleet-Delivery';
export const EVENT_HEADER = 'X-LabelFleet-Event';

/** How long a receiver has to answer one attempt. */
export const WEBHOOK_TIMEOUT_MS = 10_000;
const RESPONSE_KEPT = 2000;
/**
 * Answers that say the URL takes no deliveries (an ML backend older than LS 1.4.1 has no /webhook): retrying
 * would only hold back the deliveries queued after this one, so these fail at once.
 */
const GONE = new Set([404, 405, 410]);

/** `sha256=` and the hex HMAC-SHA256 of the exact body bytes, keyed with the webhook's secret (GitHub's scheme). */
export const signBody = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

export interface DeliveryJob {
  webhookId: number;
  action: string;
  /** the same for every attempt of this delivery: receivers can drop a repeat they already handled */
  deliveryId: string;
  /** the payload as it was when the event happened (absent: `action` only, or built when sent) */
  payload?: Payload;
  /** TASKS_CREATED: the tasks are read when the delivery is sent, so an import never waits for its webhooks */
  tasks?: { orgId: number; projectId: number; taskIds: number[] };
}

async function bodyOf(ctx: Ctx, job: DeliveryJob, sendPayload: boolean): Promise<Payload> {
  if (!sendPayload) return { action: job.action };
  if (job.tasks) return { action: job.action, ...(await tasksPayload(ctx.db, job.tasks.orgId, job.tasks.projectId, job.tasks.taskIds)) };
  return { action: job.action, ...(job.payload ?? {}) };
}

async function readSome(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  return text.length > RESPONSE_KEPT ? `${text.slice(0, RESPONSE_KEPT)}…` : text;
}

/**
 * One attempt: POST the JSON body, signed, with the webhook's headers. A 2xx answer delivers it; anything
 * else (another status, a timeout, a refused connection) is logged and retried with exponential backoff;
 * 404, 405 and 410 are logged and not retried.
 * A webhook that was deleted or switched off since the event drops the delivery.
 */
export const deliverWebhook = defineJob<DeliveryJob>({
  queue: 'webhooks.deliver',
  maxAttempts: 10,
  backoff: exponentialBackoff(1, 600),
  async run(ctx, job) {
    const d = job.payload;
    const hook = await findWebhook(ctx.db, d.webhookId);
    if (!hook || !hook.is_active) return;
    let body: string;
    try {
      body = JSON.stringify(await bodyOf(ctx, d, hook.send_payload));
    } catch (err) {
      throw new PermanentJobError(`could not build the payload: ${(err as Error).message}`);
    }
    const started = performance.now();
    let status: number | null = null;
    let error: string | null = null;
    let response: string | null = null;
    try {
      const res = await fetch(hook.url, {
        method: 'POST',
        headers: {
          ...hook.headers,
          'content-type': 'application/json',
          'user-agent': 'LabelFleet-Webhooks',
          [SIGNATURE_HEADER]: signBody(hook.secret, body),
          [DELIVERY_HEADER]: d.deliveryId,
          [EVENT_HEADER]: d.action,
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      status = res.status;
      response = await readSome(res);
      if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`;
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      error = (err as Error).name === 'TimeoutError' ? `no answer within ${WEBHOOK_TIMEOUT_MS} ms` : `${(err as Error).message}${cause ? ` (${cause})` : ''}`;
    }
    await recordDelivery(ctx.db, {
      webhook_id: hook.id,
      delivery_id: d.deliveryId,
      job_id: job.id,
      action: d.action,
      attempt: job.attempts,
      delivered: error === null,
      status_code: status,
      error,
      duration_ms: Math.round(performance.now() - started),
      response_body: response,
    });
    if (error === null) return;
    if (status !== null && GONE.has(status)) throw new PermanentJobError(`${hook.url}: ${error}; not retried`);
    throw new Error(`${hook.url}: ${error}`);
  },
});
