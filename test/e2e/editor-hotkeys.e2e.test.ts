import { afterEach, beforeEach, expect, it } from 'vitest';
import { screenshot, selectTextWithMouse } from './browser.js';
import { describeE2E, logIn, makeProject, openSession, type Session } from './harness.js';

// twelve labels, one with its own hotkey; choices with one of their own; a rating: the others are keyed as Label Studio does
const LETTERS = [...'ABCDEFGHIJKL'];
const CONFIG = `<View>
  <Labels name="label" toName="text">
    ${LETTERS.map((l) => (l === 'B' ? `<Label value="B" hotkey="q"/>` : `<Label value="${l}"/>`)).join('\n    ')}
  </Labels>
  <Text name="text" value="$text"/>
  <Choices name="mood" toName="text" choice="multiple" showInLine="true">
    <Choice value="Good"/>
    <Choice value="Bad" hotkey="shift+b"/>
    <Choice value="Meh"/>
  </Choices>
  <Rating name="stars" toName="text" maxRating="3"/>
</View>`;

const TEXT = 'Angela Merkel met Emmanuel Macron in Paris.';

const span = (text: string, label: string) => {
  const start = TEXT.indexOf(text);
  return { id: expect.any(String), from_name: 'label', to_name: 'text', type: 'labels', value: { start, end: start + text.length, text, labels: [label] }, origin: 'manual' };
};

