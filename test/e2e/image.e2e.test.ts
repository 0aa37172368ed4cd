import type { Page } from 'playwright-core';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { screenshot } from './browser.js';
import { describeE2E, logIn, makeProject, openSession, type E2EServer, type Session } from './harness.js';
import { makePng } from './media-files.js';

const CONFIG = `<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="box" toName="image">
    <Label value="Car" background="blue"/>
    <Label value="Plane" background="green"/>
  </RectangleLabels>
  <PolygonLabels name="outline" toName="image">
    <Label value="Building" background="orange"/>
  </PolygonLabels>
  <KeyPointLabels name="point" toName="image">
    <Label value="Nose" background="red"/>
  </KeyPointLabels>
</View>`;

const WIDTH = 400;
const HEIGHT = 300;

/** Uploads the PNG through the import API as a media file: the server stores it and makes a task pointing at /data/upload/…. */
async function uploadImage(server: E2EServer, projectId: number): Promise<{ taskId: number; url: string }> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(makePng(WIDTH, HEIGHT))], { type: 'image/png' }), 'grid.png');
  const res = await fetch(`${server.url}/api/projects/${projectId}/import?return_task_ids=true`, { method: 'POST', headers: { authorization: `Token ${server.token}` }, body: form });
  expect(res.status).toBe(201);
  const taskId = ((await res.json()) as { task_ids: number[] }).task_ids[0];
  const task = (await server.api('GET', `/api/tasks/${taskId}`)).body;
  expect(task.data.image).toMatch(/^\/data\/upload\//);
  return { taskId, url: task.data.image };
}

/** Screen coordinates of a point given in percent of the image, from where the image is drawn now. */
async function at(page: Page, x: number, y: number): Promise<{ x: number; y: number }> {
  const box = (await page.locator('.lf-image-svg').boundingBox())!;
  return { x: box.x + (x / 100) * box.width, y: box.y + (y / 100) * box.height };
}

async function dragPercent(page: Page, from: [number, number], to: [number, number]): Promise<void> {
  const a = await at(page, ...from);
  const b = await at(page, ...to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 10 });
  await page.mouse.up();
}

async function clickPercent(page: Page, x: number, y: number): Promise<void> {
  const p = await at(page, x, y);
  await page.mouse.click(p.x, p.y);
}

const near = (v: number) => expect.closeTo(v, 0); // |actual − v| < 0.5 percentage points
const common = { id: expect.any(String), to_name: 'image', original_width: WIDTH, original_height: HEIGHT, image_rotation: 0, origin: 'manual' };

