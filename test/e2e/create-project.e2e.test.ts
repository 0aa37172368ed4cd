import { afterEach, beforeEach, expect, it } from 'vitest';
import { screenshot } from './browser.js';
import { describeE2E, logIn, openSession, type Session } from './harness.js';
import { csvFile, dropBinaryFiles, jsonFile } from './template-helpers.js';
import { TEMPLATES } from '../../src/web/pages/create-project/templates.js';

/** The `name`s a config gives its tags: each one must show in the preview. */
function namedTags(config: string): { tag: string; name: string }[] {
  return [...config.matchAll(/<(\w+)\s[^>]*\bname="([^"]+)"/g)].map((m) => ({ tag: m[1], name: m[2] }));
}

describeE2E('creating a project', () => {
  let s: Session;
  beforeEach(async () => {
    s = await openSession();
  });
  afterEach(async () => {
    await s?.close();
  });

  it('previews every gallery template on a sample task, each of its named tags shown and none unsupported', async () => {
    const { page, server } = s;
    await logIn(page, server);
    await page.getByRole('link', { name: 'Create project' }).first().click();
    const cards = page.getByRole('radiogroup', { name: 'Templates' }).getByRole('radio');
    // the page's chunk loads after the click (routes are lazy): count once the gallery is there
    await expect.poll(() => cards.count()).toBe(TEMPLATES.length);
    const preview = page.getByLabel('Preview');
    for (const [i, template] of TEMPLATES.entries()) {
      await cards.nth(i).click();
      await expect.poll(() => page.getByLabel('Labeling config (XML)').inputValue()).toBe(template.config);
      await page.getByText('The config is valid.').waitFor();
      // the preview follows the XML a moment later: wait for this template's tags, none unsupported, media loaded
      const state = async () => ({
        missing: (await Promise.all(namedTags(template.config).map(async ({ tag, name }) => ((await preview.locator(`[data-name="${name}"]`).count()) ? null : `<${tag} name="${name}">`)))).filter(Boolean),
        unsupported: await preview.locator('.lf-unsupported, .lf-config-error').count(),
        // the sample image has its size, the sample audio its length
        imageSized: !template.config.includes('<Image') || (await preview.getByText('320 × 200').count()) > 0,
        audioLoaded: !template.config.includes('<Audio') || (await preview.getByText('/ 0:01.0').count()) > 0,
      });
      await expect.poll(state, { message: template.title, timeout: 15_000 }).toEqual({ missing: [], unsupported: 0, imageSized: true, audioLoaded: true });
      await screenshot(page, `create-project-preview-${template.id}`);
    }
  });

  it('shows the server’s verdict on each dropped file inline, with progress, and imports the files it accepts', async () => {
    const { page, server } = s;
    await logIn(page, server);
    await page.getByRole('link', { name: 'Create project' }).first().click();
    await page.getByLabel('Project name').fill('Dropped files');
    await page.getByRole('button', { name: 'Create project' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import data' });
    await dialog.waitFor();
    const projectId = Number(/\/projects\/(\d+)\/data/.exec(page.url())![1]);

    const broken = { name: 'broken.json', type: 'application/json', bytes: Buffer.from('[{"text": "never closed"') };
    await dropBinaryFiles(page, dialog.getByTestId('dropzone'), [jsonFile('good.json', [{ text: 'one' }, { text: 'two' }]), broken, csvFile('more.csv', [{ text: 'three' }])]);
    const rows = dialog.getByRole('list', { name: 'Uploads' }).getByRole('listitem');
    await expect.poll(() => rows.locator('.upload-outcome').allTextContents()).toEqual(['Imported 2 tasks', expect.stringContaining('JSON'), 'Imported 1 task']);
    // the refusal is the server's own message, as an alert on its row; the others show full progress bars
    const refusal = rows.nth(1).getByRole('alert');
    expect(await refusal.textContent()).toMatch(/parse/i);
    expect(await rows.nth(0).locator('progress').evaluate((p) => (p as HTMLProgressElement).value)).toBe(1);
    expect(await rows.nth(2).locator('progress').evaluate((p) => (p as HTMLProgressElement).value)).toBe(1);
    await screenshot(page, 'create-project-import-errors');

    await dialog.getByRole('button', { name: 'Done' }).click();
    const tasks = await server.api<{ tasks: { data: { text: string } }[] }>('GET', `/api/tasks?project=${projectId}`);
    expect(tasks.body.tasks.map((t) => t.data.text).sort()).toEqual(['one', 'three', 'two']);
  });
});
