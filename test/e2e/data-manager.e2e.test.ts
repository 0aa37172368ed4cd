import { afterEach, beforeEach, expect, it } from 'vitest';
import { screenshot } from './browser.js';
import { describeE2E, logIn, makeProject, openSession, type Session } from './harness.js';

const CONFIG = `<View><Text name="text" value="$text"/><Choices name="sentiment" toName="text"><Choice value="Positive"/><Choice value="Negative"/></Choices></View>`;
const ROWS = 100_000;

describeE2E('the Data Manager', () => {
  let s: Session;
  beforeEach(async () => {
    s = await openSession();
  });
  afterEach(async () => {
    await s?.close();
  });

  it('scrolls 100,000 tasks with only the visible rows in the page, fetching pages on demand', async () => {
    const { page, server } = s;
    const tasks = Array.from({ length: ROWS }, (_, i) => ({ text: `review number ${i + 1}`, stars: i % 5 }));
    const importStarted = Date.now();
    const project = await makeProject(server, { config: CONFIG, title: 'Big', tasks });
    const importSeconds = (Date.now() - importStarted) / 1000;
    const lastId = project.taskIds[ROWS - 1];
    const pageMs = async (n: number) => {
      const t0 = Date.now();
      expect((await server.api('GET', `/api/tasks?project=${project.id}&page=${n}&page_size=100&fields=task_only`)).status).toBe(200);
      return Date.now() - t0;
    };
    const apiPage = { first: await pageMs(1), last: await pageMs(ROWS / 100) };

    await logIn(page, server);
    await page.goto(`${server.url}/projects/${project.id}/data`);
    const table = page.getByRole('table', { name: 'Tasks' });
    await table.getByRole('row').filter({ hasText: 'review number 1' }).first().waitFor();
    expect(await table.getAttribute('aria-rowcount')).toBe(String(ROWS + 1));
    expect(await table.getByRole('columnheader').allTextContents()).toEqual(['ID', '$text', '$stars', 'Annotations', 'Skipped', 'Predictions', 'Completed']);

    // time each frame of a wheel-like scroll (120 px a frame), then of a fling through all 100,000 rows in 90 frames
    const scroller = page.getByTestId('task-scroll');
    const timeScroll = (stepPx: number | 'fling', frames: number) =>
      scroller.evaluate(
        async (el, [step, n]) => {
          const times: number[] = [];
          let maxRows = 0;
          const px = step === 'fling' ? el.scrollHeight / n : step;
          let last = performance.now();
          for (let i = 1; i <= n; i++) {
            el.scrollTop = step === 'fling' ? px * i : el.scrollTop + px;
            await new Promise(requestAnimationFrame);
            const now = performance.now();
            times.push(now - last);
            last = now;
            maxRows = Math.max(maxRows, el.querySelectorAll('[role="row"]').length);
          }
          times.sort((a, b) => a - b);
          const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
          return { p50: at(0.5), p95: at(0.95), max: times[times.length - 1], maxRows };
        },
        [stepPx, frames] as const,
      );
    const wheel = await timeScroll(120, 120);
    const scroll = await timeScroll('fling', 90);
    expect(wheel.maxRows).toBeLessThan(100);
    expect(scroll.maxRows).toBeLessThan(100);

    const started = Date.now();
    await page.locator(`[data-task-id="${lastId}"]`).waitFor();
    const lastRowMs = Date.now() - started;
    expect(await page.locator(`[data-task-id="${lastId}"]`).textContent()).toContain(`review number ${ROWS}`);
    // rows are reused as the table scrolls: every row shows the task at its own position, none a stale one
    const shown = await table.locator('[role="row"][data-task-id]').evaluateAll((rows) =>
      rows.map((r) => ({ index: Number(r.getAttribute('aria-rowindex')) - 2, id: Number(r.getAttribute('data-task-id')), text: r.querySelectorAll('[role="cell"]')[1]?.textContent })),
    );
    expect(shown.length).toBeGreaterThan(10);
    for (const row of shown) {
      expect(row.id).toBe(project.taskIds[row.index]);
      expect(row.text).toBe(`review number ${row.index + 1}`);
    }
    await screenshot(page, 'data-manager-100k-end');
    console.log(
      `Data Manager, ${ROWS} tasks: import ${importSeconds.toFixed(1)} s; ` +
        `wheel-scroll frames p50 ${wheel.p50.toFixed(1)} ms, p95 ${wheel.p95.toFixed(1)} ms, max ${wheel.max.toFixed(1)} ms; ` +
        `fling frames p50 ${scroll.p50.toFixed(1)} ms, p95 ${scroll.p95.toFixed(1)} ms, max ${scroll.max.toFixed(1)} ms; ` +
        `at most ${scroll.maxRows} rows in the DOM; last page shown ${lastRowMs} ms after the scroll; ` +
        `API page 1 ${apiPage.first} ms, page ${ROWS / 100} ${apiPage.last} ms`,
    );

    // a row opens that task in the editor
    await page.locator(`[data-task-id="${lastId}"]`).click();
    await page.locator('.labeling').getByText(`review number ${ROWS}`).waitFor();
    expect(new URL(page.url()).searchParams.get('task')).toBe(String(lastId));
  });

  it('exports the annotations in the chosen format', async () => {
    const { page, server } = s;
    const project = await makeProject(server, { config: CONFIG, title: 'Exported', tasks: [{ text: 'good' }, { text: 'bad' }] });
    const result = [{ id: 'r1', from_name: 'sentiment', to_name: 'text', type: 'choices', value: { choices: ['Positive'] }, origin: 'manual' }];
    expect((await server.api('POST', `/api/tasks/${project.taskIds[0]}/annotations`, { result, lead_time: 1.5 })).status).toBe(201);

    await logIn(page, server);
    await page.goto(`${server.url}/projects/${project.id}/data`);
    await page.getByRole('button', { name: 'Export' }).click();
    const dialog = page.getByRole('dialog', { name: 'Export data' });
    await dialog.locator('input[value="JSON"]').check();
    await screenshot(page, 'export-dialog');
    const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Export' }).click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^project-${project.id}-at-.*\\.json$`));
    const body = JSON.parse(await streamText(await download.createReadStream()));
    expect(body).toHaveLength(1);
    expect(body[0]).toMatchObject({ id: project.taskIds[0], data: { text: 'good' } });
    expect(body[0].annotations[0].result).toEqual(result);

    await dialog.getByLabel('Include tasks without annotations').check();
    await dialog.locator('input[value="CSV"]').check();
    const [csv] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Export' }).click()]);
    expect(csv.suggestedFilename()).toMatch(/\.csv$/);
    const lines = (await streamText(await csv.createReadStream())).trim().split('\n');
    expect(lines).toHaveLength(3);
  });
});

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
