/**
 * What the browser benchmarks share: the built web app, a real server on a fresh embedded database in a
 * temporary data dir (the e2e harness's), Debian's Chromium launched as the e2e suite launches it, a logged-in
 * page, and frame timing measured inside the page.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../test/e2e/browser.js';
import { logIn, startE2EServer, type E2EServer } from '../test/e2e/harness.js';

export type { E2EServer };

export interface BenchSession {
  server: E2EServer;
  browser: Browser;
  page: Page;
  close: () => Promise<void>;
}

/** Builds the web app for production, starts a server and a browser, logs in. */
export async function openBenchSession(): Promise<BenchSession> {
  // always a production build: dist/web built under vitest (NODE_ENV=test) holds React's development build
  const built = spawnSync(process.execPath, ['scripts/build-web.mjs', '--force'], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  if (built.status !== 0) throw new Error('building the web app failed');
  const [server, browser] = await Promise.all([startE2EServer(), launchBrowser()]);
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  // tsx compiles with esbuild's keepNames: functions sent to the page call its __name() helper, which the page lacks
  await context.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error(`error in the page: ${err.message}`));
  await logIn(page, server);
  return {
    server,
    browser,
    page,
    close: async () => {
      await browser.close();
      await server.stop();
    },
  };
}

/** Creates a project and imports JSON tasks through the API; returns the project and its task ids. */
export async function makeBenchProject(server: E2EServer, config: string, tasks: Record<string, unknown>[]): Promise<{ id: number; taskIds: number[] }> {
  const created = await server.api<{ id: number }>('POST', '/api/projects', { title: 'Bench', label_config: config });
  if (created.status !== 201) throw new Error(`creating the project: ${created.status} ${JSON.stringify(created.body)}`);
  const taskIds: number[] = [];
  // in slices, so one request body stays well under the server's size limit
  for (let i = 0; i < tasks.length; i += 20_000) {
    const imported = await server.api<{ task_ids: number[] }>('POST', `/api/projects/${created.body.id}/import?return_task_ids=true`, tasks.slice(i, i + 20_000));
    if (imported.status !== 201) throw new Error(`importing tasks: ${imported.status} ${JSON.stringify(imported.body)}`);
    taskIds.push(...imported.body.task_ids);
  }
  return { id: created.body.id, taskIds };
}

