import { afterEach, beforeEach, expect, it } from 'vitest';
import { screenshot } from './browser.js';
import { openTask, submitAndReadResult } from './editor-helpers.js';
import { describeE2E, logIn, makeProject, openSession, type Session } from './harness.js';

const CONTROLS = `<View>
  <Text name="text" value="$text"/>
  <Number name="count" toName="text" min="0" max="10" step="1" required="true" placeholder="How many animals?"/>
  <Taxonomy name="topic" toName="text" required="true" showFullPath="true">
    <Choice value="Animals">
      <Choice value="Mammals"><Choice value="Cats"/><Choice value="Dogs"/></Choice>
      <Choice value="Birds"/>
    </Choice>
    <Choice value="Plants"><Choice value="Trees" alias="tree"/></Choice>
  </Taxonomy>
  <Choices name="sentiment" toName="text" required="true" showInLine="true">
    <Choice value="Positive"/><Choice value="Negative"/>
  </Choices>
</View>`;

const HTML_CONFIG = `<View>
  <HyperText name="page" value="$html"/>
  <Choices name="verdict" toName="page"><Choice value="Fine"/></Choices>
</View>`;

/** Every way task HTML could try to run code; each would set window.__pwned. */
const HOSTILE_HTML = [
  '<h2>Safe heading</h2>',
  '<p>Harmless <b>bold</b> and <a href="https://example.com/">a real link</a>.</p>',
  `<script>window.__pwned = 'script'</script>`,
  `<img id="broken" src="/no-such-image.png" onerror="window.__pwned = 'img'">`,
  `<a id="js-link" href="javascript:window.__pwned = 'link'">click me</a>`,
  `<button id="inline" onclick="window.__pwned = 'click'">Press</button>`,
  `<div id="hover" onmouseover="window.__pwned = 'hover'">hover me</div>`,
  `<iframe srcdoc="<script>parent.__pwned = 'iframe'</script>"></iframe>`,
  `<svg><script>window.__pwned = 'svg'</script></svg>`,
  `<style>body { display: none }</style>`,
].join('\n');

const WITH_UNSUPPORTED = `<View>
  <Video name="video" value="$video"/>
  <Text name="text" value="$text"/>
  <Choices name="ok" toName="text"><Choice value="Yes"/></Choices>
  <TimeSeries name="ts" value="$ts"><Channel column="value"/></TimeSeries>
</View>`;

