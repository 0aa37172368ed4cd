import { afterEach, beforeEach, expect, it } from 'vitest';
import { screenshot } from './browser.js';
import { describeE2E, logIn, makeProject, openSession, type Session } from './harness.js';

const CONFIG = `<View><Text name="text" value="$text"/><Choices name="sentiment" toName="text"><Choice value="Positive"/><Choice value="Negative"/><Choice value="Neutral"/></Choices></View>`;
const TEXTS = ['First: the room was lovely.', 'Second: nothing to say.', 'Third: it rained all week.'];

const choice = (value: string) => ({ id: expect.any(String), from_name: 'sentiment', to_name: 'text', type: 'choices', value: { choices: [value] }, origin: 'manual' });

// several page loads and reloads per test: on a busy machine they outlast the default minute
const SEVERAL_PAGES = { timeout: 150_000 };

describeE2E('the labeling stream', () => {
  let s: Session;
  beforeEach(async () => {
    s = await openSession();
  });
  afterEach(async () => {
    await s?.close();
  });

  it('submits, skips, goes back to earlier tasks with Previous to update them, and forward again with Next', SEVERAL_PAGES, async () => {
    const { page, server } = s;
    const project = await makeProject(server, { config: CONFIG, title: 'Stream', tasks: TEXTS.map((text) => ({ text })) });
    const [t1, t2, t3] = project.taskIds;
    const annotationsOf = async (taskId: number) => (await server.api('GET', `/api/tasks/${taskId}`)).body.annotations;
    await logIn(page, server);
    await page.goto(`${server.url}/projects/${project.id}/label`);
    const labeling = page.locator('.labeling');
    const previous = page.getByRole('button', { name: '← Previous' });
    const next = page.getByRole('button', { name: 'Next →' });

    await labeling.getByText(TEXTS[0]).waitFor();
    expect(await previous.isDisabled()).toBe(true);
    await labeling.getByLabel('Positive').click();
    await page.getByRole('button', { name: /Submit/ }).click();
    await labeling.getByText(TEXTS[1]).waitFor();
    await page.getByRole('button', { name: 'Skip' }).click();
    await labeling.getByText(TEXTS[2]).waitFor();
    const [firstAnnotation] = await annotationsOf(t1);
    expect(await annotationsOf(t2)).toMatchObject([{ was_cancelled: true, result: [] }]);

    // Previous: the skipped task, opened on its skip; again: the first task, on its annotation, to update
    await previous.click();
    await labeling.getByText(TEXTS[1]).waitFor();
    await labeling.locator('[data-entry] .entry-skipped').waitFor();
    await previous.click();
    await labeling.getByText(TEXTS[0]).waitFor();
    expect(await labeling.getByLabel('Positive').isChecked()).toBe(true);
    await screenshot(page, 'labeling-previous');
    await labeling.getByLabel('Negative').click();
    await page.getByRole('button', { name: /Update/ }).click();
    await page.getByRole('status').filter({ hasText: `Task ${t1} updated.` }).waitFor();

    // after the update the walk goes on to the next task seen, then Next returns to the stream
    await labeling.getByText(TEXTS[1]).waitFor();
    await next.click();
    await labeling.getByText(TEXTS[2]).waitFor();
    await labeling.getByLabel('Neutral').click();
    await page.getByRole('button', { name: /Submit/ }).click();
    await page.getByTestId('stream-done').waitFor();
    await screenshot(page, 'labeling-stream-done');

    expect(await annotationsOf(t1)).toEqual([expect.objectContaining({ id: firstAnnotation.id, result: [choice('Negative')], was_cancelled: false })]);
    expect(await annotationsOf(t2)).toEqual([expect.objectContaining({ result: [], was_cancelled: true })]);
    expect(await annotationsOf(t3)).toEqual([expect.objectContaining({ result: [choice('Neutral')], was_cancelled: false })]);
    const [updated] = await annotationsOf(t1);
    expect(updated.lead_time).toBeGreaterThan(firstAnnotation.lead_time);

    // the done screen still leads back to the last task
    await page.getByRole('button', { name: '← Previous task' }).click();
    await labeling.getByText(TEXTS[2]).waitFor();
    expect(await labeling.getByLabel('Neutral').isChecked()).toBe(true);
  });
});
