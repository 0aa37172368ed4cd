import { afterEach, beforeEach, expect, it } from 'vitest';
import { screenshot } from './browser.js';
import { describeE2E, logIn, makeProject, openSession, type Session } from './harness.js';

const CONFIG = `<View><Text name="text" value="$text"/><Choices name="sentiment" toName="text"><Choice value="Positive"/><Choice value="Negative"/><Choice value="Neutral"/></Choices></View>`;
const TEXT = 'The staff were friendly but the room was small.';

const item = (value: string, extra: Record<string, unknown> = {}) => ({ from_name: 'sentiment', to_name: 'text', type: 'choices', value: { choices: [value] }, ...extra });

// several page loads and reloads per test: on a busy machine they outlast the default minute
const SEVERAL_PAGES = { timeout: 150_000 };

describeE2E('predictions as starting points', () => {
  let s: Session;
  beforeEach(async () => {
    s = await openSession();
  });
  afterEach(async () => {
    await s?.close();
  });

  it('accepts a prediction into a new annotation, as is or changed', SEVERAL_PAGES, async () => {
    const { page, server } = s;
    const project = await makeProject(server, { config: CONFIG, title: 'Predicted', tasks: [{ text: TEXT }, { text: 'Another review.' }] });
    const [t1, t2] = project.taskIds;
    const predictionItem = item('Neutral', { id: 'pred-1', score: 0.75 });
    const predictions = await Promise.all(
      [t1, t2].map((task) => server.api('POST', '/api/predictions', { task, result: [predictionItem], score: 0.75, model_version: 'sentiment-v2' })),
    );
    expect(predictions.map((p) => p.status)).toEqual([201, 201]);

    await logIn(page, server);
    await page.goto(`${server.url}/projects/${project.id}/label`);
    const labeling = page.locator('.labeling');
    const list = page.getByRole('complementary', { name: 'Annotations of the task' });
    await labeling.getByText(TEXT).waitFor();

    // the prediction is a read-only starting point; accepted as is
    await list.getByRole('button', { name: /Prediction sentiment-v2/ }).click();
    const banner = labeling.getByRole('note');
    await banner.filter({ hasText: 'sentiment-v2' }).filter({ hasText: 'score 0.75' }).waitFor();
    expect(await labeling.getByLabel('Neutral').isChecked()).toBe(true);
    await screenshot(page, 'labeling-prediction');
    await banner.getByRole('button', { name: 'Accept prediction' }).click();
    await list.locator('[aria-current="true"]').filter({ hasText: 'New annotation from sentiment-v2' }).waitFor();
    // the untouched empty annotation the task opened with makes way for the accepted one
    expect(await list.locator('[data-entry^="new:"]').count()).toBe(1);
    expect(await labeling.getByLabel('Neutral').isChecked()).toBe(true);
    // accepted work is saved as a draft at once; after a reload it still knows its prediction
    await page.getByTestId('draft-status').filter({ hasText: 'Draft saved' }).waitFor();
    await page.reload();
    await list.locator('[aria-current="true"]').filter({ hasText: 'New annotation from sentiment-v2' }).waitFor();
    expect(await labeling.getByLabel('Neutral').isChecked()).toBe(true);
    await page.getByRole('button', { name: /Submit/ }).click();

    // on the next task: accepted, then changed
    await labeling.getByText('Another review.').waitFor();
    await list.getByRole('button', { name: /Prediction sentiment-v2/ }).click();
    await labeling.getByRole('button', { name: 'Accept prediction' }).click();
    await labeling.getByLabel('Negative').click();
    await screenshot(page, 'labeling-prediction-changed');
    await page.getByRole('button', { name: /Submit/ }).click();
    await page.getByTestId('stream-done').waitFor();

    const annotationOf = async (taskId: number) => {
      const [a, ...more] = (await server.api('GET', `/api/tasks/${taskId}`)).body.annotations;
      expect(more).toEqual([]);
      return { result: a.result, parent_prediction: a.parent_prediction, was_cancelled: a.was_cancelled };
    };
    expect(await annotationOf(t1)).toEqual({ result: [{ ...predictionItem, origin: 'prediction' }], parent_prediction: predictions[0].body.id, was_cancelled: false });
    expect(await annotationOf(t2)).toEqual({ result: [item('Negative', { id: 'pred-1', origin: 'prediction-changed' })], parent_prediction: predictions[1].body.id, was_cancelled: false });
  });

  it('accepts a box predicted on an image, then moves it: the box becomes prediction-changed', SEVERAL_PAGES, async () => {
    const { page, server } = s;
    const config = `<View><Image name="image" value="$image"/><RectangleLabels name="box" toName="image"><Label value="Car" background="blue"/></RectangleLabels></View>`;
    // an image of a known size, inline, so the task needs no upload
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300"><rect width="400" height="300" fill="#8ab"/><rect x="40" y="60" width="120" height="120" fill="#246"/></svg>`;
    const image = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
    const project = await makeProject(server, { config, title: 'Boxes', tasks: [{ image }, { image }] });
    const box = { id: 'box-1', from_name: 'box', to_name: 'image', type: 'rectanglelabels', original_width: 400, original_height: 300, image_rotation: 0, value: { x: 10, y: 20, width: 30, height: 40, rotation: 0, rectanglelabels: ['Car'] } };
    const predictions = await Promise.all(project.taskIds.map((task) => server.api('POST', '/api/predictions', { task, result: [box], score: 0.9, model_version: 'boxes-v1' })));
    expect(predictions.map((p) => p.status)).toEqual([201, 201]);

    await logIn(page, server);
    await page.goto(`${server.url}/projects/${project.id}/label`);
    const labeling = page.locator('.labeling');
    const list = page.getByRole('complementary', { name: 'Annotations of the task' });
    const regions = labeling.locator('.lf-image-svg [data-region-id]');
    for (const [n, move] of [[0, false], [1, true]] as const) {
      await labeling.locator('.lf-image-svg').waitFor();
      await list.getByRole('button', { name: /Prediction boxes-v1/ }).click();
      await expect.poll(() => regions.count()).toBe(1);
      await labeling.getByRole('button', { name: 'Accept prediction' }).click();
      await list.locator('[aria-current="true"]').filter({ hasText: 'New annotation from boxes-v1' }).waitFor();
      if (move) {
        // drag the box by its middle 10 % of the image to the right
        const svgBox = (await labeling.locator('.lf-image-svg').boundingBox())!;
        const from = { x: svgBox.x + 0.25 * svgBox.width, y: svgBox.y + 0.4 * svgBox.height };
        await page.mouse.move(from.x, from.y);
        await page.mouse.down();
        await page.mouse.move(from.x + 0.1 * svgBox.width, from.y, { steps: 8 });
        await page.mouse.up();
        await screenshot(page, 'labeling-prediction-box-moved');
      }
      await page.getByRole('button', { name: /Submit/ }).click();
      await page.getByRole('status').filter({ hasText: `Task ${project.taskIds[n]} submitted.` }).waitFor();
    }

    const annotationOf = async (taskId: number) => {
      const [a] = (await server.api('GET', `/api/tasks/${taskId}`)).body.annotations;
      return { result: a.result, parent_prediction: a.parent_prediction };
    };
    expect(await annotationOf(project.taskIds[0])).toEqual({ result: [{ ...box, origin: 'prediction' }], parent_prediction: predictions[0].body.id });
    const moved = await annotationOf(project.taskIds[1]);
    expect(moved).toEqual({
      result: [{ ...box, origin: 'prediction-changed', value: { ...box.value, x: expect.closeTo(20, 0), y: expect.closeTo(20, 0) } }],
      parent_prediction: predictions[1].body.id,
    });
  });
});
