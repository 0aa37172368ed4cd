import type { Page } from 'playwright-core';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { screenshot, selectTextWithMouse } from './browser.js';
import { openTask, submitAndReadResult, svgImage } from './editor-helpers.js';
import { describeE2E, logIn, makeProject, openSession, type Session } from './harness.js';

const NER = `<View>
  <Labels name="label" toName="text"><Label value="PER"/><Label value="LOC"/></Labels>
  <Text name="text" value="$text"/>
  <Choices name="confidence" toName="text" perRegion="true" required="true"><Choice value="Sure"/><Choice value="Unsure"/></Choices>
  <TextArea name="note" toName="text" perRegion="true" placeholder="Note on the span"/>
  <Rating name="quality" toName="text" perRegion="true"/>
  <Number name="weight" toName="text" perRegion="true" placeholder="Weight"/>
</View>`;

const BOXES = `<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="box" toName="image"><Label value="Car"/></RectangleLabels>
  <Choices name="color" toName="image" perRegion="true"><Choice value="Red"/><Choice value="Blue"/></Choices>
</View>`;

const TEXT = 'Alice flew to Paris.';

/** Screen coordinates of a point in percent of the drawn image. */
async function at(page: Page, x: number, y: number): Promise<{ x: number; y: number }> {
  const box = (await page.locator('.lf-image-svg').boundingBox())!;
  return { x: box.x + (x / 100) * box.width, y: box.y + (y / 100) * box.height };
}

async function drag(page: Page, from: [number, number], to: [number, number]): Promise<void> {
  const a = await at(page, ...from);
  const b = await at(page, ...to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 8 });
  await page.mouse.up();
}

const near = (v: number) => expect.closeTo(v, 0);

