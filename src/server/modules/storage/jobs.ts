import type { Db, Queryable } from '../../db/connection.js';
import { systemActor } from '../../jobs/actor.js';
import { findJob, jobsOfSubject } from '../../jobs/queue.js';
import { defineJob, definePeriodic, enqueue, exponentialBackoff, PermanentJobError } from '../../jobs/worker.js';
import { applyExportChange, exportAllAnnotations, type ExportChange } from './export-sync.js';
import { importFromStorage } from './import-sync.js';
import * as q from './queries.js';
import type { StorageRow } from './queries.js';

/**
 * Syncs run as jobs (`storage.sync`), one at a time per storage (order key `storage:<id>`, shared with
 * the export writes of annotation events): status queued → in_progress → completed | failed, as
 * Label Studio's sync jobs report it.
 */
const orderKey = (storageId: number) => `storage:${storageId}`;
const syncSubject = (storageId: number) => `storage-sync:${storageId}`;

interface SyncPayload {
  storageId: number;
  orgId: number;
}

function tracebackOf(err: unknown): string {
  const e = err as { message?: string; validationErrors?: unknown };
  const details = e?.validationErrors ? ` ${JSON.stringify(e.validationErrors)}` : '';
  return `${e?.message ?? String(err)}${details}`;
}

/** Runs one sync and records its outcome on the storage; a failure is recorded rather than retried. */
export async function runStorageSync(db: Db, payload: SyncPayload): Promise<StorageRow | null> {
  const storage = await q.findStorage(db, payload.storageId);
  if (!storage) return null;
  await q.setSyncState(db, storage.id, 'in_progress', null, null);
  try {
    const count =
      storage.direction === 'import' ? (await importFromStorage(db, systemActor(payload.orgId), storage)).taskCount : await exportAllAnnotations(db, storage);
    return await q.setSyncState(db, storage.id, 'completed', null, count);
  } catch (err) {
    await q.setSyncState(db, storage.id, 'failed', tracebackOf(err), null);
    throw new PermanentJobError(tracebackOf(err));
  }
}

export const storageSyncJob = defineJob<SyncPayload>({
  queue: 'storage.sync',
  maxAttempts: 1,
  backoff: () => 0,
  run: async (ctx, job) => {
    await runStorageSync(ctx.db, job.payload);
  },
});

interface ExportPayload {
  storageId: number;
  change: ExportChange;
}

export const storageExportJob = defineJob<ExportPayload>({
  queue: 'storage.export',
  maxAttempts: 6,
  backoff: exponentialBackoff(2, 120),
  run: async (ctx, job) => {
    const storage = await q.findStorage(ctx.db, job.payload.storageId);
    if (storage) await applyExportChange(ctx.db, storage, job.payload.change);
  },
});

export async function queueExportChange(db: Queryable, storage: StorageRow, change: ExportChange): Promise<void> {
  await enqueue(db, storageExportJob, [{ payload: { storageId: storage.id, change }, orderKey: orderKey(storage.id), subject: `storage-export:${storage.id}` }]);
}

/**
 * Queues a sync of the storage unless one is already queued or running (then that one is the answer).
 * Returns the sync job's id.
 */
export async function requestSync(db: Queryable, storage: StorageRow, orgId: number): Promise<number> {
  const [latest] = await jobsOfSubject(db, syncSubject(storage.id), 1);
  if (latest && (latest.state === 'queued' || latest.state === 'active')) return latest.id;
  // status first: a worker that takes the job at once moves it on to in_progress, never back to queued
  await q.setSyncState(db, storage.id, 'queued', null, null);
  const [jobId] = await enqueue(db, storageSyncJob, [{ payload: { storageId: storage.id, orgId }, orderKey: orderKey(storage.id), subject: syncSubject(storage.id) }]);
  await q.setLastSyncJob(db, storage.id, jobId);
  return jobId;
}

/** Waits until the job finished or `timeoutMs` passed (a reply then shows the sync still queued or in progress). */
export async function waitForJob(db: Queryable, jobId: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let pause = 10;
  while (Date.now() < deadline) {
    const job = await findJob(db, jobId);
    if (!job || job.state === 'done' || job.state === 'failed') return;
    await new Promise((resolve) => setTimeout(resolve, Math.min(pause, Math.max(0, deadline - Date.now()))));
    pause = Math.min(pause * 2, 200);
  }
}

/**
 * `POST .../sync`: queues a sync (or joins the one queued) and waits up to `waitMs` for it; returns the
 * storage as it then is (completed or failed, or still queued / in progress after a long wait).
 */
export async function syncAndWait(db: Queryable, storage: StorageRow, orgId: number, waitMs: number): Promise<StorageRow> {
  const jobId = await requestSync(db, storage, orgId);
  await waitForJob(db, jobId, waitMs);
  return (await q.findStorage(db, storage.id)) ?? storage;
}

/**
 * The scheduler: queues a sync of every storage whose `sync_interval_minutes` came round at `now`.
 * The worker loop calls it every minute; tests call it with a clock of their own.
 */
export async function queueScheduledSyncs(db: Queryable, now: Date = new Date()): Promise<number[]> {
  const jobIds: number[] = [];
  for (const { id } of await q.claimDueSyncs(db, now)) {
    const storage = await q.findStorage(db, id);
    if (!storage) continue;
    const orgId = await q.organizationOfStorage(db, storage.id);
    if (orgId === null) continue;
    jobIds.push(await requestSync(db, storage, orgId));
  }
  return jobIds;
}

definePeriodic({ name: 'storage.schedule', everyMs: 60_000, run: (ctx, now) => queueScheduledSyncs(ctx.db, now).then(() => undefined) });

