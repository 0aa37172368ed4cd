import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { screenshot } from './browser.js';
import { TEMPLATES } from '../../src/web/pages/create-project/templates.js';
import type { E2EServer } from './harness.js';
import { makePng, makeSineWav } from './media-files.js';

/**
 * The steps a new user takes from an empty server to exported labels, all in the browser:
 * create a project from the gallery, drop files in the import dialog, label in the stream, export.
 */

export interface DroppedFile {
  name: string;
  type: string;
  bytes: Buffer;
}

export const jsonFile = (name: string, items: unknown[]): DroppedFile => ({ name, type: 'application/json', bytes: Buffer.from(JSON.stringify(items)) });

/** A CSV with a header row; every field quoted, so commas and quotes in texts survive. */
export function csvFile(name: string, rows: Record<string, string>[]): DroppedFile {
  const keys = Object.keys(rows[0]);
  const quote = (v: string) => `"${v.replaceAll('"', '""')}"`;
  const lines = [keys.map(quote).join(','), ...rows.map((r) => keys.map((k) => quote(r[k])).join(','))];
  return { name, type: 'text/csv', bytes: Buffer.from(lines.join('\n') + '\n') };
}

/** An RGB PNG of a known size (see makePng), as a dropped file. */
export const pngFile = (name: string, width: number, height: number): DroppedFile => ({ name, type: 'image/png', bytes: makePng(width, height) });

/** A mono 16-bit PCM WAV: a 440 Hz tone of `seconds`, as a dropped file. */
export const wavFile = (name: string, seconds: number): DroppedFile => ({ name, type: 'audio/wav', bytes: makeSineWav(seconds) });

/** Drops files (binary too) on an element through a real DataTransfer, as a drag from the desktop does. */
export async function dropBinaryFiles(page: Page, target: Locator, files: DroppedFile[]): Promise<void> {
  const list = files.map((f) => ({ name: f.name, type: f.type, base64: f.bytes.toString('base64') }));
  const transfer = await page.evaluateHandle((items) => {
    const dt = new DataTransfer();
    for (const f of items) {
      const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], f.name, { type: f.type }));
    }
    return dt;
  }, list);
  await target.dispatchEvent('dragenter', { dataTransfer: transfer });
  await target.dispatchEvent('dragover', { dataTransfer: transfer });
  await target.dispatchEvent('drop', { dataTransfer: transfer });
}

/** Numbered screenshots per template, so the folder reads in the order a person went. */
export function shooter(page: Page, prefix: string): (step: string) => Promise<void> {
  let n = 0;
  return (step) => screenshot(page, `template-${prefix}-${++n}-${step}`);
}

/** From the projects page: name the project, pick the template in the gallery, create it; returns its id. */
export async function createProjectFromGallery(page: Page, name: string, template: string, shot?: (step: string) => Promise<void>): Promise<number> {
  await page.getByRole('link', { name: 'Create project' }).first().click();
  await page.getByLabel('Project name').fill(name);
  // a card's name is its group, title and description
  const card = page.getByRole('radiogroup', { name: 'Templates' }).getByRole('radio', { name: template });
  await card.click();
  expect(await card.getAttribute('aria-checked')).toBe('true');
  // the card put its config in the XML editor, as the gallery defines it
  const config = TEMPLATES.find((t) => t.title === template)?.config;
  expect(config, `a template titled ${template}`).toBeDefined();
  expect(await page.getByLabel('Labeling config (XML)').inputValue()).toBe(config);
  await page.getByText('The config is valid.').waitFor();
  await shot?.('create');
  await page.getByRole('button', { name: 'Create project' }).click();
  await page.waitForURL(/\/projects\/\d+\/data/);
  return Number(/\/projects\/(\d+)\/data/.exec(page.url())![1]);
}

/** The import dialog the new project opens with: drop the files, wait for the server's count, close it. */
export async function importByDrop(page: Page, files: DroppedFile[], taskCount: number, shot?: (step: string) => Promise<void>): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'Import data' });
  await dialog.waitFor();
  await dropBinaryFiles(page, dialog.getByTestId('dropzone'), files);
  const outcomes = dialog.locator('.upload-outcome');
  await expect.poll(() => outcomes.allTextContents()).toEqual(files.map(() => expect.stringMatching(/^Imported \d+ tasks?$/)));
  const imported = (await outcomes.allTextContents()).reduce((sum, t) => sum + Number(/\d+/.exec(t)![0]), 0);
  expect(imported).toBe(taskCount);
  await shot?.('imported');
  await dialog.getByRole('button', { name: 'Done' }).click();
  await dialog.waitFor({ state: 'detached' });
  await expect.poll(() => page.getByRole('table', { name: 'Tasks' }).getByRole('row').count()).toBe(taskCount + 1);
}

