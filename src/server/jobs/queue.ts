import type { Queryable } from '../db/connection.js';

/**
 * The job queue: a `jobs` table in the application's own database (PGlite or PostgreSQL), claimed with
 * FOR UPDATE SKIP LOCKED so any number of worker processes can share it. Jobs with the same order key
 * run strictly one after another in id order — a job waiting out its retry backoff holds back the
 * jobs queued after it under that key.
 */
export type JobState = 'queued' | 'active' | 'done' | 'failed';

export interface JobRow<P = unknown> {
  id: number;
  queue: string;
  payload: P;
  order_key: string | null;
  subject: string | null;
  state: JobState;
  attempts: number;
  max_attempts: number;
  run_at: Date;
  locked_until: Date | null;
  last_error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

export interface NewJob {
  queue: string;
  payload: unknown;
  /** jobs sharing a key run one at a time, in the order they were queued */
  orderKey?: string | null;
  /** what the job works for, e.g. "ml_backend:7": lets reports list a thing's jobs */
  subject?: string | null;
  maxAttempts?: number;
  /** not before this time (default: now) */
  runAt?: Date | null;
}

/** A claimed job stays reserved this long; a worker that died holding it gives it up after that. */
export const LOCK_SECONDS = 600;

const wakers = new WeakMap<object, Set<() => void>>();

/** Calls `fn` whenever a job is queued through this database handle in this process (wakes the worker loop). */
export function onEnqueued(db: Queryable, fn: () => void): () => void {
  const set = wakers.get(db) ?? new Set<() => void>();
  wakers.set(db, set);
  set.add(fn);
  return () => set.delete(fn);
}

/** Queues jobs in one statement; ids come back in input order. Pass a transaction to queue atomically with a write. */
export async function enqueueJobs(db: Queryable, jobs: NewJob[]): Promise<number[]> {
  if (jobs.length === 0) return [];
  const items = jobs.map((j) => ({
    queue: j.queue,
    payload: j.payload ?? {},
    order_key: j.orderKey ?? null,
    subject: j.subject ?? null,
    max_attempts: j.maxAttempts ?? 5,
    run_at: j.runAt?.toISOString() ?? null,
  }));
  const rows = await db.query<{ id: number }>(
    `INSERT INTO jobs (queue, payload, order_key, subject, max_attempts, run_at)
     SELECT e->>'queue', e->'payload', e->>'order_key', e->>'subject', (e->>'max_attempts')::int, coalesce((e->>'run_at')::timestamptz, now())
     FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(e, ord) ORDER BY ord
     RETURNING id`,
    [JSON.stringify(items)],
  );
  for (const wake of wakers.get(db) ?? []) wake();
  return rows.map((r) => r.id);
}

/**
 * Takes up to `limit` due jobs: queued ones whose time has come, and active ones whose worker's lock
 * ran out. Only the oldest open job of an order key is ever due. `now` stands in for the database
 * clock (tests move time forward with it); null means now().
 */
export async function claimJobs(db: Queryable, opts: { limit: number; now: Date | null; queues: string[] | null }): Promise<JobRow[]> {
  return db.query<JobRow>(
    `WITH clock AS (SELECT coalesce($1::timestamptz, now()) AS now),
     due AS (
       SELECT j.id FROM jobs j, clock
       WHERE j.state IN ('queued', 'active')
         AND ((j.state = 'queued' AND j.run_at <= clock.now) OR (j.state = 'active' AND j.locked_until <= clock.now))
         AND ($2::text[] IS NULL OR j.queue = ANY($2::text[]))
         AND (j.order_key IS NULL OR NOT EXISTS (
           SELECT 1 FROM jobs e WHERE e.order_key = j.order_key AND e.id < j.id AND e.state IN ('queued', 'active')))
       ORDER BY j.run_at, j.id
       LIMIT $3
       FOR UPDATE OF j SKIP LOCKED)
     UPDATE jobs SET state = 'active', attempts = jobs.attempts + 1, locked_until = clock.now + make_interval(secs => $4)
     FROM due, clock WHERE jobs.id = due.id
     RETURNING jobs.*`,
    [opts.now?.toISOString() ?? null, opts.queues, opts.limit, LOCK_SECONDS],
  );
}

export async function completeJob(db: Queryable, id: number): Promise<void> {
  await db.query(`UPDATE jobs SET state = 'done', finished_at = now(), locked_until = NULL, last_error = NULL WHERE id = $1`, [id]);
}

/** Back to the queue, due `delaySeconds` after `now` (the database clock when null). */
export async function retryJob(db: Queryable, id: number, error: string, delaySeconds: number, now: Date | null): Promise<void> {
  await db.query(
    `UPDATE jobs SET state = 'queued', locked_until = NULL, last_error = $2,
       run_at = coalesce($4::timestamptz, now()) + make_interval(secs => $3) WHERE id = $1`,
    [id, error, delaySeconds, now?.toISOString() ?? null],
  );
}

export async function failJob(db: Queryable, id: number, error: string): Promise<void> {
  await db.query(`UPDATE jobs SET state = 'failed', finished_at = now(), locked_until = NULL, last_error = $2 WHERE id = $1`, [id, error]);
}

export const findJob = async (db: Queryable, id: number) => (await db.query<JobRow>('SELECT * FROM jobs WHERE id = $1', [id]))[0];

/** A subject's most recent jobs, newest first. */
export const jobsOfSubject = (db: Queryable, subject: string, limit = 100) =>
  db.query<JobRow>('SELECT * FROM jobs WHERE subject = $1 ORDER BY id DESC LIMIT $2', [subject, limit]);

export async function countOpenJobs(db: Queryable, subject: string): Promise<{ queued: number; failed: number }> {
  const rows = await db.query<{ queued: number; failed: number }>(
    `SELECT count(*) FILTER (WHERE state IN ('queued', 'active'))::int AS queued, count(*) FILTER (WHERE state = 'failed')::int AS failed
     FROM jobs WHERE subject = $1`,
    [subject],
  );
  return rows[0];
}

/** Finished jobs are kept a while for reports: done ones a day, failed ones a month. */
export async function pruneJobs(db: Queryable): Promise<void> {
  await db.query(
    `DELETE FROM jobs WHERE (state = 'done' AND finished_at < now() - interval '1 day') OR (state = 'failed' AND finished_at < now() - interval '30 days')`,
  );
}
