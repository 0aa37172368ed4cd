/**
 * Time from opening a task to an editable editor, for a text task and an image task.
 *   node bin/run-ts.js bench/editor-open.ts [--opens 20]
 * A real server on a fresh embedded database, Debian's Chromium. Each task is opened two ways, --opens times
 * (a different task each time, after one warm-up open):
 * - page load: the browser navigates to /projects/{id}/label?task={id} (a new document; app bundle cached);
 * - from the Data Manager: a click on the task's row, the app's own route change.
 * "Editable" is measured in the page: the first animation frame after the control's first interactive element is
 * in the DOM (a Choice's radio button for text; for the image, its size known, i.e. decoded and ready to draw on).
 */
import { pngFile } from '../test/e2e/template-helpers.js';
import { line, machineLoad, makeBenchProject, openBenchSession, summarize, uploadMedia, type BenchSession } from './browser-helpers.js';

const args = process.argv.slice(2);
const OPENS = Number(args[args.indexOf('--opens') + 1] || 20);
const IMAGE = { width: 1600, height: 1200 };

const TEXT_CONFIG = `<View><Text name="text" value="$text"/><Choices name="sentiment" toName="text" showInLine="true"><Choice value="Positive"/><Choice value="Negative"/><Choice value="Neutral"/></Choices></View>`;
const IMAGE_CONFIG = `<View><Image name="image" value="$image"/><RectangleLabels name="label" toName="image"><Label value="Car"/><Label value="Airplane"/></RectangleLabels></View>`;

interface Kind {
  name: string;
  projectId: number;
  taskIds: number[];
  /** inside `.labeling`: the element whose presence means the editor can be used */
  ready: string;
}

/** Navigates to the task's URL; the page reports when the editor became usable, in ms since navigation start. */
async function openByPageLoad(s: BenchSession, kind: Kind, taskId: number): Promise<number> {
  await s.page.goto(`${s.server.url}/projects/${kind.projectId}/label?task=${taskId}`, { waitUntil: 'commit' });
  const handle = await s.page.waitForFunction(() => (window as unknown as { __readyFrame?: number }).__readyFrame, undefined, { timeout: 30_000, polling: 50 });
  return (await handle.jsonValue()) as number;
}

/** Clicks the task's row in the Data Manager and times, in the page, until the editor is usable; then goes back. */
async function openFromDataManager(s: BenchSession, kind: Kind, taskId: number): Promise<number> {
  const sel = `.labeling[data-task-id="${taskId}"] ${kind.ready}`;
  // the table is virtual: scroll until the task's row exists
  const row = s.page.locator(`[data-task-id="${taskId}"]`);
  for (let i = 0; i < 100 && (await row.count()) === 0; i++) {
    await s.page.getByTestId('task-scroll').evaluate((el) => {
      el.scrollTop += el.clientHeight / 2;
      return new Promise(requestAnimationFrame);
    });
  }
  await row.waitFor({ timeout: 10_000 });
  const elapsed = await s.page.evaluate(
    ([row, ready]) =>
      new Promise<number>((resolve) => {
        const t0 = performance.now();
        const check = () => {
          if (!document.querySelector(ready)) return;
          observer.disconnect();
          requestAnimationFrame(() => resolve(performance.now() - t0));
        };
        const observer = new MutationObserver(check);
        observer.observe(document, { childList: true, subtree: true });
        (document.querySelector(row) as HTMLElement).click();
      }),
    [`[data-task-id="${taskId}"]`, sel] as const,
  );
  await s.page.goBack();
  await s.page.locator(`[data-task-id="${kind.taskIds[0]}"]`).waitFor();
  return elapsed;
}

async function measure(s: BenchSession, kind: Kind): Promise<{ load: number[]; inApp: number[] }> {
  const load: number[] = [];
  const inApp: number[] = [];
  // one warm-up of each way (fills the browser's cache with the app bundle), then OPENS timed opens on other tasks
  for (let i = 0; i <= OPENS; i++) {
    const t = await openByPageLoad(s, kind, kind.taskIds[i]);
    if (i > 0) load.push(t);
  }
  await s.page.goto(`${s.server.url}/projects/${kind.projectId}/data`);
  await s.page.locator(`[data-task-id="${kind.taskIds[0]}"]`).waitFor();
  for (let i = 0; i <= OPENS; i++) {
    // the second half of the tasks: images the browser has not loaded yet
    const t = await openFromDataManager(s, kind, kind.taskIds[OPENS + 1 + i]);
    if (i > 0) inApp.push(t);
  }
  return { load, inApp };
}

const s = await openBenchSession();
try {
  const count = 2 * (OPENS + 1);
  const text = await makeBenchProject(
    s.server,
    TEXT_CONFIG,
    Array.from({ length: count }, (_, i) => ({ text: `Review ${i + 1}: the delivery was quick, but the box was damaged and the manual was missing two pages.` })),
  );
  const image = await makeBenchProject(s.server, IMAGE_CONFIG, []);
  const imageTasks: number[] = [];
  for (let i = 0; i < count; i++) imageTasks.push(await uploadMedia(s.server, image.id, pngFile(`photo-${i}.png`, IMAGE.width, IMAGE.height)));

  const kinds: Kind[] = [
    { name: 'text task (Choices)', projectId: text.id, taskIds: text.taskIds, ready: '.lf-choices input' },
    { name: `image task (${IMAGE.width}×${IMAGE.height} PNG, RectangleLabels)`, projectId: image.id, taskIds: imageTasks, ready: '.lf-image-size' },
  ];
  // the page marks, from its first script on, the frame in which the editor first became usable
  await s.page.context().addInitScript((selectors: string[]) => {
    const w = window as unknown as { __readyFrame?: number };
    const check = () => {
      if (!selectors.some((sel) => document.querySelector(`.labeling ${sel}`))) return;
      observer.disconnect();
      requestAnimationFrame(() => (w.__readyFrame = performance.now()));
    };
    const observer = new MutationObserver(check);
    observer.observe(document, { childList: true, subtree: true });
  }, kinds.map((k) => k.ready));

  console.log(`Editor open, ${OPENS} opens of different tasks each (after one warm-up), time to the first frame with an editable editor:`);
  for (const kind of kinds) {
    const { load, inApp } = await measure(s, kind);
    console.log(`  ${kind.name}`);
    console.log(`    page load (navigation start → editable): ${line(summarize(load))}`);
    console.log(`    from the Data Manager (row click → editable): ${line(summarize(inApp))}`);
  }
  console.log(`  ${machineLoad()}`);
} finally {
  await s.close();
}
