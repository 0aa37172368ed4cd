import { afterEach, beforeEach, expect, it } from 'vitest';
import { screenshot, selectTextWithMouse } from './browser.js';
import { describeE2E, logIn, makeProject, openSession, type Session } from './harness.js';

// Label Studio's layout attributes: inline views, and views shown only for a choice or a selected region
const CONFIG = `<View>
  <View display="inline"><Header value="Left column"/></View>
  <View display="inline"><Header value="Right column"/></View>
  <Labels name="label" toName="text">
    <Label value="PER"/>
  </Labels>
  <Text name="text" value="$text"/>
  <Choices name="sentiment" toName="text" choice="single" layout="inline">
    <Choice value="Positive"/>
    <Choice value="Negative"/>
  </Choices>
  <View visibleWhen="choice-selected" whenTagName="sentiment" whenChoiceValue="Negative">
    <Header value="Why negative?"/>
    <Choices name="reason" toName="text" required="true">
      <Choice value="Price"/>
      <Choice value="Quality"/>
    </Choices>
  </View>
  <View visibleWhen="region-selected" whenLabelValue="PER">
    <Header value="About this person"/>
    <TextArea name="note" toName="text" perRegion="true"/>
  </View>
</View>`;

const TEXTS = ['Fine value for the money.', 'Angela Merkel sold it to me and it broke.'];

describeE2E('layout and conditional views', () => {
  let s: Session;
  beforeEach(async () => {
    s = await openSession();
  });
  afterEach(async () => {
    await s?.close();
  });

  it('lays inline views side by side, shows a view only for its choice or selected region, and asks only for visible required controls', { timeout: 120_000 }, async () => {
    const { page, server } = s;
    const project = await makeProject(server, { config: CONFIG, title: 'Conditional', tasks: TEXTS.map((text) => ({ text })) });
    const [first, second] = project.taskIds;
    await logIn(page, server);
    await page.goto(`${server.url}/projects/${project.id}/label`);
    const labeling = page.locator('.labeling');
    await labeling.getByText(TEXTS[0]).waitFor();

    const top = (text: string) => labeling.getByText(text).evaluate((el) => Math.round(el.getBoundingClientRect().top));
    expect(await top('Left column')).toBe(await top('Right column'));
    expect(await top('Positive')).toBe(await top('Negative'));
    const why = labeling.getByText('Why negative?');
    expect(await why.count()).toBe(0);

    // Positive: the reason stays hidden and is not asked for
    await labeling.getByLabel('Positive').click();
    expect(await why.count()).toBe(0);
    await page.getByRole('button', { name: /Submit/ }).click();
    await labeling.getByText(TEXTS[1]).waitFor();
    const choice = (from_name: string, value: string) => ({ id: expect.any(String), from_name, to_name: 'text', type: 'choices', value: { choices: [value] }, origin: 'manual' });
    expect((await server.api('GET', `/api/tasks/${first}`)).body.annotations[0].result).toEqual([choice('sentiment', 'Positive')]);

    // Negative: the reason shows, and is required
    await labeling.getByLabel('Negative').click();
    await why.waitFor();
    await page.getByRole('button', { name: /Submit/ }).click();
    const refusal = page.locator('.labeling [role="alert"]').filter({ hasText: 'Choices "reason" is required.' });
    await refusal.waitFor();
    await labeling.getByLabel('Quality').click();
    // the refusal was about the results before this choice
    await expect.poll(() => refusal.count()).toBe(0);

    // the note shows only while a PER span is selected
    const about = labeling.getByText('About this person');
    await labeling.getByRole('button', { name: /^PER/ }).click();
    const text = page.locator('.lf-text[data-name="text"]');
    await selectTextWithMouse(page, text, 0, 'Angela Merkel'.length);
    await page.locator('.lf-regions li').first().waitFor();
    expect(await about.count()).toBe(0);
    await page.locator('.lf-regions .lf-region-pick').first().click();
    await about.waitFor();
    await labeling.getByLabel('Text for note').fill('The seller');
    await labeling.getByRole('button', { name: 'Add', exact: true }).click();
    await screenshot(page, 'editor-layout-conditional');
    await page.keyboard.press('Escape');
    await expect.poll(() => about.count()).toBe(0);

    await page.getByRole('button', { name: /Submit/ }).click();
    await page.getByTestId('stream-done').waitFor();
    const result = (await server.api('GET', `/api/tasks/${second}`)).body.annotations[0].result;
    const span = { start: 0, end: 13, text: 'Angela Merkel' };
    expect(result).toEqual([
      choice('sentiment', 'Negative'),
      choice('reason', 'Quality'),
      { id: expect.any(String), from_name: 'label', to_name: 'text', type: 'labels', value: { ...span, labels: ['PER'] }, origin: 'manual' },
      { id: result[2].id, from_name: 'note', to_name: 'text', type: 'textarea', value: { ...span, text: ['The seller'] }, origin: 'manual' },
    ]);
  });
});
