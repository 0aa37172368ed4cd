import { afterEach, beforeEach, expect, it } from 'vitest';
import { screenshot, selectTextWithMouse } from './browser.js';
import { describeE2E, logIn, makeProject, openSession, type Session } from './harness.js';

const NER_CONFIG = `<View>
  <Labels name="label" toName="text">
    <Label value="PER" background="red"/>
    <Label value="ORG" background="darkorange"/>
    <Label value="LOC" background="orange"/>
  </Labels>
  <Text name="text" value="$text"/>
</View>`;

// an emoji (two UTF-16 units) and a line break before the spans: offsets must count as Label Studio's editor does
const TEXT = 'Née 🙂 à Zürich.\nAngela Merkel met Emmanuel Macron in Paris.';

const span = (text: string, label: string) => {
  const start = TEXT.indexOf(text);
  return { id: expect.any(String), from_name: 'label', to_name: 'text', type: 'labels', value: { start, end: start + text.length, text, labels: [label] }, origin: 'manual' };
};

describeE2E('named entities selected with the mouse', () => {
  let s: Session;
  beforeEach(async () => {
    s = await openSession();
  });
  afterEach(async () => {
    await s?.close();
  });

  it('stores spans with Label Studio character offsets and labels', async () => {
    const { page, server } = s;
    const project = await makeProject(server, { config: NER_CONFIG, title: 'Entities', tasks: [{ text: TEXT }] });
    await logIn(page, server);
    await page.goto(`${server.url}/projects/${project.id}/label`);
    const text = page.locator('.lf-text[data-name="text"]');
    await text.waitFor();

    // PER by clicking the label, LOC by its hotkey (3)
    const labels = page.getByRole('group', { name: 'Labels label' });
    await labels.getByRole('button', { name: /^PER/ }).click();
    await selectTextWithMouse(page, text, TEXT.indexOf('Angela Merkel'), TEXT.indexOf('Angela Merkel') + 'Angela Merkel'.length);
    await page.locator('.lf-regions li').first().waitFor();
    await page.keyboard.press('3');
    expect(await labels.getByRole('button', { name: /^LOC/ }).getAttribute('aria-pressed')).toBe('true');
    expect(await labels.getByRole('button', { name: /^PER/ }).getAttribute('aria-pressed')).toBe('false');
    await selectTextWithMouse(page, text, TEXT.indexOf('Paris'), TEXT.indexOf('Paris') + 'Paris'.length);
    await expect.poll(() => page.locator('.lf-regions li').count()).toBe(2);
    await screenshot(page, 'ner-spans');

    await page.keyboard.press('Control+Enter');
    await page.getByTestId('stream-done').waitFor();

    const task = (await server.api('GET', `/api/tasks/${project.taskIds[0]}`)).body;
    expect(task.annotations).toHaveLength(1);
    expect(task.annotations[0].result).toEqual([span('Angela Merkel', 'PER'), span('Paris', 'LOC')]);
  });
});
