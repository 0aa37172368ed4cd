import { afterEach, beforeEach, expect, it } from 'vitest';
import { selectTextWithMouse } from './browser.js';
import { describeE2E, logIn, openSession, type Session } from './harness.js';
import { createProjectFromGallery, csvFile, currentTaskId, expectExported, exportJsonInBrowser, importByDrop, jsonFile, openStream, shooter, storedTask, waitPastTask } from './template-helpers.js';

const manual = { id: expect.any(String), origin: 'manual' };

// a whole new-user path per test: generous on a loaded 2-core machine
describeE2E('text templates, from an empty server to exported labels in the browser', { timeout: 120_000 }, () => {
  let s: Session;
  beforeEach(async () => {
    s = await openSession();
  });
  afterEach(async () => {
    await s?.close();
  });

  it('Text Classification: a CSV of reviews, one sentiment clicked and one by hotkey', async () => {
    const { page, server } = s;
    const shot = shooter(page, 'text-classification');
    const reviews = [{ text: 'Great phone, the screen is "gorgeous", truly.' }, { text: 'The battery died after an hour.' }];
    await logIn(page, server);
    const projectId = await createProjectFromGallery(page, 'Reviews', 'Text Classification', shot);
    await importByDrop(page, [csvFile('reviews.csv', reviews)], 2, shot);

    const labeling = await openStream(page);
    await labeling.getByText(reviews[0].text).waitFor();
    const first = await currentTaskId(page);
    await labeling.getByLabel('Positive').click();
    await shot('positive-clicked');
    await page.getByRole('button', { name: /Submit/ }).click();
    await waitPastTask(page, first);

    await labeling.getByText(reviews[1].text).waitFor();
    const second = await currentTaskId(page);
    await page.keyboard.press('2');
    await expect.poll(() => labeling.getByLabel('Negative').isChecked()).toBe(true);
    await shot('negative-by-hotkey');
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('stream-done').waitFor();

    const choice = (value: string) => ({ ...manual, from_name: 'sentiment', to_name: 'text', type: 'choices', value: { choices: [value] } });
    const stored = [await storedTask(server, first), await storedTask(server, second)];
    expect(stored.map((t) => t.data)).toEqual(reviews);
    expect(stored.map((t) => t.annotations.map((a) => a.result))).toEqual([[[choice('Positive')]], [[choice('Negative')]]]);

    const exported = await exportJsonInBrowser(page, projectId, shot);
    expect(exported).toHaveLength(2);
    for (const t of stored) expectExported(exported, t);
  });

  it('Named Entity Recognition: spans selected with the mouse, labels picked by click and hotkey', async () => {
    const { page, server } = s;
    const shot = shooter(page, 'ner');
    const TEXT = 'Angela Merkel met Emmanuel Macron in Paris, then flew to Berlin with Lufthansa.';
    await logIn(page, server);
    const projectId = await createProjectFromGallery(page, 'Entities', 'Named Entity Recognition', shot);
    await importByDrop(page, [jsonFile('news.json', [{ text: TEXT }])], 1, shot);

    const labeling = await openStream(page);
    const text = labeling.locator('.lf-text[data-name="text"]');
    await text.getByText(/Angela Merkel/).waitFor();
    const taskId = await currentTaskId(page);
    const labels = labeling.getByRole('group', { name: 'Labels label' });
    const select = (part: string) => selectTextWithMouse(page, text, TEXT.indexOf(part), TEXT.indexOf(part) + part.length);

    await labels.getByRole('button', { name: /^PER/ }).click();
    await select('Emmanuel Macron');
    await expect.poll(() => labeling.locator('.lf-regions li').count()).toBe(1);
    await page.keyboard.press('3'); // LOC
    await expect.poll(() => labels.getByRole('button', { name: /^LOC/ }).getAttribute('aria-pressed')).toBe('true');
    await select('Berlin');
    await page.keyboard.press('2'); // ORG
    await select('Lufthansa');
    await expect.poll(() => labeling.locator('.lf-regions li').count()).toBe(3);
    await shot('spans');
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('stream-done').waitFor();

    const span = (part: string, label: string) => {
      const start = TEXT.indexOf(part);
      return { ...manual, from_name: 'label', to_name: 'text', type: 'labels', value: { start, end: start + part.length, text: part, labels: [label] } };
    };
    const stored = await storedTask(server, taskId);
    expect(stored.annotations).toHaveLength(1);
    expect(stored.annotations[0].result).toEqual([span('Emmanuel Macron', 'PER'), span('Berlin', 'LOC'), span('Lufthansa', 'ORG')]);

    expectExported(await exportJsonInBrowser(page, projectId, shot), stored);
  });

  it('LLM Response Rating: stars clicked and a reason typed', async () => {
    const { page, server } = s;
    const shot = shooter(page, 'llm-rating');
    const item = { prompt: 'What is the capital of Australia?', response: 'Sydney is the capital of Australia.' };
    await logIn(page, server);
    const projectId = await createProjectFromGallery(page, 'LLM answers', 'LLM Response Rating', shot);
    await importByDrop(page, [jsonFile('answers.json', [item])], 1, shot);

    const labeling = await openStream(page);
    await labeling.getByText(item.response).waitFor();
    const taskId = await currentTaskId(page);
    await labeling.getByRole('radio', { name: '2 of 5' }).click();
    const reason = labeling.getByLabel('Why this rating?');
    await reason.click();
    await page.keyboard.type('Wrong: it is Canberra.');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Confident tone');
    await shot('rated');
    // the half-typed line goes with the submit, as in Label Studio
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('stream-done').waitFor();

    const stored = await storedTask(server, taskId);
    expect(stored.annotations[0].result).toEqual([
      { ...manual, from_name: 'rating', to_name: 'response', type: 'rating', value: { rating: 2 } },
      { ...manual, from_name: 'comment', to_name: 'response', type: 'textarea', value: { text: ['Wrong: it is Canberra.', 'Confident tone'] } },
    ]);

    expectExported(await exportJsonInBrowser(page, projectId, shot), stored);
  });

  it('Pairwise Comparison: two answers side by side, the better one picked by hotkey and by click', async () => {
    const { page, server } = s;
    const shot = shooter(page, 'pairwise');
    const pairs = [
      { prompt: 'Say hello in French.', answer_a: 'Hola.', answer_b: 'Bonjour.' },
      { prompt: 'Two plus two?', answer_a: 'Four, of course.', answer_b: 'Twenty-two.' },
    ];
    await logIn(page, server);
    const projectId = await createProjectFromGallery(page, 'Preferences', 'Pairwise Comparison', shot);
    await importByDrop(page, [csvFile('pairs.csv', pairs)], 2, shot);

    const labeling = await openStream(page);
    await labeling.getByText(pairs[0].answer_b).waitFor();
    const first = await currentTaskId(page);
    // both answers are shown, side by side
    const a = (await labeling.locator('.lf-text[data-name="answer_a"]').boundingBox())!;
    const b = (await labeling.locator('.lf-text[data-name="answer_b"]').boundingBox())!;
    expect(b.x).toBeGreaterThan(a.x + a.width - 1);
    expect(Math.abs(a.y - b.y)).toBeLessThan(2);
    await page.keyboard.press('2');
    await expect.poll(() => labeling.getByLabel('Answer B').isChecked()).toBe(true);
    await shot('b-by-hotkey');
    await page.keyboard.press('Control+Enter');
    await waitPastTask(page, first);

    await labeling.getByText(pairs[1].answer_a).waitFor();
    const second = await currentTaskId(page);
    await labeling.getByLabel('Answer A').click();
    await page.getByRole('button', { name: /Submit/ }).click();
    await page.getByTestId('stream-done').waitFor();

    const preference = (value: string) => ({ ...manual, from_name: 'preference', to_name: 'prompt', type: 'choices', value: { choices: [value] } });
    const stored = [await storedTask(server, first), await storedTask(server, second)];
    expect(stored.map((t) => t.data)).toEqual(pairs);
    expect(stored.map((t) => t.annotations.map((x) => x.result))).toEqual([[[preference('Answer B')]], [[preference('Answer A')]]]);

    const exported = await exportJsonInBrowser(page, projectId, shot);
    for (const t of stored) expectExported(exported, t);
  });
});
