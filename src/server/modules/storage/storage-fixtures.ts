import { expect } from 'vitest';
import { startWorkers, type Workers } from '../../jobs/worker.js';
import { startTestServer, waitFor, type TestServer } from '../../testing/harness.js';

/** Test setup shared by the local files and S3 storage suites. */

export interface StorageTestServer extends TestServer {
  workers: Workers;
}

const quiet = { error: () => undefined, warn: () => undefined };

/** A test server with its job workers running, as `labelfleet start` runs them (syncs and export writes are jobs). */
export async function startStorageTestServer(): Promise<StorageTestServer> {
  const s = await startTestServer();
  const workers = startWorkers(s.ctx, quiet, { pollMs: 20 });
  return {
    ...s,
    workers,
    close: async () => {
      await workers.stop();
      await s.close();
    },
  };
}

export interface Storage {
  id: number;
  status: string;
  last_sync_count: number | null;
  traceback: string | null;
  [k: string]: unknown;
}

export type StorageDirection = '' | 'export/';

export async function createStorage(s: TestServer, type: string, payload: Record<string, unknown>, kind: StorageDirection = ''): Promise<Storage> {
  const res = await s.request({ method: 'POST', url: `/api/storages/${kind}${type}`, payload });
  if (res.statusCode !== 201) throw new Error(`storage create failed: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** POST .../sync; the reply waits for the sync job, so it shows the finished sync. */
export async function syncStorage(s: TestServer, type: string, id: number, kind: StorageDirection = ''): Promise<Storage> {
  const res = await s.request({ method: 'POST', url: `/api/storages/${kind}${type}/${id}/sync` });
  expect(res.statusCode).toBe(200);
  return res.json();
}

export { waitFor };

/** Waits until the storage jobs queued so far (export writes of annotation events) have run. */
export async function storageJobsDone(s: TestServer): Promise<void> {
  await waitFor(
    async () => (await s.ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE queue LIKE 'storage.%' AND state IN ('queued', 'active')`))[0].n === 0,
    'storage jobs to finish',
  );
}
