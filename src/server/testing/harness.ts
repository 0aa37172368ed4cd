import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { buildApp } from '../app.js';
import { ensureFirstAdmin, jwtKeyOf } from '../bootstrap.js';
import { loadConfig } from '../config.js';
import type { Ctx } from '../context.js';
import { openPglite, openPostgres, type Db } from '../db/connection.js';
import { migrate } from '../db/migrate.js';
import { createUser, type Role } from '../modules/users/service.js';

/** Which database the suite runs on: LABELFLEET_TEST_DB=pglite (default) or postgres. */
export const TEST_DB = (process.env.LABELFLEET_TEST_DB ?? 'pglite') as 'pglite' | 'postgres';
const ADMIN_PG_URL = process.env.LABELFLEET_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function freshDatabase(): Promise<{ db: Db; drop: () => Promise<void> }> {
  if (TEST_DB === 'pglite') {
    const db = await openPglite();
    return { db, drop: async () => undefined };
  }
  const name = `labelfleet_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_PG_URL);
  url.pathname = `/${name}`;
  const db = await openPostgres(url.toString(), 5);
  return {
    db,
    drop: async () => {
      const c = new pg.Client({ connectionString: ADMIN_PG_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface TestServer {
  app: FastifyInstance;
  ctx: Ctx;
  adminToken: string;
  dataDir: string;
  /** inject with the admin's token unless `token` says otherwise (null: no credentials) */
  request: (opts: InjectOptions & { token?: string | null }) => Promise<LightMyRequestResponse>;
  makeUser: (role: Role, email?: string, orgId?: number) => Promise<{ id: number; token: string; email: string }>;
  close: () => Promise<void>;
}

/** A real app on a fresh database (in-memory PGlite, or a new PostgreSQL database that is dropped after). */
export async function startTestServer(overrides: Record<string, string> = {}): Promise<TestServer> {
  const { db, drop } = await freshDatabase();
  await migrate(db);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelfleet-test-'));
  const adminToken = randomBytes(20).toString('hex');
  const config = loadConfig({ LABELFLEET_DATA_DIR: dataDir, LOG_LEVEL: 'silent', LABELFLEET_USERNAME: 'admin@example.com', LABELFLEET_PASSWORD: 'admin-pass-1', LABELFLEET_USER_TOKEN: adminToken, ...overrides });
  const ctx: Ctx = { db, config, jwtKey: await jwtKeyOf(db) };
  await ensureFirstAdmin(ctx);
  const app = await buildApp(ctx);
  await app.ready();
  let userSeq = 0;
  return {
    app,
    ctx,
    adminToken,
    dataDir,
    request: ({ token, ...opts }) => {
      const headers = { ...(opts.headers ?? {}) } as Record<string, string>;
      const t = token === undefined ? adminToken : token;
      if (t !== null) headers.authorization = `Token ${t}`;
      return app.inject({ ...opts, headers });
    },
    makeUser: async (role, email, orgId) => {
      const token = randomBytes(20).toString('hex');
      const org = orgId ?? (await db.query<{ id: number }>('SELECT id FROM organizations ORDER BY id LIMIT 1'))[0].id;
      const u = await createUser(db, { email: email ?? `user${++userSeq}-${randomBytes(3).toString('hex')}@example.com`, password: 'password-123', role, orgId: org, token });
      return { id: u.id, token, email: u.email };
    },
    close: async () => {
      await app.close();
      await db.close();
      await drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const TEXT_CONFIG = `<View><Text name="text" value="$text"/><Choices name="sentiment" toName="text"><Choice value="positive"/><Choice value="negative"/></Choices></View>`;

export const choice = (value: string) => ({ from_name: 'sentiment', to_name: 'text', type: 'choices', value: { choices: [value] } });

/** One helper for the usual setup: a project (text classification unless told) with `tasks` text tasks. */
export async function makeProject(s: TestServer, opts: { config?: string; tasks?: number; title?: string; token?: string } = {}): Promise<{ id: number; taskIds: number[] }> {
  const res = await s.request({ method: 'POST', url: '/api/projects', payload: { title: opts.title ?? 'Test project', label_config: opts.config ?? TEXT_CONFIG }, token: opts.token });
  if (res.statusCode !== 201) throw new Error(`project create failed: ${res.statusCode} ${res.body}`);
  const id = res.json().id as number;
  let taskIds: number[] = [];
  if (opts.tasks) {
    const payload = Array.from({ length: opts.tasks }, (_, i) => ({ text: `task number ${i + 1}` }));
    const imp = await s.request({ method: 'POST', url: `/api/projects/${id}/import?return_task_ids=true`, payload, token: opts.token });
    if (imp.statusCode !== 201) throw new Error(`import failed: ${imp.statusCode} ${imp.body}`);
    taskIds = imp.json().task_ids;
  }
  return { id, taskIds };
}

/** Polls `check` until it returns something truthy (jobs, events and background work the tests wait for). */
export async function waitFor<T>(check: () => Promise<T | null | undefined | false>, what = 'condition', timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