describeE2E('the region list and per-region attributes', () => {
  let s: Session;
  beforeEach(async () => {
    s = await openSession();
  });
  afterEach(async () => {
    await s?.close();
  });

  it('sets per-region choices, text, rating and number on spans, hides one, and stores them as Label Studio does', { timeout: 120_000 }, async () => {
    const { page, server } = s;
    const project = await makeProject(server, { config: NER, title: 'NER with attributes', tasks: [{ text: TEXT }] });
    const taskId = project.taskIds[0];
    await logIn(page, server);
    await openTask(page, server, project.id, taskId);
    const text = page.locator('.lf-text[data-name="text"]');

    // without a selected region the per-region controls only say what they are for
    expect(await page.locator('.lf-per-region-hint').allTextContents()).toEqual(['Select a region to set confidence.', 'Select a region to set note.', 'Select a region to set quality.', 'Select a region to set weight.']);

    await page.keyboard.press('1');
    await selectTextWithMouse(page, text, 0, 5);
    await page.keyboard.press('2');
    await selectTextWithMouse(page, text, 14, 19);
    const rows = page.getByRole('region', { name: 'Regions' }).locator('li');
    await expect.poll(() => rows.count()).toBe(2);
    const ids = await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-region-id')!));
    const validation = page.getByTestId('validation');
    await expect.poll(() => validation.locator('li').allTextContents()).toEqual([
      `Choices "confidence" is required for region PER “Alice” (${ids[0]}).`,
      `Choices "confidence" is required for region LOC “Paris” (${ids[1]}).`,
    ]);

    // select Alice in the list: the attributes are hers
    await rows.nth(0).getByRole('button', { name: /^PER/ }).click();
    await page.getByLabel(/^Sure/).check();
    await page.getByLabel('Note on the span').fill('the pilot');
    await page.getByLabel('Note on the span').press('Enter');
    await page.getByRole('radio', { name: '4 of 5' }).click();
    await page.getByLabel('Weight').fill('2.5');
    await expect.poll(() => rows.nth(0).locator('.lf-region-attributes').textContent()).toBe('confidence: Sure · note: the pilot · quality: 4 · weight: 2.5');

    // Paris: its own, empty attributes
    await rows.nth(1).getByRole('button', { name: /^LOC/ }).click();
    expect(await page.getByLabel(/^Sure/).isChecked()).toBe(false);
    expect(await page.getByLabel('Weight').inputValue()).toBe('');
    await page.getByLabel(/^Unsure/).check();
    await expect.poll(() => validation.count()).toBe(0);

    // hide Alice: her span is no longer drawn, her row stays
    await rows.nth(0).getByRole('button', { name: 'Hide region PER' }).click();
    await expect.poll(() => text.locator(`[data-region-id="${ids[0]}"]`).count()).toBe(0);
    expect(await text.locator(`[data-region-id="${ids[1]}"]`).count()).toBe(1);
    expect(await rows.nth(0).getAttribute('data-hidden')).toBe('true');
    await screenshot(page, 'editor-regions-text');

    const alice = { start: 0, end: 5, text: 'Alice' };
    const common = { to_name: 'text', origin: 'manual' };
    // the hidden region is still submitted
    expect(await submitAndReadResult(page, server, taskId)).toEqual([
      { id: ids[0], from_name: 'label', type: 'labels', value: { ...alice, labels: ['PER'] }, ...common },
      { id: ids[1], from_name: 'label', type: 'labels', value: { start: 14, end: 19, text: 'Paris', labels: ['LOC'] }, ...common },
      { id: ids[0], from_name: 'confidence', type: 'choices', value: { ...alice, choices: ['Sure'] }, ...common },
      // as in Label Studio, a per-region text area's `text` takes the place of the span's text
      { id: ids[0], from_name: 'note', type: 'textarea', value: { start: 0, end: 5, text: ['the pilot'] }, ...common },
      { id: ids[0], from_name: 'quality', type: 'rating', value: { ...alice, rating: 4 }, ...common },
      { id: ids[0], from_name: 'weight', type: 'number', value: { ...alice, number: 2.5 }, ...common },
      { id: ids[1], from_name: 'confidence', type: 'choices', value: { start: 14, end: 19, text: 'Paris', choices: ['Unsure'] }, ...common },
    ]);
  });

  it('keeps a box’s per-region choice with its geometry through moves, undo and redo', { timeout: 120_000 }, async () => {
    const { page, server } = s;
    const project = await makeProject(server, { config: BOXES, title: 'Boxes with attributes', tasks: [{ image: svgImage(400, 200) }] });
    const taskId = project.taskIds[0];
    await logIn(page, server);
    await openTask(page, server, project.id, taskId);
    await expect.poll(() => page.locator('.lf-image-size').textContent()).toBe('400 × 200');
    const shapes = page.locator('.lf-image-svg [data-region-id]');
    const undo = page.getByRole('button', { name: 'Undo' });
    const redo = page.getByRole('button', { name: 'Redo' });

    await page.getByRole('group', { name: 'RectangleLabels box' }).getByRole('button', { name: /^Car/ }).click();
    await drag(page, [10, 10], [30, 50]);
    await expect.poll(() => shapes.count()).toBe(1);
    // selecting is not an undo step: undo after a click on the box removes the box itself
    await drag(page, [20, 30], [20, 30]);
    await page.locator('.lf-region-active').waitFor();
    await undo.click();
    await expect.poll(() => shapes.count()).toBe(0);
    await redo.click();
    await expect.poll(() => shapes.count()).toBe(1);

    // select it, pick a colour, then move it 40 points right: the colour's result moves along
    await drag(page, [20, 30], [20, 30]);
    await page.getByLabel('Blue').check();
    await drag(page, [20, 30], [60, 30]);
    const x = await shapes.first().locator('rect').getAttribute('x');
    expect(Number(x)).toBeCloseTo(200, -1);

    // undo the move (the box goes back), redo it (it comes back)
    await page.keyboard.press('Control+z');
    await expect.poll(async () => Number(await shapes.first().locator('rect').getAttribute('x'))).toBeCloseTo(40, -1);
    await page.keyboard.press('Control+Shift+Z');
    await expect.poll(async () => Number(await shapes.first().locator('rect').getAttribute('x'))).toBeCloseTo(200, -1);

    // hidden boxes are not drawn
    const row = page.getByRole('region', { name: 'Regions' }).locator('li').first();
    await row.getByRole('button', { name: 'Hide region Car' }).click();
    await expect.poll(() => shapes.count()).toBe(0);
    await screenshot(page, 'editor-regions-image-hidden');
    await row.getByRole('button', { name: 'Show region Car' }).click();
    await expect.poll(() => shapes.count()).toBe(1);
    await page.getByRole('button', { name: 'Hide all' }).click();
    await expect.poll(() => shapes.count()).toBe(0);
    await page.getByRole('button', { name: 'Show all' }).click();
    await expect.poll(() => shapes.count()).toBe(1);
    await screenshot(page, 'editor-regions-image');

    const geometry = { x: near(50), y: near(10), width: near(20), height: near(40), rotation: 0 };
    const size = { original_width: 400, original_height: 200, image_rotation: 0 };
    const id = await shapes.first().getAttribute('data-region-id');
    expect(await submitAndReadResult(page, server, taskId)).toEqual([
      { id, from_name: 'box', to_name: 'image', type: 'rectanglelabels', ...size, value: { ...geometry, rectanglelabels: ['Car'] }, origin: 'manual' },
      { id, from_name: 'color', to_name: 'image', type: 'choices', ...size, value: { ...geometry, choices: ['Blue'] }, origin: 'manual' },
    ]);
  });
});
