import type { Ctx } from '../context.js';
import type { Queryable } from '../db/connection.js';
import { claimJobs, completeJob, enqueueJobs, failJob, onEnqueued, pruneJobs, retryJob, type JobRow, type NewJob } from './queue.js';

export type { JobRow } from './queue.js';

/** What the worker logs through (pino's shape, so Fastify's logger fits). */
export interface JobLog {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

const silent: JobLog = { error: () => undefined, warn: () => undefined };

/**
 * A kind of job: its queue name, how often it is tried, and how long to wait between tries.
 * Handlers live in their modules and are defined when the module loads.
 */
export interface JobHandler<P> {
  queue: string;
  maxAttempts: number;
  /** seconds to wait after failed attempt number `attempt` (1-based) */
  backoff: (attempt: number) => number;
  run: (ctx: Ctx, job: JobRow<P>) => Promise<void>;
  /** after every failed attempt; `final` when the job will not be tried again */
  onFailure?: (ctx: Ctx, job: JobRow<P>, error: Error, final: boolean) => Promise<void>;
}

/** Thrown by a handler when trying again cannot help (the thing it works on is gone, the input is invalid). */
export class PermanentJobError extends Error {}

const handlers = new Map<string, JobHandler<unknown>>();

export function defineJob<P>(handler: JobHandler<P>): JobHandler<P> {
  handlers.set(handler.queue, handler as JobHandler<unknown>);
  return handler;
}

/** 1 s, 2 s, 4 s … capped at `maxSeconds`. No jitter: order keys already keep retries from stampeding. */
export const exponentialBackoff =
  (baseSeconds: number, maxSeconds: number) =>
  (attempt: number): number =>
    Math.min(maxSeconds, baseSeconds * 2 ** Math.max(0, attempt - 1));

export interface Enqueue<P> {
  payload: P;
  orderKey?: string | null;
  subject?: string | null;
  runAt?: Date | null;
}

/** Queues jobs of one kind (typed by their handler). */
export function enqueue<P>(db: Queryable, handler: JobHandler<P>, jobs: Enqueue<P>[]): Promise<number[]> {
  return enqueueJobs(
    db,
    jobs.map((j): NewJob => ({ queue: handler.queue, payload: j.payload, orderKey: j.orderKey, subject: j.subject, runAt: j.runAt, maxAttempts: handler.maxAttempts })),
  );
}

const messageOf = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

async function runJob(ctx: Ctx, job: JobRow, now: Date | null, log: JobLog): Promise<void> {
  const handler = handlers.get(job.queue);
  if (!handler) {
    await failJob(ctx.db, job.id, `no handler for queue "${job.queue}"`);
    return;
  }
  try {
    await handler.run(ctx, job);
    await completeJob(ctx.db, job.id);
  } catch (caught) {
    const err = messageOf(caught);
    const final = err instanceof PermanentJobError || job.attempts >= job.max_attempts;
    if (final) await failJob(ctx.db, job.id, err.message);
    else await retryJob(ctx.db, job.id, err.message, handler.backoff(job.attempts), now);
    await handler.onFailure?.(ctx, job, err, final).catch((e: unknown) => log.error({ err: e, jobId: job.id }, 'jobs: failure hook failed'));
    if (final) log.warn({ jobId: job.id, queue: job.queue, attempts: job.attempts, error: err.message }, 'jobs: job failed for good');
  }
}

export interface WorkOptions {
  /** how many jobs to take and run side by side */
  limit?: number;
  /** the clock the queue is read with (tests move it forward); default: the database's now() */
  now?: Date;
  queues?: string[];
  log?: JobLog;
}

/** Claims one batch of due jobs and runs them; returns how many ran. */
export async function workOnce(ctx: Ctx, opts: WorkOptions = {}): Promise<number> {
  const now = opts.now ?? null;
  const jobs = await claimJobs(ctx.db, { limit: opts.limit ?? 4, now, queues: opts.queues ?? null });
  await Promise.all(jobs.map((job) => runJob(ctx, job, now, opts.log ?? silent)));
  return jobs.length;
}

/** Runs batches until no job is due at `now` (jobs that queue more jobs included); returns how many ran. */
export async function drainJobs(ctx: Ctx, opts: WorkOptions = {}): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await workOnce(ctx, opts);
    if (n === 0) return total;
    total += n;
  }
}

/**
 * Work the worker loop does every `everyMs` rather than per job (a storage's scheduled syncs, say): it
 * queues jobs, which then run like any other. Defined when the module loads, like job handlers.
 */
export interface PeriodicTask {
  name: string;
  everyMs: number;
  run: (ctx: Ctx, now: Date) => Promise<void>;
}

const periodicTasks = new Map<string, PeriodicTask>();

export function definePeriodic(task: PeriodicTask): PeriodicTask {
  periodicTasks.set(task.name, task);
  return task;
}

export interface Workers {
  stop: () => Promise<void>;
}

/**
 * The worker loop of a server or worker process: keeps up to `concurrency` jobs running (a slow
 * `/predict` does not hold back webhook deliveries), sleeps `pollMs` when nothing is due or until a job
 * is queued in this process, and prunes old finished jobs now and then. `stop` waits for running jobs.
 */
export function startWorkers(ctx: Ctx, log: JobLog, opts: { pollMs?: number; concurrency?: number } = {}): Workers {
  const pollMs = opts.pollMs ?? 1000;
  const concurrency = opts.concurrency ?? 4;
  const running = new Set<Promise<void>>();
  let stopped = false;
  let pending = false;
  let wake: (() => void) | null = null;
  const nudge = () => {
    pending = true;
    wake?.();
  };
  const stopListening = onEnqueued(ctx.db, nudge);
  let lastPrune = 0;
  const lastPeriodic = new Map<string, number>();
  const runPeriodic = async () => {
    for (const task of periodicTasks.values()) {
      if (Date.now() - (lastPeriodic.get(task.name) ?? 0) < task.everyMs) continue;
      lastPeriodic.set(task.name, Date.now());
      await task.run(ctx, new Date()).catch((err: unknown) => log.error({ err, task: task.name }, 'jobs: periodic task failed'));
    }
  };
  const loop = (async () => {
    while (!stopped) {
      pending = false;
      let claimed = 0;
      const free = concurrency - running.size;
      try {
        if (free > 0) {
          const jobs = await claimJobs(ctx.db, { limit: free, now: null, queues: null });
          claimed = jobs.length;
          for (const job of jobs) {
            const p: Promise<void> = runJob(ctx, job, null, log)
              .catch((err: unknown) => log.error({ err, jobId: job.id }, 'jobs: could not record the outcome of a job'))
              .finally(() => {
                running.delete(p);
                nudge();
              });
            running.add(p);
          }
        }
        await runPeriodic();
        if (Date.now() - lastPrune > 10 * 60_000) {
          lastPrune = Date.now();
          await pruneJobs(ctx.db);
        }
      } catch (err) {
        log.error({ err }, 'jobs: worker loop failed; trying again shortly');
      }
      if ((claimed === free && free > 0) || pending || stopped) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
    await Promise.allSettled([...running]);
  })();
  return {
    stop: async () => {
      stopped = true;
      stopListening();
      wake?.();
      await loop;
    },
  };
}
