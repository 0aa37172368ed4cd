import { afterEach, beforeEach, expect, it } from 'vitest';
import { screenshot } from './browser.js';
import { describeE2E, logIn, makeProject, openSession, type Session } from './harness.js';

const LLM_CONFIG = `<View>
  <Header value="Prompt"/>
  <Text name="prompt" value="$prompt"/>
  <Header value="Response"/>
  <Text name="response" value="$response"/>
  <Rating name="rating" toName="response" maxRating="5"/>
  <TextArea name="comment" toName="response" placeholder="Why this rating?" rows="3"/>
</View>`;

describeE2E('the project list, the config editor and more editor tags', () => {
  let s: Session;
  beforeEach(async () => {
    s = await openSession();
  });
  afterEach(async () => {
    await s?.close();
  });

  it('searches projects, shows the server’s verdict on a broken config and names unsupported tags', async () => {
    const { page, server } = s;
    await makeProject(server, { config: LLM_CONFIG, title: 'Cats and dogs' });
    await makeProject(server, { config: LLM_CONFIG, title: 'Reviews' });
    await logIn(page, server);
    const cards = page.getByRole('list', { name: 'Projects' }).getByRole('listitem');
    await expect.poll(() => cards.count()).toBe(2);
    await page.getByLabel('Search projects').fill('cats');
    await expect.poll(() => cards.allTextContents()).toEqual([expect.stringContaining('Cats and dogs')]);

    await page.getByRole('link', { name: 'Create project' }).click();
    const broken = '<View><Text name="text" value="$text"/><Choices name="c" toName="txt"><Choice value="A"/></Choices></View>';
    const verdict = await fetch(`${server.url}/api/projects/validate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ label_config: broken }) });
    const message = (await verdict.json()).validation_errors.label_config[0] as string;
    await page.getByLabel('Labeling config (XML)').fill(broken);
    await expect.poll(() => page.getByTestId('config-validity').textContent()).toBe(message);
    expect(await page.getByRole('button', { name: 'Create project' }).isDisabled()).toBe(true);
    await screenshot(page, 'config-invalid');

    await page.getByRole('radio', { name: /Image Classification/ }).click();
    await page.getByText('The config is valid.').waitFor();
    // the preview shows the sample image at its own size
    await expect.poll(() => page.locator('.lf-image-size').textContent()).toBe('320 × 200');
    await page.getByLabel('Labeling config (XML)').fill('<View><Video name="video" value="$video"/><TextArea name="transcription" toName="video"/></View>');
    await page.locator('.lf-unsupported[data-tag="Video"]').getByText('is not supported by this editor yet').waitFor();
    expect(await page.locator('.lf-unsupported').first().textContent()).toBe('The tag <Video> (name="video") is not supported by this editor yet.');
  });

  it('rates a response and writes comments, including text not yet added', async () => {
    const { page, server } = s;
    const project = await makeProject(server, { config: LLM_CONFIG, title: 'LLM', tasks: [{ prompt: 'Capital of France?', response: 'Paris.' }] });
    await logIn(page, server);
    await page.goto(`${server.url}/projects/${project.id}/label`);
    await page.getByRole('radio', { name: '4 of 5' }).click();
    const comment = page.getByLabel('Why this rating?');
    await comment.fill('Correct');
    await comment.press('Enter');
    await comment.fill('but terse');
    await screenshot(page, 'rating-textarea');
    await page.getByRole('button', { name: /Submit/ }).click();
    await page.getByTestId('stream-done').waitFor();

    const task = (await server.api('GET', `/api/tasks/${project.taskIds[0]}`)).body;
    expect(task.annotations[0].result).toEqual([
      { id: expect.any(String), from_name: 'rating', to_name: 'response', type: 'rating', value: { rating: 4 }, origin: 'manual' },
      { id: expect.any(String), from_name: 'comment', to_name: 'response', type: 'textarea', value: { text: ['Correct', 'but terse'] }, origin: 'manual' },
    ]);
  });
});
