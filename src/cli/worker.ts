import { buildApp } from '../server/app.js';
import type { Config } from '../server/config.js';
import { startWorkers } from '../server/jobs/worker.js';
import { openContext } from '../server/main.js';

/**
 * `labelfleet worker`: runs the job queue (storage syncs and export writes, scheduled syncs, webhook
 * deliveries, ML predictions) without serving HTTP, beside any number of `labelfleet start` nodes on one
 * PostgreSQL. The app is built but never listens: building it defines every module's job handlers.
 */
export async function workerCommand(config: Config): Promise<void> {
  if (!config.databaseUrl) {
    console.error('labelfleet worker needs DATABASE_URL (PostgreSQL): the embedded database belongs to one process');
    process.exit(2);
  }
  const { ctx, release } = await openContext(config);
  const app = await buildApp(ctx);
  await app.ready();
  const workers = startWorkers(ctx, app.log);
  console.log('LabelFleet worker is running (PostgreSQL); stop it with SIGTERM');
  const shutdown = () => {
    void (async () => {
      await workers.stop();
      await app.close();
      await ctx.db.close();
      release();
    })().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
