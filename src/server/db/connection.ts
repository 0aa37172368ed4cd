import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** Anything SQL can be sent to: the database itself or an open transaction. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs a script of several statements (migrations). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * A transaction handle that refuses work once its transaction has ended: a straggling query would
 * otherwise run outside it, on a pooled connection that may already serve another request.
 */
function scoped(query: Queryable['query']): Queryable & { end: () => void } {
  let open = true;
  return {
    query: (sql, params) => (open ? query(sql, params) : Promise.reject(new Error('query on a transaction that has already ended'))),
    end: () => {
      open = false;
    },
  };
}

// ids are bigint in the schema but stay far below 2^53; clients expect JSON numbers.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

export async function openPostgres(url: string, maxConnections = 10): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: maxConnections });
  pool.on('error', () => undefined);
  const client = await pool.connect();
  client.release();
  const run = async <T>(c: pg.Pool | pg.PoolClient, sql: string, params?: unknown[]): Promise<T[]> =>
    (await c.query(sql, params as unknown[])).rows as T[];
  return {
    kind: 'postgres',
    query: (sql, params) => run(pool, sql, params),
    async transaction(fn) {
      const c = await pool.connect();
      const tx = scoped((sql, params) => run(c, sql, params));
      try {
        await c.query('BEGIN');
        const out = await fn(tx);
        await c.query('COMMIT');
        return out;
      } catch (err) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        tx.end();
        c.release();
      }
    },
    async exec(sql) {
      await pool.query(sql);
    },
    close: () => pool.end(),
  };
}

/** Embedded Postgres in WASM; `dataDir` undefined keeps it in memory (tests). */
export async function openPglite(dataDir?: string): Promise<Db> {
  if (dataDir) fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  const db = new PGlite(dataDir);
  await db.waitReady;
  const parseRows = <T>(rows: unknown[]): T[] => rows as T[];
  return {
    kind: 'pglite',
    query: async (sql, params) => parseRows((await db.query(sql, params as unknown[])).rows),
    transaction: (fn) =>
      db.transaction(async (raw) => {
        const tx = scoped(async (sql, params) => parseRows((await raw.query(sql, params as unknown[])).rows));
        try {
          return await fn(tx);
        } finally {
          tx.end();
        }
      }),
    async exec(sql) {
      await db.exec(sql);
    },
    close: () => db.close(),
  };
}
