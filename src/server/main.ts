import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { ensureFirstAdmin, jwtKeyOf, type FirstAdmin } from './bootstrap.js';
import type { Config } from './config.js';
import type { Ctx } from './context.js';
import { openPglite, openPostgres, type Db } from './db/connection.js';
import { lockDataDir } from './db/lock.js';
import { migrate } from './db/migrate.js';
import { startWorkers } from './jobs/worker.js';
import path from 'node:path';

export interface Running {
  app: FastifyInstance;
  ctx: Ctx;
  url: string;
  admin: FirstAdmin | null;
  stop: () => Promise<void>;
}

/** Opens the database (taking the data-dir lock when embedded) and applies migrations. */
export async function openDatabase(config: Config): Promise<{ db: Db; release: () => void }> {
  if (config.databaseUrl) {
    const db = await openPostgres(config.databaseUrl);
    await migrate(db);
    return { db, release: () => undefined };
  }
  const release = lockDataDir(config.dataDir);
  try {
    const db = await openPglite(path.join(config.dataDir, 'pgdata'));
    await migrate(db);
    return { db, release };
  } catch (err) {
    release();
    throw err;
  }
}

export async function openContext(config: Config): Promise<{ ctx: Ctx; release: () => void }> {
  const { db, release } = await openDatabase(config);
  return { ctx: { db, config, jwtKey: await jwtKeyOf(db) }, release };
}

export async function startServer(config: Config): Promise<Running> {
  const { ctx, release } = await openContext(config);
  const admin = await ensureFirstAdmin(ctx);
  const app = await buildApp(ctx);
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host}:${port}`;
  const workers = startWorkers(ctx, app.log);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await workers.stop();
    await app.close();
    await ctx.db.close();
    release();
  };
  return { app, ctx, url, admin, stop };
}
