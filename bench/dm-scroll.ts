/**
 * The Data Manager over 100,000 tasks: time to the first rows, then frame times while its virtual table scrolls.
 *   node bin/run-ts.js bench/dm-scroll.ts [--tasks 100000] [--wheel-frames 240] [--steps 300]
 * A real server on a fresh embedded database (tasks imported through the API, not timed as part of the page),
 * Debian's Chromium. Two scrolls, each driven from inside the page, one step per animation frame:
 * - wheel: --wheel-frames steps of 100 px, as a mouse wheel or trackpad moves (about 2.8 rows a frame);
 * - to the bottom: the rest of the table in --steps equal jumps (hundreds of rows a frame), as dragging the
 *   scrollbar does.
 * For each: main-thread work per frame, interval between frames, dropped frames (> 25 ms), the most rows in the
 * DOM at once, and the task-page requests the scroll made. Then the time until the last rows show their data.
 */
import { cpuLine, DROPPED_FRAME_MS, idleFrames, line, machineLoad, makeBenchProject, ms, openBenchSession, recordFrames, summarize, traceCpu, type BenchSession, type CpuTimes, type FrameTimes } from './browser-helpers.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const TASKS = Number(arg('tasks', '100000'));
const WHEEL_FRAMES = Number(arg('wheel-frames', '240'));
const STEPS = Number(arg('steps', '300'));
const CONFIG = `<View><Text name="text" value="$text"/><Choices name="sentiment" toName="text"><Choice value="Positive"/><Choice value="Negative"/></Choices></View>`;

/** Scrolls the table by `step` px (or to the bottom in `step` = 'bottom' jumps) one frame at a time; the most rows seen. */
async function scrollInPage(s: BenchSession, mode: { px: number; frames: number } | { bottomIn: number }): Promise<number> {
  return s.page.getByTestId('task-scroll').evaluate(async (el, m) => {
    let maxRows = 0;
    const start = el.scrollTop;
    const frames = 'frames' in m ? m.frames : m.bottomIn;
    const px = 'px' in m ? m.px : (el.scrollHeight - el.clientHeight - start) / m.bottomIn;
    for (let i = 1; i <= frames; i++) {
      el.scrollTop = start + px * i;
      await new Promise(requestAnimationFrame);
      maxRows = Math.max(maxRows, el.querySelectorAll('[role="row"]').length);
    }
    return maxRows;
  }, mode);
}

function report(name: string, frames: FrameTimes, cpu: CpuTimes, steps: number, maxRows: number, requests: number): void {
  const dropped = frames.intervals.filter((f) => f > DROPPED_FRAME_MS).length;
  console.log(`  ${name} (${frames.intervals.length} frames):`);
  console.log(`    main-thread work per frame: ${line(summarize(frames.work))}`);
  console.log(`    CPU per frame, from a trace (hardly moves with the load): ${cpuLine(cpu, steps)}`);
  console.log(`    interval between frames: ${line(summarize(frames.intervals))}; ${dropped} dropped (> ${ms(DROPPED_FRAME_MS)})`);
  console.log(`    at most ${maxRows} rows in the DOM; ${requests} task-page requests`);
}

const s = await openBenchSession();
try {
  const { page, server } = s;
  const importStarted = performance.now();
  const project = await makeBenchProject(
    server,
    CONFIG,
    Array.from({ length: TASKS }, (_, i) => ({ text: `Review number ${i + 1}: arrived on time, works as described, would buy again.`, stars: i % 5 })),
  );
  const importMs = performance.now() - importStarted;
  const lastId = project.taskIds[TASKS - 1];

  let requests = 0;
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/api/tasks') requests++;
  });
  // the page marks, from its first script on, the first frame that shows rows with their data
  await page.context().addInitScript(() => {
    const w = window as unknown as { __firstRows?: number };
    const observer = new MutationObserver(() => {
      if (!document.querySelector('[role="row"][data-task-id]')) return;
      observer.disconnect();
      requestAnimationFrame(() => (w.__firstRows = performance.now()));
    });
    observer.observe(document, { childList: true, subtree: true });
  });
  const firstRows: number[] = [];
  for (let i = 0; i < 5; i++) {
    await page.goto(`${server.url}/projects/${project.id}/data`, { waitUntil: 'commit' });
    const handle = await page.waitForFunction(() => (window as unknown as { __firstRows?: number }).__firstRows, undefined, { timeout: 60_000, polling: 50 });
    firstRows.push((await handle.jsonValue()) as number);
  }

  console.log(`Data Manager, ${TASKS.toLocaleString('en-US')} tasks (imported through the API in ${(importMs / 1000).toFixed(1)} s):`);
  console.log(`  first rows with data (navigation start → frame), 5 page loads: ${line(summarize(firstRows))}`);

  const idle = await idleFrames(page);
  console.log(`  idle page, for reference: work per frame ${line(summarize(idle.work))}, ${idle.intervals.filter((f) => f > DROPPED_FRAME_MS).length} of ${idle.intervals.length} frames dropped; ${machineLoad()}`);
  const scrollPhase = async (name: string, mode: Parameters<typeof scrollInPage>[1], steps: number) => {
    requests = 0;
    let maxRows = 0;
    let frames: FrameTimes = { intervals: [], work: [], inputWork: [] };
    const cpu = await traceCpu(page, async () => {
      const stop = await recordFrames(page);
      maxRows = await scrollInPage(s, mode);
      frames = await stop();
    });
    report(name, frames, cpu, steps, maxRows, requests);
  };
  await scrollPhase(`wheel scroll, ${WHEEL_FRAMES} × 100 px`, { px: 100, frames: WHEEL_FRAMES }, WHEEL_FRAMES);
  await scrollPhase(`to the bottom in ${STEPS} jumps`, { bottomIn: STEPS }, STEPS);

  const atBottom = performance.now();
  await page.locator(`[data-task-id="${lastId}"]`).waitFor();
  console.log(`  the last rows showed their data ${ms(performance.now() - atBottom)} after the scroll stopped`);
} finally {
  await s.close();
}
