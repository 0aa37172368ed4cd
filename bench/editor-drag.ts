/**
 * Frame times while one box is dragged with the mouse on an image that has 2,000 boxes.
 *   node bin/run-ts.js bench/editor-drag.ts [--boxes 2000] [--seconds 2]
 * A real server on a fresh embedded database, Debian's Chromium. The boxes are an annotation of the task made
 * through the API (a 50 × 40 grid of labelled rectangles on a 2000 × 1500 PNG); the editor opens it for update.
 * The mouse presses on one box and moves it in circles for --seconds, one move at a time as fast as the page takes
 * them. Inside the page every animation frame is recorded: the interval between frames (what the eye sees; 16.7 ms
 * at 60 Hz is the floor) and the main-thread work of the frame (input handlers, React, style, layout, paint),
 * which is what must stay under 16 ms for the drag to keep up.
 */
import { pngFile } from '../test/e2e/template-helpers.js';
import { cpuLine, DROPPED_FRAME_MS, idleFrames, line, machineLoad, makeBenchProject, ms, openBenchSession, recordFrames, summarize, traceCpu, uploadMedia } from './browser-helpers.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const BOXES = Number(arg('boxes', '2000'));
const SECONDS = Number(arg('seconds', '2'));
const IMAGE = { width: 2000, height: 1500 };
const CONFIG = `<View><Image name="image" value="$image"/><RectangleLabels name="label" toName="image"><Label value="Car" background="blue"/><Label value="Airplane" background="green"/></RectangleLabels></View>`;

/** Boxes in a grid of cells, each box 70 % of its cell; ids r0…r{n−1}. */
function gridOfBoxes(n: number): Record<string, unknown>[] {
  const cols = Math.ceil(Math.sqrt((n * IMAGE.width) / IMAGE.height));
  const rows = Math.ceil(n / cols);
  return Array.from({ length: n }, (_, i) => {
    const [col, row] = [i % cols, Math.floor(i / cols)];
    return {
      id: `r${i}`,
      from_name: 'label',
      to_name: 'image',
      type: 'rectanglelabels',
      original_width: IMAGE.width,
      original_height: IMAGE.height,
      image_rotation: 0,
      value: { x: (col / cols) * 100, y: (row / rows) * 100, width: (0.7 / cols) * 100, height: (0.7 / rows) * 100, rotation: 0, rectanglelabels: [i % 2 ? 'Airplane' : 'Car'] },
      origin: 'manual',
    };
  });
}

const s = await openBenchSession();
try {
  const { page, server } = s;
  const project = await makeBenchProject(server, CONFIG, []);
  const taskId = await uploadMedia(server, project.id, pngFile('aerial.png', IMAGE.width, IMAGE.height));
  const created = await server.api('POST', `/api/tasks/${taskId}/annotations`, { result: gridOfBoxes(BOXES), lead_time: 1 });
  if (created.status !== 201) throw new Error(`creating the annotation: ${created.status} ${JSON.stringify(created.body)}`);

  const opened = performance.now();
  await page.goto(`${server.url}/projects/${project.id}/label?task=${taskId}`);
  await page.locator('.lf-image-size').waitFor();
  await page.waitForFunction((n) => document.querySelectorAll('.lf-image-svg [data-region-id]').length >= n, BOXES, { timeout: 60_000 });
  const openMs = performance.now() - opened;

  // the box in the middle of the image
  const target = page.locator(`.lf-image-svg [data-region-id="r${Math.floor(BOXES / 2)}"]`);
  const box = (await target.boundingBox())!;
  const xBefore = await target.locator('rect').first().getAttribute('x');
  const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
  await page.mouse.move(cx, cy);

  const idle = await idleFrames(page);
  const stop = await recordFrames(page);
  const pressCpu = await traceCpu(page, () => page.mouse.down());
  let moves = 0;
  const started = performance.now();
  const cpu = await traceCpu(page, async () => {
    while (performance.now() - started < SECONDS * 1000) {
      const t = (performance.now() - started) / 1000;
      // circles of 120 px, one a second, drifting right so the box ends somewhere else
      await page.mouse.move(cx + 120 * Math.sin(2 * Math.PI * t) + 40 * t, cy + 120 * (1 - Math.cos(2 * Math.PI * t)));
      moves++;
    }
  });
  const releaseCpu = await traceCpu(page, () => page.mouse.up());
  const frames = await stop();
  const xAfter = await target.locator('rect').first().getAttribute('x');

  const dropped = frames.intervals.filter((f) => f > DROPPED_FRAME_MS).length;
  // the first frame that handled the mouse pressed it (selecting the box), the last released it (storing the move)
  const [press, ...rest] = frames.inputWork;
  const release = rest.pop() ?? NaN;
  console.log(`Dragging one box among ${BOXES} on a ${IMAGE.width}×${IMAGE.height} image for ${SECONDS} s (${moves} mouse moves, ${frames.intervals.length} frames):`);
  console.log(`  main-thread work of the frames that moved the box: ${line(summarize(rest))} (target < 16 ms)`);
  console.log(`  CPU time per mouse move, from a trace (hardly moves with the load): ${cpuLine(cpu, moves)}`);
  console.log(`  main-thread work of the frame that pressed (selects the box): ${ms(press)}; CPU ${cpuLine(pressCpu)}`);
  console.log(`  main-thread work of the frame that released (stores the move): ${ms(release)}; CPU ${cpuLine(releaseCpu)}`);
  console.log(`  main-thread work of every frame: ${line(summarize(frames.work))}`);
  console.log(`  interval between frames: ${line(summarize(frames.intervals))}; ${dropped} dropped (> ${ms(DROPPED_FRAME_MS)})`);
  console.log(`  idle page, for reference: work per frame ${line(summarize(idle.work))}, ${idle.intervals.filter((f) => f > DROPPED_FRAME_MS).length} of ${idle.intervals.length} frames dropped; ${machineLoad()}`);
  console.log(`  task opened with all ${BOXES} boxes drawn in ${ms(openMs)}; the box moved: ${xBefore !== xAfter ? 'yes' : 'NO'} (x ${xBefore} → ${xAfter} px)`);
} finally {
  await s.close();
}
