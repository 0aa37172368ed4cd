/**
 * The LabelFleet label stream under load: N active annotators fetching their next task and submitting it.
 *   node bin/run-ts.js bench/fleet-next-task.ts [--annotators 200] [--seconds 20] [--concurrency 50] [--batch 40] [--think-ms 5000]
 * Builds the server bundle, starts a real `labelfleet start` process on a fresh PostgreSQL database (dropped at the
 * end) bound to 127.0.0.1, and sets everything up through the HTTP API: a labeling config, a workflow over a
 * local-folder source, N annotators (bulk), all started at once so auto-assignment hands each a batch (timed:
 * assignments per second). Then, in two phases of --seconds each, every annotator, with their own token, loops
 * GET /api/projects/{their project}/next + POST /api/tasks/{id}/annotations, with at most --concurrency requests in
 * flight over loopback: first without pause (the server's ceiling; latency there is mostly queueing), then with a
 * think time of --think-ms ±50% between fetching and submitting, as people labeling would. An annotator who
 * finishes a batch picks up the next one auto-assignment gave them.
 * Prints p50/p99 of next-task and submit, throughput, and checks in the database (and on the client side) that no
 * item and no task went to two annotators.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const ANNOTATORS = Number(arg('annotators', '200'));
const SECONDS = Number(arg('seconds', '20'));
const CONCURRENCY = Number(arg('concurrency', '50'));
const BATCH = Number(arg('batch', '40'));
const THINK_MS = Number(arg('think-ms', '5000'));
// enough items for every annotator's first batch and two more each, so nobody runs dry during the run
const ITEMS = ANNOTATORS * BATCH * 3;
const PG_ADMIN = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TOKEN = 'c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7';
const CONFIG = '<View><Image name="image" value="$image"/><Choices name="label" toName="image"><Choice value="cat"/><Choice value="dog"/></Choices></View>';
const RESULT = [{ from_name: 'label', to_name: 'image', type: 'choices', value: { choices: ['cat'] } }];
const began = performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// measure the server as `npm start` runs it: the bundled JavaScript
execFileSync(process.execPath, ['scripts/build-server.mjs'], { stdio: 'inherit' });
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'labelfleet-fleet-bench-'));

function seedItems(): void {
  const dir = path.join(work, 'storage', 'labelfleet', 'bench', 'items');
  fs.mkdirSync(dir, { recursive: true });
  for (let i = 0; i < ITEMS; i++) fs.writeFileSync(path.join(dir, `img_${String(i).padStart(6, '0')}.jpg`), `item ${i}`);
}

async function startServer(env: Record<string, string>): Promise<{ proc: ChildProcess; url: string; stop: () => Promise<void> }> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const proc = spawn(process.execPath, ['bin/labelfleet.js', 'start'], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LABELFLEET_USER_TOKEN: TOKEN, LABELFLEET_USERNAME: 'bench@example.com', LABELFLEET_PASSWORD: 'bench-pass-1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  let up = false;
  for (let i = 0; i < 600 && !up; i++) {
    up = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (!up) await sleep(100);
  }
  if (!up) throw new Error('server did not come up');
  return {
    proc,
    url,
    stop: async () => {
      if (proc.exitCode !== null) return;
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    },
  };
}

/** CPU time (user + system) a process has used so far, from /proc. */
function cpuMsOf(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (100 Hz)
  } catch {
    return NaN;
  }
}

function pct(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
const fmt = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return 'no samples';
  return `p50 ${pct(s, 50).toFixed(2)} ms, p99 ${pct(s, 99).toFixed(2)} ms, max ${s[s.length - 1].toFixed(2)} ms (n=${s.length})`;
};

/** At most `n` requests in flight. */
function semaphore(n: number) {
  let free = n;
  const waiting: (() => void)[] = [];
  return {
    acquire: () => (free > 0 ? (free--, Promise.resolve()) : new Promise<void>((r) => waiting.push(r))),
    release: () => {
      const next = waiting.shift();
      if (next) next();
      else free++;
    },
  };
}