describeE2E('Number, Taxonomy, HyperText, undo and redo, required controls', () => {
  let s: Session;
  beforeEach(async () => {
    s = await openSession();
  });
  afterEach(async () => {
    await s?.close();
  });

  it('types a number, picks taxonomy paths, undoes and redoes, and stores Label Studio’s JSON', { timeout: 120_000 }, async () => {
    const { page, server } = s;
    const project = await makeProject(server, { config: CONTROLS, title: 'Controls', tasks: [{ text: 'Two cats and a dog under a tree.' }] });
    const taskId = project.taskIds[0];
    await logIn(page, server);
    await openTask(page, server, project.id, taskId);

    // the three required controls are listed until they are filled
    const validation = page.getByTestId('validation');
    await expect.poll(() => validation.locator('li').allTextContents()).toEqual(['Number "count" is required.', 'Taxonomy "topic" is required.', 'Choices "sentiment" is required.']);

    // a number above max is refused, one inside is stored
    const count = page.getByLabel('How many animals?');
    await count.fill('42');
    await page.getByText('At most 10.').waitFor();
    await count.fill('3');
    await expect.poll(() => page.getByText('At most 10.').count()).toBe(0);

    // search finds Cats under Animals / Mammals; picking it stores the path
    await page.getByLabel('Search topic').fill('cat');
    const tree = page.getByRole('tree', { name: 'Taxonomy topic' });
    await tree.getByLabel('Cats').check();
    await page.getByLabel('Search topic').fill('');
    await tree.getByRole('button', { name: 'Expand Plants' }).click();
    await tree.getByLabel('Trees').check();
    await tree.getByRole('button', { name: 'Expand Animals' }).click();
    await tree.getByLabel('Birds').check();
    const picked = page.getByRole('list', { name: 'Picked in topic' }).locator('li');
    await expect.poll(() => picked.allTextContents()).toEqual(['Animals / Mammals / Cats×', 'Plants / Trees×', 'Animals / Birds×']);
    await page.getByRole('button', { name: 'Remove Animals / Birds' }).click();
    await expect.poll(() => picked.count()).toBe(2);

    await page.getByLabel('Positive').check();
    await expect.poll(() => validation.count()).toBe(0);
    await screenshot(page, 'editor-controls');

    // undo takes back the choice, then the removal of Birds; redo brings both back
    const undo = page.getByRole('button', { name: 'Undo' });
    const redo = page.getByRole('button', { name: 'Redo' });
    await undo.click();
    await expect.poll(() => page.getByLabel('Positive').isChecked()).toBe(false);
    await expect.poll(() => validation.locator('li').allTextContents()).toEqual(['Choices "sentiment" is required.']);
    await page.keyboard.press('Control+z');
    await expect.poll(() => picked.count()).toBe(3);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => picked.count()).toBe(2);
    await redo.click();
    await expect.poll(() => page.getByLabel('Positive').isChecked()).toBe(true);
    expect(await redo.isDisabled()).toBe(true);
    // Ctrl+Y redoes too: undo the choice with the keyboard, redo it with Ctrl+Y
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.getByLabel('Positive').isChecked()).toBe(false);
    await page.keyboard.press('Control+y');
    await expect.poll(() => page.getByLabel('Positive').isChecked()).toBe(true);
    // undo reaches the typed number too
    await expect.poll(() => count.inputValue()).toBe('3');

    expect(await submitAndReadResult(page, server, taskId)).toEqual([
      { id: expect.any(String), from_name: 'count', to_name: 'text', type: 'number', value: { number: 3 }, origin: 'manual' },
      { id: expect.any(String), from_name: 'topic', to_name: 'text', type: 'taxonomy', value: { taxonomy: [['Animals', 'Mammals', 'Cats'], ['Plants', 'tree']] }, origin: 'manual' },
      { id: expect.any(String), from_name: 'sentiment', to_name: 'text', type: 'choices', value: { choices: ['Positive'] }, origin: 'manual' },
    ]);
  });

  it('names each unsupported tag and keeps the rest of the config working', { timeout: 120_000 }, async () => {
    const { page, server } = s;
    const project = await makeProject(server, { config: WITH_UNSUPPORTED, title: 'Unsupported', tasks: [{ video: '/v.mp4', text: 'Some text', ts: '/ts.csv' }] });
    const taskId = project.taskIds[0];
    await logIn(page, server);
    await openTask(page, server, project.id, taskId);
    expect(await page.locator('.lf-unsupported').allTextContents()).toEqual([
      'The tag <Video> (name="video") is not supported by this editor yet.',
      'The tag <TimeSeries> (name="ts") is not supported by this editor yet.',
    ]);
    await page.getByLabel(/^Yes/).check();
    await screenshot(page, 'editor-unsupported');
    expect(await submitAndReadResult(page, server, taskId)).toEqual([{ id: expect.any(String), from_name: 'ok', to_name: 'text', type: 'choices', value: { choices: ['Yes'] }, origin: 'manual' }]);
  });

  it('shows task HTML with every script, handler and javascript: URL removed', { timeout: 120_000 }, async () => {
    const { page, server } = s;
    const project = await makeProject(server, { config: HTML_CONFIG, title: 'HTML', tasks: [{ html: HOSTILE_HTML }] });
    const taskId = project.taskIds[0];
    await logIn(page, server);
    await openTask(page, server, project.id, taskId);

    const html = page.locator('.lf-hypertext');
    await html.getByRole('heading', { name: 'Safe heading' }).waitFor();
    expect(await html.locator('b').textContent()).toBe('bold');
    expect(await html.getByRole('link', { name: 'a real link' }).getAttribute('href')).toBe('https://example.com/');
    expect(await html.getByRole('link', { name: 'a real link' }).getAttribute('target')).toBe('_blank');
    expect(await html.locator('script, iframe, style, [onerror], [onclick], [onmouseover]').count()).toBe(0);
    expect(await html.locator('#js-link').getAttribute('href')).toBeNull();

    // the broken image has failed to load, and the inline handlers are gone: nothing set the flag
    await expect.poll(() => page.locator('#broken').evaluate((img: HTMLImageElement) => img.complete)).toBe(true);
    await html.locator('#js-link').click();
    await html.locator('#inline').click();
    await html.locator('#hover').hover();
    expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned ?? null)).toBeNull();
    expect(await page.locator('body').isVisible()).toBe(true);
    await screenshot(page, 'editor-hypertext');

    await page.getByLabel('Fine').check();
    expect(await submitAndReadResult(page, server, taskId)).toEqual([{ id: expect.any(String), from_name: 'verdict', to_name: 'page', type: 'choices', value: { choices: ['Fine'] }, origin: 'manual' }]);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned ?? null)).toBeNull();
  });
});