/** Uploads a media file through the import API: the server stores it and makes one task pointing at it. */
export async function uploadMedia(server: E2EServer, projectId: number, file: { name: string; type: string; bytes: Buffer }): Promise<number> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
  const res = await fetch(`${server.url}/api/projects/${projectId}/import?return_task_ids=true`, { method: 'POST', headers: { authorization: `Token ${server.token}` }, body: form });
  if (res.status !== 201) throw new Error(`uploading ${file.name}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { task_ids: number[] }).task_ids[0];
}

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  max: number;
}

export function summarize(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] ?? NaN };
}

export const ms = (v: number) => `${v.toFixed(1)} ms`;
export const line = (s: Summary) => `p50 ${ms(s.p50)}, p95 ${ms(s.p95)}, max ${ms(s.max)} (n=${s.n})`;

/** A frame that took longer than one and a half refresh intervals at 60 Hz showed the previous picture twice. */
export const DROPPED_FRAME_MS = 1000 / 60 * 1.5;

export interface FrameTimes {
  /** time between consecutive animation frames: what the eye sees (16.7 ms at 60 Hz is the floor) */
  intervals: number[];
  /**
   * main-thread work of each frame: from the first input event or animation-frame callback of the frame
   * to the task that runs right after the frame was rendered (input handlers, React, style, layout, paint)
   */
  work: number[];
  /** the work of the frames that handled input (a subset of `work`) */
  inputWork: number[];
}

/**
 * Starts recording frames in the page; the returned function stops and hands back the times.
 * The work of a frame ends where a message posted from its animation-frame callback is delivered:
 * the browser runs that task only after the frame's rendering steps.
 */
export async function recordFrames(page: Page): Promise<() => Promise<FrameTimes>> {
  await page.evaluate(() => {
    const w = window as unknown as { __frames: { intervals: number[]; work: number[]; inputWork: number[]; stop: boolean } };
    const rec = { intervals: [] as number[], work: [] as number[], inputWork: [] as number[], stop: false };
    w.__frames = rec;
    let frameStart: number | null = null;
    let hadInput = false;
    let last: number | null = null;
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      if (frameStart !== null) {
        rec.work.push(performance.now() - frameStart);
        if (hadInput) rec.inputWork.push(performance.now() - frameStart);
      }
      frameStart = null;
      hadInput = false;
    };
    const onInput = () => {
      frameStart ??= performance.now();
      hadInput = true;
    };
    for (const type of ['pointermove', 'pointerdown', 'pointerup', 'wheel', 'scroll']) window.addEventListener(type, onInput, { capture: true, passive: true });
    const tick = () => {
      const now = performance.now();
      if (last !== null) rec.intervals.push(now - last);
      last = now;
      frameStart ??= now;
      channel.port2.postMessage(0);
      if (!rec.stop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  return async () =>
    page.evaluate(async () => {
      const rec = (window as unknown as { __frames: FrameTimes & { stop: boolean } }).__frames;
      rec.stop = true;
      await new Promise((r) => setTimeout(r, 50));
      return { intervals: rec.intervals, work: rec.work, inputWork: rec.inputWork };
    });
}

/** Frames with nothing to do: the page's noise floor on this machine now, to read the other numbers against. */
export async function idleFrames(page: Page, millis = 1000): Promise<FrameTimes> {
  const stop = await recordFrames(page);
  await page.evaluate((t) => new Promise((r) => setTimeout(r, t)), millis);
  return stop();
}

/** The machine's load: frame times are only comparable at similar load. */
export function machineLoad(): string {
  const [one, five] = os.loadavg();
  return `load average ${one.toFixed(1)} (1 min), ${five.toFixed(1)} (5 min) on ${os.cpus().length} cores`;
}

export interface CpuTimes {
  /** CPU time of the page's main thread (JavaScript, style, layout, paint recording) */
  main: number;
  /** CPU time of the threads that rasterize tiles and composite */
  raster: number;
  /** the main thread's rendering steps (style, layout, paint…); the rest of `main` is mostly script */
  rendering: Record<string, number>;
}

/** Main-thread trace events of the rendering steps, by the name the breakdown gives them; none nests in another. */
const RENDERING_STEPS: Record<string, string> = { UpdateLayoutTree: 'style', Layout: 'layout', PrePaint: 'pre-paint', Paint: 'paint', Layerize: 'layerize', HitTest: 'hit test' };

/**
 * CPU time the renderer spent while `during` ran, from a Chromium trace: the sum of the thread time of every
 * top-level task, by thread. Unlike wall-clock frame times it hardly moves with the machine's load.
 */
export async function traceCpu(page: Page, during: () => Promise<void>): Promise<CpuTimes> {
  const cdp = await page.context().newCDPSession(page);
  const events: { name: string; ph: string; pid: number; tid: number; tdur?: number; args?: { name?: string } }[] = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as typeof events)));
  const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', '__metadata'] }, transferMode: 'ReportEvents' });
  await during();
  await cdp.send('Tracing.end');
  await done;
  await cdp.detach();
  const threadNames = new Map<string, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') threadNames.set(`${e.pid}:${e.tid}`, e.args?.name ?? '');
  const rendererPids = new Set([...threadNames].filter(([, name]) => name === 'CrRendererMain').map(([key]) => key.split(':')[0]));
  const cpu: CpuTimes = { main: 0, raster: 0, rendering: {} };
  for (const e of events) {
    const step = RENDERING_STEPS[e.name];
    if (step && threadNames.get(`${e.pid}:${e.tid}`) === 'CrRendererMain') cpu.rendering[step] = (cpu.rendering[step] ?? 0) + (e.tdur ?? 0) / 1000;
    // each task is recorded under several nested names; these two are the outermost, without overlap
    if (e.name !== 'RunTask' && e.name !== 'ThreadPool_RunTask') continue;
    const thread = threadNames.get(`${e.pid}:${e.tid}`) ?? '';
    const ms = (e.tdur ?? 0) / 1000;
    if (thread === 'CrRendererMain') cpu.main += ms;
    else if (rendererPids.has(String(e.pid)) || thread === 'VizCompositorThread') cpu.raster += ms;
  }
  return cpu;
}

/** `main 270.1 ms (style 12.0, layout 200.3, …, script and other 50.2)` */
export function cpuLine(cpu: CpuTimes, per = 1): string {
  const steps = Object.entries(cpu.rendering).filter(([, v]) => v / per >= 0.05);
  const rest = cpu.main - steps.reduce((sum, [, v]) => sum + v, 0);
  const parts = [...steps.map(([k, v]) => `${k} ${(v / per).toFixed(1)}`), `script and other ${(rest / per).toFixed(1)}`];
  return `main thread ${ms(cpu.main / per)} (${parts.join(', ')}), raster and compositor ${ms(cpu.raster / per)}`;
}