describeE2E('boxes, polygons and keypoints drawn on an image', () => {
  let s: Session;
  beforeEach(async () => {
    s = await openSession();
  });
  afterEach(async () => {
    await s?.close();
  });

  it('draws, moves, resizes, relabels and deletes regions and stores them as Label Studio does', async () => {
    const { page, server } = s;
    const project = await makeProject(server, { config: CONFIG, title: 'Shapes' });
    const { taskId } = await uploadImage(server, project.id);
    await logIn(page, server);
    await page.goto(`${server.url}/projects/${project.id}/label`);
    await page.locator('.lf-image-svg').waitFor();
    await expect.poll(() => page.locator('.lf-image-size').textContent()).toBe(`${WIDTH} × ${HEIGHT}`);
    // fitted: the whole image shows inside the panel
    const viewport = (await page.locator('.lf-image-viewport').boundingBox())!;
    const image = (await page.locator('.lf-image-svg').boundingBox())!;
    expect(image.x).toBeGreaterThanOrEqual(viewport.x - 1);
    expect(image.y).toBeGreaterThanOrEqual(viewport.y - 1);
    expect(image.x + image.width).toBeLessThanOrEqual(viewport.x + viewport.width + 1);
    expect(image.y + image.height).toBeLessThanOrEqual(viewport.y + viewport.height + 1);
    expect(Math.max(image.width / viewport.width, image.height / viewport.height)).toBeGreaterThan(0.98);

    const regions = page.locator('.lf-image-svg [data-region-id]');

    // a box: pick Car by clicking, drag it out
    await page.getByRole('group', { name: 'RectangleLabels box' }).getByRole('button', { name: /^Car/ }).click();
    await dragPercent(page, [10, 20], [50, 60]);
    await expect.poll(() => regions.count()).toBe(1);

    // select and move it 10 points right, resize by its bottom-right corner, relabel with hotkey 2 (Plane)
    await dragPercent(page, [30, 40], [40, 40]);
    await page.locator('.lf-handle-se').waitFor();
    await dragPercent(page, [60, 60], [70, 80]);
    await page.keyboard.press('2');
    await expect.poll(() => regions.first().getAttribute('data-label')).toBe('Plane');
    await page.keyboard.press('Escape');

    // another box, selected and deleted with the Delete key
    await dragPercent(page, [75, 85], [95, 95]);
    await expect.poll(() => regions.count()).toBe(2);
    await clickPercent(page, 85, 90);
    await page.locator('.lf-region-active').waitFor();
    await page.keyboard.press('Delete');
    await expect.poll(() => regions.count()).toBe(1);

    // a polygon (hotkey 3), closed by clicking its first point; another closed with Enter
    await page.keyboard.press('3');
    for (const [x, y] of [[75, 10], [95, 10], [95, 40], [75, 10]] as const) await clickPercent(page, x, y);
    await expect.poll(() => regions.count()).toBe(2);
    for (const [x, y] of [[2, 85], [15, 85], [8, 97]] as const) await clickPercent(page, x, y);
    await page.keyboard.press('Enter');
    await expect.poll(() => regions.count()).toBe(3);

    // a keypoint (hotkey 4)
    await page.keyboard.press('4');
    await clickPercent(page, 85, 90);
    await expect.poll(() => regions.count()).toBe(4);

    // wheel zoom changes the view, not the regions
    const before = (await page.locator('.lf-image-svg').boundingBox())!;
    const centre = await at(page, 50, 50);
    await page.mouse.move(centre.x, centre.y);
    await page.mouse.wheel(0, -300);
    await expect.poll(async () => (await page.locator('.lf-image-svg').boundingBox())!.width).toBeGreaterThan(before.width * 1.2);
    await screenshot(page, 'image-zoomed');
    // pan: drag with the space bar held, then with the middle button; regions stay put
    const zoomed = (await page.locator('.lf-image-svg').boundingBox())!;
    await page.keyboard.down('Space');
    await page.mouse.move(centre.x, centre.y);
    await page.mouse.down();
    await page.mouse.move(centre.x + 80, centre.y + 30, { steps: 5 });
    await page.mouse.up();
    await page.keyboard.up('Space');
    await page.mouse.move(centre.x, centre.y);
    await page.mouse.down({ button: 'middle' });
    await page.mouse.move(centre.x + 20, centre.y - 10, { steps: 5 });
    await page.mouse.up({ button: 'middle' });
    const panned = (await page.locator('.lf-image-svg').boundingBox())!;
    expect(panned.x - zoomed.x).toBeCloseTo(100, 0);
    expect(panned.y - zoomed.y).toBeCloseTo(20, 0);
    await expect.poll(() => regions.count()).toBe(4);
    await page.getByRole('button', { name: 'Fit to panel' }).click();
    await expect.poll(async () => Math.round((await page.locator('.lf-image-svg').boundingBox())!.width)).toBe(Math.round(before.width));
    await screenshot(page, 'image-regions');

    await page.keyboard.press('Control+Enter');
    await page.getByTestId('stream-done').waitFor();

    const task = (await server.api('GET', `/api/tasks/${taskId}`)).body;
    expect(task.annotations).toHaveLength(1);
    expect(task.annotations[0].result).toEqual([
      { ...common, from_name: 'box', type: 'rectanglelabels', value: { x: near(20), y: near(20), width: near(50), height: near(60), rotation: 0, rectanglelabels: ['Plane'] } },
      {
        ...common,
        from_name: 'outline',
        type: 'polygonlabels',
        value: { points: [[near(75), near(10)], [near(95), near(10)], [near(95), near(40)]], closed: true, polygonlabels: ['Building'] },
      },
      {
        ...common,
        from_name: 'outline',
        type: 'polygonlabels',
        value: { points: [[near(2), near(85)], [near(15), near(85)], [near(8), near(97)]], closed: true, polygonlabels: ['Building'] },
      },
      { ...common, from_name: 'point', type: 'keypointlabels', value: { x: near(85), y: near(90), width: 1, keypointlabels: ['Nose'] } },
    ]);
  });
});
