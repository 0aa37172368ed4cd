import type { Ctx } from '../../context.js';

/**
 * Work that continues after the reply (a workspace being provisioned). Kept per server so closing the
 * server waits for it instead of pulling the database away underneath. Nothing here is needed by
 * another node: the state it drives lives in the database, and reconcile repairs a start cut short.
 */
const running = new WeakMap<Ctx, Set<Promise<void>>>();

export function runInBackground(ctx: Ctx, work: () => Promise<void>, onError: (err: unknown) => void): void {
  const set = running.get(ctx) ?? new Set<Promise<void>>();
  running.set(ctx, set);
  const p: Promise<void> = Promise.resolve()
    .then(work)
    .catch(onError)
    .finally(() => set.delete(p));
  set.add(p);
}

export async function backgroundSettled(ctx: Ctx): Promise<void> {
  for (;;) {
    const set = running.get(ctx);
    if (!set || set.size === 0) return;
    await Promise.allSettled([...set]);
  }
}
