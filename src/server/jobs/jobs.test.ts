import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/harness.js';
import { claimJobs, LOCK_SECONDS } from './queue.js';
import { defineJob, drainJobs, enqueue, exponentialBackoff, PermanentJobError, startWorkers, workOnce } from './worker.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => s?.close());

/** What the test handlers did, in order; `failures[name]` makes a payload fail that many more times. */
const ran: string[] = [];
const failures: Record<string, number> = {};
const waiters: { name: string; resolve: () => void }[] = [];

const recorder = defineJob<{ name: string; permanent?: boolean }>({
  queue: 'test.record',
  maxAttempts: 3,
  backoff: exponentialBackoff(1, 60),
  async run(_ctx, job) {
    const { name, permanent } = job.payload;
    if (permanent) throw new PermanentJobError(`${name} cannot work`);
    if ((failures[name] ?? 0) > 0) {
      failures[name]--;
      ran.push(`${name}!`);
      throw new Error(`${name} failed`);
    }
    ran.push(name);
    for (const w of waiters.filter((x) => x.name === name)) w.resolve();
  },
});

const at = (seconds: number) => new Date(Date.now() + seconds * 1000);
const stateOf = async (id: number) => (await s.ctx.db.query<{ state: string; attempts: number; last_error: string | null }>('SELECT state, attempts, last_error FROM jobs WHERE id = $1', [id]))[0];
const queue = (items: { name: string; key?: string; permanent?: boolean }[]) =>
  enqueue(s.ctx.db, recorder, items.map((i) => ({ payload: { name: i.name, permanent: i.permanent }, orderKey: i.key ?? null })));

describe('the job queue', () => {
  it('runs the jobs of one order key one at a time in order, a retry holding back the rest of its key only', async () => {
    ran.length = 0;
    failures.a1 = 1;
    await queue([{ name: 'a1', key: 'A' }, { name: 'b1', key: 'B' }, { name: 'a2', key: 'A' }, { name: 'b2', key: 'B' }]);
    await drainJobs(s.ctx);
    expect(ran).toEqual(expect.arrayContaining(['a1!', 'b1', 'b2']));
    expect(ran).not.toContain('a2'); // a1 waits out its backoff, a2 behind it
    expect(ran.indexOf('b1')).toBeLessThan(ran.indexOf('b2'));
    await drainJobs(s.ctx, { now: at(1) });
    expect(ran.slice(-2)).toEqual(['a1', 'a2']);
  });

  it('fails a job at once on a PermanentJobError, after its last attempt otherwise, and keeps the error', async () => {
    const [perm, flaky] = await queue([{ name: 'p', permanent: true }, { name: 'f' }]);
    failures.f = 10;
    await drainJobs(s.ctx, { now: at(0) });
    await drainJobs(s.ctx, { now: at(100) });
    await drainJobs(s.ctx, { now: at(200) });
    expect(await stateOf(perm)).toEqual({ state: 'failed', attempts: 1, last_error: 'p cannot work' });
    expect(await stateOf(flaky)).toEqual({ state: 'failed', attempts: 3, last_error: 'f failed' });
  });

  it('fails a job nobody handles', async () => {
    const [id] = await s.ctx.db.query<{ id: number }>(`INSERT INTO jobs (queue, payload) VALUES ('test.nobody', '{}') RETURNING id`);
    await workOnce(s.ctx, { queues: ['test.nobody'] });
    expect(await stateOf(id.id)).toMatchObject({ state: 'failed', last_error: 'no handler for queue "test.nobody"' });
  });

  it('gives the job of a worker that died to another once its lock runs out', async () => {
    const [id] = await queue([{ name: 'orphan' }]);
    const [taken] = await claimJobs(s.ctx.db, { limit: 1, now: null, queues: ['test.record'] }); // a worker takes it, then dies
    expect(taken.id).toBe(id);
    expect(await drainJobs(s.ctx)).toBe(0);
    expect(await drainJobs(s.ctx, { now: at(LOCK_SECONDS + 1) })).toBe(1);
    expect(await stateOf(id)).toMatchObject({ state: 'done', attempts: 2 });
  });

  it('runs queued jobs in the background worker loop until stopped', async () => {
    const workers = startWorkers(s.ctx, { error: () => undefined, warn: () => undefined }, { pollMs: 50 });
    const done = new Promise<void>((resolve) => waiters.push({ name: 'background', resolve }));
    await queue([{ name: 'background' }]);
    await done;
    await workers.stop();
    expect(ran).toContain('background');
  });
});
