/**
 * Import/export throughput and server memory, on PostgreSQL and on PGlite.
 *   node bin/run-ts.js bench/import-export.ts [--tasks 1000000] [--pglite-tasks 200000] [--only postgres|pglite]
 * Starts a real `labelfleet start` process per database, streams one JSON file of N text tasks (~250 bytes each)
 * through POST /api/projects/{id}/import, gives every task one annotation (setup, not timed, straight SQL), times
 * GET /api/projects/{id}/export?exportType=JSON, samples the server's RSS throughout, and times PostgreSQL's own
 * COPY of the same rows as the physical reference.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const N_PG = Number(arg('tasks', process.env.BENCH_TASKS ?? '1000000'));
const N_LITE = Number(arg('pglite-tasks', process.env.BENCH_PGLITE_TASKS ?? '200000'));
const ONLY = arg('only', '');
const PG_ADMIN = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TOKEN = 'b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6';
const CONFIG = '<View><Text name="text" value="$text"/><Choices name="sentiment" toName="text"><Choice value="positive"/><Choice value="negative"/></Choices></View>';
// measure the server as `npm start` runs it: the bundled JavaScript, not TypeScript compiled on the fly
execFileSync(process.execPath, ['scripts/build-server.mjs'], { stdio: 'inherit' });
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'labelfleet-bench-'));

const WORDS = 'the quick brown fox jumps over a lazy dog while customers write long reviews about shipping delays and product quality'.split(' ');
function taskText(i: number): string {
  let s = `Review ${i}:`;
  let k = i;
  while (s.length < 200) {
    k = (k * 1103515245 + 12345) & 0x7fffffff;
    s += ` ${WORDS[k % WORDS.length]}`;
  }
  return s;
}

async function writeTasksFile(n: number): Promise<string> {
  const file = path.join(work, `tasks-${n}.json`);
  if (fs.existsSync(file)) return file;
  async function* lines() {
    yield '[';
    for (let i = 0; i < n; i++) yield `${i ? ',' : ''}{"data":{"text":${JSON.stringify(taskText(i))},"source":"bench"}}\n`;
    yield ']';
  }
  await pipeline(Readable.from(lines()), fs.createWriteStream(file));
  return file;
}

interface Server {
  proc: ChildProcess;
  url: string;
  peakRss: () => number;
  stop: () => Promise<void>;
}

function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

async function startServer(env: Record<string, string>): Promise<Server> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const proc = spawn(process.execPath, ['bin/labelfleet.js', 'start'], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LABELFLEET_USER_TOKEN: TOKEN, LABELFLEET_USERNAME: 'bench@example.com', LABELFLEET_PASSWORD: 'bench-pass-1', LOG_LEVEL: 'warn', LABELFLEET_MAX_UPLOAD_BYTES: String(2 ** 31) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssOf(proc.pid!))), 50);
  for (let i = 0; i < 600; i++) {
    const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    proc,
    url,
    peakRss: () => peak,
    stop: async () => {
      clearInterval(sampler);
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    },
  };
}

const api = (s: Server, p: string, init: RequestInit = {}) => fetch(`${s.url}${p}`, { ...init, headers: { Authorization: `Token ${TOKEN}`, 'Content-Type': 'application/json', ...(init.headers ?? {}) } });

async function timedImport(s: Server, projectId: number, file: string): Promise<number> {
  const started = performance.now();
  const res = await api(s, `/api/projects/${projectId}/import`, { method: 'POST', body: Readable.toWeb(fs.createReadStream(file, { highWaterMark: 1 << 20 })) as ReadableStream, duplex: 'half', headers: { 'Content-Length': String(fs.statSync(file).size) } } as RequestInit);
  const body = (await res.json()) as { task_count?: number; detail?: string };
  if (!res.ok) throw new Error(`import failed: ${res.status} ${JSON.stringify(body)}`);
  return (performance.now() - started) / 1000;
}

async function timedExport(s: Server, projectId: number): Promise<{ seconds: number; bytes: number }> {
  const started = performance.now();
  const res = await api(s, `/api/projects/${projectId}/export?exportType=JSON&download_all_tasks=true`);
  if (!res.ok || !res.body) throw new Error(`export failed: ${res.status}`);
  let bytes = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
  return { seconds: (performance.now() - started) / 1000, bytes };
}

async function copyReference(url: string, n: number): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  // same columns, defaults and indexes as tasks: the physical cost of these rows in our schema
  await c.query('CREATE TABLE bench_copy (LIKE tasks INCLUDING ALL)');
  const started = performance.now();
  const stream = c.query(copyFrom('COPY bench_copy (project_id, inner_id, data) FROM STDIN'));
  async function* rows() {
    const batch: string[] = [];
    for (let i = 0; i < n; i++) {
      const json = JSON.stringify({ text: taskText(i), source: 'bench' }).replace(/\\/g, '\\\\');
      batch.push(`1\t${i + 1}\t${json}\n`);
      if (batch.length === 5000) yield batch.splice(0).join('');
    }
    if (batch.length) yield batch.join('');
  }
  await pipeline(Readable.from(rows()), stream);
  const seconds = (performance.now() - started) / 1000;
  await c.query('DROP TABLE bench_copy');
  await c.end();
  return seconds;
}

async function annotateAll(s: Server, projectId: number, db: { pgUrl?: string }): Promise<void> {
  // setup, not timed: one annotation per task written straight to the database, counters included
  const sql = `INSERT INTO annotations (task_id, project_id, result, completed_by, lead_time)
      SELECT id, project_id, '[{"from_name":"sentiment","to_name":"text","type":"choices","value":{"choices":["positive"]}}]'::jsonb, 1, 3.5 FROM tasks WHERE project_id = ${projectId};
    UPDATE tasks SET total_annotations = 1, is_labeled = true, completed_at = now() WHERE project_id = ${projectId};
    ANALYZE annotations; ANALYZE tasks;`;
  if (db.pgUrl) {
    const c = new pg.Client({ connectionString: db.pgUrl });
    await c.connect();
    await c.query(sql);
    await c.end();
  }
  void s;
}

async function bench(kind: 'postgres' | 'pglite', n: number) {
  const file = await writeTasksFile(n);
  const mb = fs.statSync(file).size / 1e6;
  let pgUrl: string | undefined;
  let dropDb = async () => undefined as void;
  const env: Record<string, string> = {};
  if (kind === 'postgres') {
    const name = `labelfleet_bench_${Date.now()}`;
    const admin = new pg.Client({ connectionString: PG_ADMIN });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(PG_ADMIN);
    u.pathname = `/${name}`;
    pgUrl = u.toString();
    env.DATABASE_URL = pgUrl;
    dropDb = async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  } else {
    env.LABELFLEET_DATA_DIR = path.join(work, `pglite-${Date.now()}`);
  }
  const server = await startServer(env);
  try {
    const created = await api(server, '/api/projects', { method: 'POST', body: JSON.stringify({ title: 'bench', label_config: CONFIG }) });
    const projectId = ((await created.json()) as { id: number }).id;
    const importS = await timedImport(server, projectId, file);
    const rssAfterImport = server.peakRss();
    let exportLine = '';
    if (pgUrl) {
      await annotateAll(server, projectId, { pgUrl });
      const exp = await timedExport(server, projectId);
      exportLine = `export JSON (1 annotation each): ${exp.seconds.toFixed(2)} s, ${(exp.bytes / 1e6).toFixed(0)} MB, ${Math.round(n / exp.seconds)} tasks/s`;
    } else {
      const exp = await timedExport(server, projectId);
      exportLine = `export JSON (no annotations): ${exp.seconds.toFixed(2)} s, ${(exp.bytes / 1e6).toFixed(0)} MB`;
    }
    const copyS = pgUrl ? await copyReference(pgUrl, n) : null;
    console.log(`\n## ${kind}: ${n.toLocaleString('en-US')} tasks (${mb.toFixed(0)} MB JSON)`);
    console.log(`import through the API: ${importS.toFixed(2)} s (${Math.round(n / importS)} tasks/s)${copyS ? `; PostgreSQL COPY of the same rows: ${copyS.toFixed(2)} s; ratio ${(importS / copyS).toFixed(2)}x COPY` : ''}`);
    console.log(exportLine);
    console.log(`server peak RSS: after import ${(rssAfterImport / 1e6).toFixed(0)} MB, overall ${(server.peakRss() / 1e6).toFixed(0)} MB`);
  } finally {
    await server.stop();
    await dropDb();
  }
}

try {
  if (ONLY !== 'pglite') await bench('postgres', N_PG);
  if (ONLY !== 'postgres') await bench('pglite', N_LITE);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
