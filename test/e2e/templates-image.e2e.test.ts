import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeE2E, logIn, openSession, type Session } from './harness.js';
import {
  clickOnImage,
  createProjectFromGallery,
  currentTaskId,
  dragOnImage,
  expectExported,
  exportJsonInBrowser,
  importByDrop,
  near,
  openStream,
  pngFile,
  shooter,
  storedTask,
  waitForImage,
  waitPastTask,
} from './template-helpers.js';

const manual = { id: expect.any(String), origin: 'manual' };
/** what every region drawn on an image of that size carries */
const onImageOf = (width: number, height: number) => ({ ...manual, to_name: 'image', original_width: width, original_height: height, image_rotation: 0 });

// a whole new-user path per test: generous on a loaded 2-core machine
describeE2E('image templates, from an empty server to exported labels in the browser', { timeout: 120_000 }, () => {
  let s: Session;
  beforeEach(async () => {
    s = await openSession();
  });
  afterEach(async () => {
    await s?.close();
  });

  it('Image Classification: two dropped PNGs, one class clicked and one by hotkey', async () => {
    const { page, server } = s;
    const shot = shooter(page, 'image-classification');
    await logIn(page, server);
    const projectId = await createProjectFromGallery(page, 'Moderation', 'Image Classification', shot);
    await importByDrop(page, [pngFile('first.png', 320, 240), pngFile('second.png', 200, 300)], 2, shot);

    const labeling = await openStream(page);
    await waitForImage(page, 320, 240);
    const first = await currentTaskId(page);
    await labeling.getByLabel('Weapons').click();
    await shot('clicked');
    await page.getByRole('button', { name: /Submit/ }).click();
    await waitPastTask(page, first);

    await waitForImage(page, 200, 300);
    const second = await currentTaskId(page);
    await page.keyboard.press('3');
    await expect.poll(() => labeling.getByLabel('Violence').isChecked()).toBe(true);
    await shot('hotkey');
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('stream-done').waitFor();

    const choice = (value: string) => ({ ...manual, from_name: 'choice', to_name: 'image', type: 'choices', value: { choices: [value] } });
    const stored = [await storedTask(server, first), await storedTask(server, second)];
    expect(stored.map((t) => t.data.image)).toEqual([expect.stringMatching(/^\/data\/upload\/\d+\/.*first\.png$/), expect.stringMatching(/^\/data\/upload\/\d+\/.*second\.png$/)]);
    expect(stored.map((t) => t.annotations.map((a) => a.result))).toEqual([[[choice('Weapons')]], [[choice('Violence')]]]);

    const exported = await exportJsonInBrowser(page, projectId, shot);
    for (const t of stored) expectExported(exported, t);
  });

  it('Object Detection with Bounding Boxes: boxes drawn with the mouse, labels by hotkey and by click', async () => {
    const { page, server } = s;
    const shot = shooter(page, 'object-detection');
    const [W, H] = [640, 480];
    await logIn(page, server);
    const projectId = await createProjectFromGallery(page, 'Traffic', 'Object Detection with Bounding Boxes', shot);
    await importByDrop(page, [pngFile('street.png', W, H)], 1, shot);

    const labeling = await openStream(page);
    await waitForImage(page, W, H);
    const taskId = await currentTaskId(page);
    const regions = page.locator('.lf-image-svg [data-region-id]');
    await page.keyboard.press('2'); // Car
    await dragOnImage(page, [10, 20], [40, 70]);
    await expect.poll(() => regions.count()).toBe(1);
    await page.getByRole('group', { name: 'RectangleLabels label' }).getByRole('button', { name: /^Airplane/ }).click();
    // drawn from bottom-right to top-left: the same box as the other way round
    await dragOnImage(page, [90, 60], [55, 10]);
    await expect.poll(() => regions.count()).toBe(2);
    await shot('boxes');
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('stream-done').waitFor();

    const box = (x: number, y: number, width: number, height: number, label: string) => ({
      ...onImageOf(W, H),
      from_name: 'label',
      type: 'rectanglelabels',
      value: { x: near(x), y: near(y), width: near(width), height: near(height), rotation: 0, rectanglelabels: [label] },
    });
    const stored = await storedTask(server, taskId);
    expect(stored.annotations).toHaveLength(1);
    expect(stored.annotations[0].result).toEqual([box(10, 20, 30, 50, 'Car'), box(55, 10, 35, 50, 'Airplane')]);

    expectExported(await exportJsonInBrowser(page, projectId, shot), stored);
  });

  it('Semantic Segmentation with Polygons: one polygon closed on its first point, one with Enter', async () => {
    const { page, server } = s;
    const shot = shooter(page, 'polygon');
    const [W, H] = [500, 375];
    await logIn(page, server);
    const projectId = await createProjectFromGallery(page, 'Outlines', 'Semantic Segmentation with Polygons', shot);
    await importByDrop(page, [pngFile('field.png', W, H)], 1, shot);

    const labeling = await openStream(page);
    await waitForImage(page, W, H);
    const taskId = await currentTaskId(page);
    const regions = page.locator('.lf-image-svg [data-region-id]');
    await page.getByRole('group', { name: 'PolygonLabels label' }).getByRole('button', { name: /^Airplane/ }).click();
    const plane: [number, number][] = [[20, 20], [60, 15], [70, 45], [30, 50]];
    for (const [x, y] of [...plane, plane[0]]) await clickOnImage(page, x, y);
    await expect.poll(() => regions.count()).toBe(1);
    await page.keyboard.press('2'); // Car
    const car: [number, number][] = [[15, 70], [45, 65], [40, 90]];
    for (const [x, y] of car) await clickOnImage(page, x, y);
    await shot('drawing');
    await page.keyboard.press('Enter');
    await expect.poll(() => regions.count()).toBe(2);
    await shot('polygons');
    await page.getByRole('button', { name: /Submit/ }).click();
    await page.getByTestId('stream-done').waitFor();

    const polygon = (points: [number, number][], label: string) => ({
      ...onImageOf(W, H),
      from_name: 'label',
      type: 'polygonlabels',
      value: { points: points.map(([x, y]) => [near(x), near(y)]), closed: true, polygonlabels: [label] },
    });
    const stored = await storedTask(server, taskId);
    expect(stored.annotations[0].result).toEqual([polygon(plane, 'Airplane'), polygon(car, 'Car')]);

    expectExported(await exportJsonInBrowser(page, projectId, shot), stored);
  });

  it('Keypoint Labeling: points clicked with labels picked by hotkey', async () => {
    const { page, server } = s;
    const shot = shooter(page, 'keypoints');
    const [W, H] = [300, 400];
    await logIn(page, server);
    const projectId = await createProjectFromGallery(page, 'Faces', 'Keypoint Labeling', shot);
    await importByDrop(page, [pngFile('portrait.png', W, H)], 1, shot);

    const labeling = await openStream(page);
    await waitForImage(page, W, H);
    const taskId = await currentTaskId(page);
    const regions = page.locator('.lf-image-svg [data-region-id]');
    await page.keyboard.press('1'); // Face
    await clickOnImage(page, 50, 40);
    await page.keyboard.press('2'); // Nose
    await clickOnImage(page, 52, 55);
    await clickOnImage(page, 25, 75);
    await expect.poll(() => regions.count()).toBe(3);
    await shot('points');
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('stream-done').waitFor();

    const point = (x: number, y: number, label: string) => ({ ...onImageOf(W, H), from_name: 'kp-1', type: 'keypointlabels', value: { x: near(x), y: near(y), width: 1, keypointlabels: [label] } });
    const stored = await storedTask(server, taskId);
    expect(stored.annotations[0].result).toEqual([point(50, 40, 'Face'), point(52, 55, 'Nose'), point(25, 75, 'Nose')]);

    expectExported(await exportJsonInBrowser(page, projectId, shot), stored);
  });
});