/** From the Data Manager into the stream; resolves once the first task is in the editor. */
export async function openStream(page: Page): Promise<Locator> {
  await page.getByRole('link', { name: 'Label all tasks' }).click();
  const labeling = page.locator('.labeling');
  await labeling.waitFor();
  return labeling;
}

/** Waits for the stream to move past `taskId` (the next task, or the end). */
export async function waitPastTask(page: Page, taskId: number): Promise<void> {
  await expect.poll(async () => (await page.getByTestId('stream-done').count()) > 0 || (await page.locator('.labeling').getAttribute('data-task-id').catch(() => null)) !== String(taskId)).toBe(true);
}

/** The task the stream shows now. */
export async function currentTaskId(page: Page): Promise<number> {
  return Number(await page.locator('.labeling').getAttribute('data-task-id'));
}

export interface StoredTask {
  id: number;
  data: Record<string, unknown>;
  annotations: { id: number; result: unknown[]; was_cancelled: boolean }[];
}

/** What the server stored for a task, read back through the API. */
export async function storedTask(server: E2EServer, taskId: number): Promise<StoredTask> {
  const res = await server.api<StoredTask>('GET', `/api/tasks/${taskId}`);
  expect(res.status).toBe(200);
  return res.body;
}

/** From the end of the stream to the Data Manager, then the export dialog: JSON, downloaded and parsed. */
export async function exportJsonInBrowser(page: Page, projectId: number, shot?: (step: string) => Promise<void>): Promise<StoredTask[]> {
  await page.getByTestId('stream-done').getByRole('link', { name: 'Back to the Data Manager' }).click();
  await page.getByRole('table', { name: 'Tasks' }).waitFor();
  await page.getByRole('button', { name: 'Export' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export data' });
  await dialog.locator('input[value="JSON"]').check();
  await shot?.('export');
  const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Export' }).click()]);
  expect(download.suggestedFilename()).toMatch(new RegExp(`^project-${projectId}-at-.*\\.json$`));
  const chunks: Buffer[] = [];
  for await (const c of await download.createReadStream()) chunks.push(Buffer.from(c as Buffer));
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as StoredTask[];
}

/** The exported task must carry the very annotation the API shows. */
export function expectExported(exported: StoredTask[], stored: StoredTask): void {
  const task = exported.find((t) => t.id === stored.id);
  expect(task, `task ${stored.id} in the export`).toBeDefined();
  expect(task!.data).toEqual(stored.data);
  expect(task!.annotations.map((a) => ({ id: a.id, result: a.result }))).toEqual(stored.annotations.map((a) => ({ id: a.id, result: a.result })));
}

/** |actual − v| < 0.5 (percentage points, for coordinates in percent of the image) */
export const near = (v: number) => expect.closeTo(v, 0);

/** Waits until the task's image is drawn at its original size, as the toolbar reports it. */
export async function waitForImage(page: Page, width: number, height: number): Promise<void> {
  await page.locator('.lf-image-svg').waitFor();
  await expect.poll(() => page.locator('.lf-image-size').textContent()).toBe(`${width} × ${height}`);
}

/** Screen coordinates of a point given in percent of the image, from where the image is drawn now. */
export async function onImage(page: Page, x: number, y: number): Promise<{ x: number; y: number }> {
  const box = (await page.locator('.lf-image-svg').boundingBox())!;
  return { x: box.x + (x / 100) * box.width, y: box.y + (y / 100) * box.height };
}

export async function dragOnImage(page: Page, from: [number, number], to: [number, number]): Promise<void> {
  const a = await onImage(page, ...from);
  const b = await onImage(page, ...to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 10 });
  await page.mouse.up();
}

export async function clickOnImage(page: Page, x: number, y: number): Promise<void> {
  const p = await onImage(page, x, y);
  await page.mouse.click(p.x, p.y);
}