describeE2E('the editor’s keyboard, as Label Studio defines it', () => {
  let s: Session;
  beforeEach(async () => {
    s = await openSession();
  });
  afterEach(async () => {
    await s?.close();
  });

  it('numbers choices and labels after the hotkeys the config names, picks them by key, and cycles, hides and unselects regions', async () => {
    const { page, server } = s;
    const project = await makeProject(server, { config: CONFIG, title: 'Keys', tasks: [{ text: TEXT }] });
    await logIn(page, server);
    await page.goto(`${server.url}/projects/${project.id}/label`);
    const text = page.locator('.lf-text[data-name="text"]');
    await text.waitFor();

    // named keys first (q for B, shift+b for Bad), then 1…9, 0, w, e, t for the rest in document order
    const labels = page.getByRole('group', { name: 'Labels label' });
    const shown = await labels.getByRole('button').evaluateAll((els) => els.map((el) => el.querySelector('kbd')?.textContent));
    expect(shown).toEqual(['1', 'q', '2', '3', '4', '5', '6', '7', '8', '9', '0', 'w']);
    const choiceKeys = await page.locator('.lf-choices[data-name="mood"] .lf-choice kbd').allTextContents();
    expect(choiceKeys).toEqual(['e', 'shift+b', 't']);
    expect(await page.locator('.lf-rating[data-name="stars"] kbd').textContent()).toBe('a');
    // showInLine: the choices sit on one row
    const tops = await page.locator('.lf-choices[data-name="mood"] .lf-choice').evaluateAll((els) => els.map((el) => Math.round(el.getBoundingClientRect().top)));
    expect(new Set(tops).size).toBe(1);

    const label = (name: string) => labels.getByRole('button', { name: new RegExp(`^${name}`) });
    await page.keyboard.press('w');
    expect(await label('L').getAttribute('aria-pressed')).toBe('true');
    await selectTextWithMouse(page, text, TEXT.indexOf('Angela Merkel'), TEXT.indexOf('Angela Merkel') + 'Angela Merkel'.length);
    // overlapping spans: one that starts inside the first, and one nested in it
    await page.keyboard.press('q');
    expect(await label('B').getAttribute('aria-pressed')).toBe('true');
    await selectTextWithMouse(page, text, TEXT.indexOf('Merkel met Emmanuel'), TEXT.indexOf('Merkel met Emmanuel') + 'Merkel met Emmanuel'.length);
    await page.keyboard.press('0');
    await selectTextWithMouse(page, text, TEXT.indexOf('met'), TEXT.indexOf('met') + 'met'.length);
    const rows = page.locator('.lf-regions li');
    await expect.poll(() => rows.count()).toBe(3);
    // every character keeps its own set of spans: "Merkel" is under L and B, "met" under B and K
    const spansOver = (word: string) => text.locator('.lf-span', { hasText: new RegExp(`^${word}$`) }).first();
    await expect.poll(async () => (await spansOver('Merkel').getAttribute('style')) ?? '').toContain('inset');
    await expect.poll(async () => (await spansOver('met').getAttribute('style')) ?? '').toContain('inset');

    await page.keyboard.press('e');
    await page.keyboard.press('Shift+B');
    await page.keyboard.press('t');
    await page.keyboard.press('t');
    expect(await page.getByLabel('Good').isChecked()).toBe(true);
    expect(await page.getByLabel('Bad').isChecked()).toBe(true);
    expect(await page.getByLabel('Meh').isChecked()).toBe(false);
    // the rating's key steps it up a star, and past the last back to none
    for (let i = 0; i < 6; i++) await page.keyboard.press('a'); // 1, 2, 3, none, 1, 2
    await expect.poll(() => page.getByRole('radiogroup', { name: 'Rating stars' }).getByRole('radio', { checked: true }).getAttribute('aria-label')).toBe('2 of 3');

    // Alt+. selects the regions in turn, Alt+H hides the selected one, U unselects
    const selectedRow = () => rows.evaluateAll((els) => els.findIndex((el) => el.classList.contains('lf-region-selected')));
    await page.keyboard.press('Alt+Period');
    await expect.poll(selectedRow).toBe(0);
    await page.keyboard.press('Alt+Period');
    await expect.poll(selectedRow).toBe(1);
    await page.keyboard.press('Alt+h');
    await expect.poll(() => rows.nth(1).getAttribute('data-hidden')).toBe('true');
    await screenshot(page, 'editor-hotkeys-overlapping-spans');
    await page.keyboard.press('u');
    await expect.poll(selectedRow).toBe(-1);
    await page.keyboard.press('Alt+Period');
    await page.keyboard.press('Alt+Period');
    await page.keyboard.press('Alt+Period');
    await page.keyboard.press('Alt+Period');
    await expect.poll(selectedRow).toBe(0);
    // with a region selected, a label key relabels it
    await page.keyboard.press('1');
    await expect.poll(() => rows.nth(0).locator('strong').textContent()).toBe('A');
    await page.keyboard.press('Escape');

    await page.keyboard.press('Control+Enter');
    await page.getByTestId('stream-done').waitFor();
    const task = (await server.api('GET', `/api/tasks/${project.taskIds[0]}`)).body;
    expect(task.annotations[0].result).toEqual([
      span('Angela Merkel', 'A'),
      span('Merkel met Emmanuel', 'B'),
      span('met', 'K'),
      { id: expect.any(String), from_name: 'mood', to_name: 'text', type: 'choices', value: { choices: ['Good', 'Bad'] }, origin: 'manual' },
      { id: expect.any(String), from_name: 'stars', to_name: 'text', type: 'rating', value: { rating: 2 }, origin: 'manual' },
    ]);
  });

  it('skips the task with Ctrl+Space', async () => {
    const { page, server } = s;
    const project = await makeProject(server, { config: CONFIG, title: 'Skip by key', tasks: [{ text: TEXT }, { text: 'The second task.' }] });
    await logIn(page, server);
    await page.goto(`${server.url}/projects/${project.id}/label`);
    const labeling = page.locator('.labeling');
    await labeling.getByText(TEXT).waitFor();
    await page.keyboard.press('Control+Space');
    await labeling.getByText('The second task.').waitFor();
    const task = (await server.api('GET', `/api/tasks/${project.taskIds[0]}`)).body;
    expect(task.annotations).toMatchObject([{ was_cancelled: true, result: [] }]);
  });
});