const dbName = `labelfleet_fleet_bench_${Date.now()}`;
const admin = new pg.Client({ connectionString: PG_ADMIN });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
await admin.end();
const dbUrl = (() => {
  const u = new URL(PG_ADMIN);
  u.pathname = `/${dbName}`;
  return u.toString();
})();
let server: Awaited<ReturnType<typeof startServer>> | undefined;
let failed = false;

try {
  seedItems();
  server = await startServer({ DATABASE_URL: dbUrl, LABELFLEET_DATA_DIR: work });
  const base = server.url;
  const call = async (token: string, method: string, p: string, body?: unknown) => {
    const res = await fetch(`${base}${p}`, { method, headers: { Authorization: `Token ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, json: () => JSON.parse(text), text };
  };
  const adminCall = async (method: string, p: string, body?: unknown) => {
    const r = await call(TOKEN, method, p, body);
    if (r.status >= 300) throw new Error(`${method} ${p}: ${r.status} ${r.text}`);
    return r.json();
  };

  // ---- setup through the admin API
  const config = await adminCall('POST', '/api/labeling-configs', { name: 'Bench', configXml: CONFIG });
  const workflow = await adminCall('POST', '/api/workflows', { name: 'Bench', labelingConfigId: config.id, s3SourcePath: 'bench/items', s3ExportPath: 'bench/out', imagesPerProject: BATCH, autoAssign: true });
  if (workflow.totalImagesAvailable !== ITEMS) throw new Error(`workflow sees ${workflow.totalImagesAvailable} items, expected ${ITEMS}`);
  const people: { id: number; apiToken: string }[] = [];
  for (let i = 0; i < ANNOTATORS; i += 100) {
    const chunk = Array.from({ length: Math.min(100, ANNOTATORS - i) }, (_, k) => ({ name: `Annotator ${i + k + 1}`, email: `bench${i + k + 1}@example.com` }));
    people.push(...(await adminCall('POST', '/api/annotators/bulk', { annotators: chunk })).annotators);
  }

  // start everyone at once (bounded): auto-assignment gives each a batch; time until all batches exist
  const startGate = semaphore(CONCURRENCY);
  const setupStarted = performance.now();
  await Promise.all(
    people.map(async (p) => {
      await startGate.acquire();
      try {
        await adminCall('POST', `/api/annotators/${p.id}/start`);
      } finally {
        startGate.release();
      }
    }),
  );
  let assigned = 0;
  for (const until = Date.now() + 120_000; Date.now() < until; await sleep(20)) {
    assigned = (await adminCall('GET', `/api/assignments?workflowId=${workflow.id}&limit=1`)).pagination.total;
    if (assigned >= ANNOTATORS) break;
  }
  const setupSeconds = (performance.now() - setupStarted) / 1000;
  if (assigned < ANNOTATORS) throw new Error(`only ${assigned} of ${ANNOTATORS} assignments after 120 s`);
  for (const until = Date.now() + 60_000; ; await sleep(50)) {
    const list = (await adminCall('GET', '/api/annotators?limit=500')).data as { status: string }[];
    if (list.filter((a) => a.status === 'active').length === ANNOTATORS) break;
    if (Date.now() > until) throw new Error('not every workspace became active');
  }
  const assignmentsOf = async (annotatorId: number) =>
    (await adminCall('GET', `/api/assignments?workflowId=${workflow.id}&annotatorId=${annotatorId}&limit=500`)).data as { id: number; lsProjectId: number; status: string }[];
  const firstProjects = new Map<number, number>();
  for (let off = 0; off < ANNOTATORS; off += 500) {
    for (const a of (await adminCall('GET', `/api/assignments?workflowId=${workflow.id}&limit=500&offset=${off}`)).data) firstProjects.set(a.annotatorId, a.lsProjectId);
  }

  // ---- the runs: each annotator loops next + submit with their own token; at most CONCURRENCY requests in flight.
  // Phase "saturated" has no pause between tasks (the server's ceiling); phase "paced" gives every annotator a
  // think time between tasks, as people labeling would, so latency is measured below saturation.
  const servedTo = new Map<number, number>(); // task id -> annotator id, as the API handed it out
  const projectOf = new Map(firstProjects);
  const seen = new Set<number>(firstProjects.values());
  let clientDoubles = 0;
  let batchesFinished = 0;
  let exhausted = 0;
  const gate = semaphore(CONCURRENCY);
  async function phase(thinkMs: number) {
    const nextMs: number[] = [];
    const submitMs: number[] = [];
    let errors = 0;
    const errorSamples: string[] = [];
    const timed = async <T>(into: number[], f: () => Promise<T>): Promise<T> => {
      await gate.acquire();
      const t = performance.now();
      try {
        return await f();
      } finally {
        into.push(performance.now() - t);
        gate.release();
      }
    };
    const started = performance.now();
    const cpuBefore = cpuMsOf(server!.proc.pid!);
    const loadBefore = os.loadavg()[0];
    const deadline = started + SECONDS * 1000;
    await Promise.all(
      people.map(async (p) => {
        let project = projectOf.get(p.id);
        if (!project) return;
        if (thinkMs) await sleep(Math.min(Math.random() * thinkMs, deadline - performance.now())); // stagger the first request
        while (performance.now() < deadline) {
          const next = await timed(nextMs, () => call(p.apiToken, 'GET', `/api/projects/${project}/next`));
          if (next.status === 404) {
            nextMs.pop(); // an exhausted batch is not a next-task fetch
            // batch done: completion auto-assigns the next batch (asynchronously); find it, outside the timings
            batchesFinished++;
            let found: number | undefined;
            for (let i = 0; i < 100 && !found && performance.now() < deadline; i++) {
              found = (await assignmentsOf(p.id)).find((a) => a.status !== 'completed' && a.lsProjectId && !seen.has(a.lsProjectId))?.lsProjectId;
              if (!found) await sleep(50);
            }
            if (!found) {
              exhausted++;
              projectOf.delete(p.id);
              return;
            }
            project = found;
            projectOf.set(p.id, found);
            seen.add(found);
            continue;
          }
          if (next.status !== 200) {
            errors++;
            if (errorSamples.length < 5) errorSamples.push(`next ${next.status} ${next.text.slice(0, 200)}`);
            continue;
          }
          const task = next.json() as { id: number };
          const owner = servedTo.get(task.id);
          if (owner !== undefined && owner !== p.id) clientDoubles++;
          servedTo.set(task.id, p.id);
          if (thinkMs) {
            await sleep(Math.min(thinkMs * (0.5 + Math.random()), deadline - performance.now())); // labeling
            if (performance.now() >= deadline) return; // the phase is over; the task's lock simply expires
          }
          const sub = await timed(submitMs, () => call(p.apiToken, 'POST', `/api/tasks/${task.id}/annotations`, { result: RESULT, lead_time: 4.2 }));
          if (sub.status !== 201) {
            errors++;
            if (errorSamples.length < 5) errorSamples.push(`submit ${sub.status} ${sub.text.slice(0, 200)}`);
          }
        }
      }),
    );
    return { nextMs, submitMs, errors, errorSamples, seconds: (performance.now() - started) / 1000, serverCpuMs: cpuMsOf(server!.proc.pid!) - cpuBefore, load: [loadBefore, os.loadavg()[0]] };
  }
  const saturated = await phase(0);
  const paced = await phase(THINK_MS);

  // ---- verification in the database
  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  const one = async (sql: string) => Number((await db.query(sql)).rows[0].n);
  const itemTwice = await one(`SELECT count(*) AS n FROM (SELECT item_id FROM assignment_tasks WHERE item_id IS NOT NULL GROUP BY item_id HAVING count(*) > 1) x`);
  const keyTwice = await one(`SELECT count(*) AS n FROM (SELECT wi.workflow_id, wi.item_key FROM assignment_tasks t JOIN workflow_items wi ON wi.id = t.item_id GROUP BY 1, 2 HAVING count(DISTINCT t.assignment_id) > 1) x`);
  const taskTwoAnnotators = await one(`SELECT count(*) AS n FROM (SELECT task_id FROM annotations GROUP BY task_id HAVING count(DISTINCT completed_by) > 1) x`);
  const foreign = await one(`SELECT count(*) AS n FROM annotations an JOIN assignment_tasks t ON t.ls_task_id = an.task_id JOIN assignments s ON s.id = t.assignment_id JOIN annotators a ON a.id = s.annotator_id WHERE an.completed_by <> a.user_id`);
  const annotations = await one(`SELECT count(*) AS n FROM annotations`);
  const assignmentsTotal = await one(`SELECT count(*) AS n FROM assignments`);
  const itemsAssigned = await one(`SELECT count(*) AS n FROM assignment_tasks WHERE item_id IS NOT NULL`);
  await db.end();

  const ok = itemTwice === 0 && keyTwice === 0 && taskTwoAnnotators === 0 && foreign === 0 && clientDoubles === 0;
  failed = !ok;
  console.log(`\n## LabelFleet label stream: ${ANNOTATORS} annotators, ${SECONDS} s, ${CONCURRENCY} requests in flight at most, batches of ${BATCH}, ${ITEMS} source items (PostgreSQL)`);
  console.log(`setup: ${assigned} assignments (${assigned * BATCH} tasks) by auto-assignment after starting ${ANNOTATORS} annotators in ${setupSeconds.toFixed(2)} s: ${(assigned / setupSeconds).toFixed(1)} assignments/s`);
  for (const [name, r] of [['saturated, no think time', saturated], [`paced, think time ${THINK_MS} ms ±50% per task`, paced]] as const) {
    console.log(`- ${name}:`);
    console.log(`  next task (GET /api/projects/{id}/next):   ${fmt(r.nextMs)}${pct([...r.nextMs].sort((a, b) => a - b), 99) < 25 ? '  [p99 < 25 ms: met]' : '  [p99 < 25 ms: NOT met]'}`);
    console.log(`  submit (POST /api/tasks/{id}/annotations): ${fmt(r.submitMs)}`);
    console.log(`  throughput: ${(r.submitMs.length / r.seconds).toFixed(0)} annotations/s, ${((r.nextMs.length + r.submitMs.length) / r.seconds).toFixed(0)} requests/s over ${r.seconds.toFixed(1)} s; errors ${r.errors}; server process CPU ${(r.serverCpuMs / r.submitMs.length).toFixed(1)} ms per next+submit (PostgreSQL not included); machine load average ${r.load.map((l) => l.toFixed(1)).join(' -> ')} on ${os.cpus().length} cores${r.errorSamples.length ? ` (${r.errorSamples.join(' | ')})` : ''}`);
  }
  console.log(`batches finished during the run: ${batchesFinished} (next batch picked up by auto-assignment), annotators left without work: ${exhausted}; assignments in total ${assignmentsTotal}, items handed out ${itemsAssigned}, annotations stored ${annotations}`);
  console.log(`double assignment: items in two assignments ${itemTwice}, item keys in two assignments ${keyTwice}, tasks annotated by two annotators ${taskTwoAnnotators}, annotations by someone other than the assignee ${foreign}, tasks served to two annotators (client side) ${clientDoubles} -> ${ok ? 'none' : 'FOUND'}`);
  console.log(`total bench time ${((performance.now() - began) / 1000).toFixed(0)} s`);
} finally {
  await server?.stop();
  const c = new pg.Client({ connectionString: PG_ADMIN });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await c.end();
  fs.rmSync(work, { recursive: true, force: true });
}
if (failed) process.exitCode = 1;
