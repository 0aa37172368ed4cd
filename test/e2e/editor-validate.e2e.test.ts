import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultItem } from '../../src/web/api/types.js';
import { launchBrowser } from './browser.js';
import { bundleValidate } from './editor-helpers.js';

// validateForSubmit parses the config with the browser's DOMParser, so it runs in Chromium: the module is
// bundled as it is and called in a blank page.
let browser: Browser;
let page: Page;
beforeAll(async () => {
  const [code, b] = await Promise.all([bundleValidate(), launchBrowser()]);
  browser = b;
  page = await browser.newPage();
  await page.addScriptTag({ content: code });
});
afterAll(async () => {
  await browser?.close();
});

function validate(config: string, results: Partial<ResultItem>[]): Promise<string[]> {
  return page.evaluate(
    ([c, r]) => (window as unknown as { lfValidate: { validateForSubmit: (c: string, r: unknown[]) => string[] } }).lfValidate.validateForSubmit(c, r),
    [config, results] as const,
  );
}

const item = (from_name: string, type: string, value: Record<string, unknown>, id = `id-${from_name}`) => ({ id, from_name, to_name: 'text', type, value, origin: 'manual' as const });

const REQUIRED = `<View>
  <Text name="text" value="$text"/>
  <Labels name="ner" toName="text" required="true"><Label value="PER"/></Labels>
  <Choices name="sentiment" toName="text" required="true"><Choice value="Positive"/></Choices>
  <TextArea name="summary" toName="text" required="true"/>
  <Rating name="stars" toName="text" required="true"/>
  <Number name="count" toName="text" required="true"/>
  <Taxonomy name="topic" toName="text" required="true"><Choice value="A"><Choice value="A1"/></Choice></Taxonomy>
  <Choices name="optional" toName="text"><Choice value="X"/></Choices>
</View>`;

describe('validateForSubmit', () => {
  it('names every required control left empty, in config order', async () => {
    expect(await validate(REQUIRED, [])).toEqual([
      'Labels "ner" is required: add at least one region.',
      'Choices "sentiment" is required.',
      'TextArea "summary" is required.',
      'Rating "stars" is required.',
      'Number "count" is required.',
      'Taxonomy "topic" is required.',
    ]);
  });

  it('returns nothing when every required control has a value (0 is a number)', async () => {
    expect(
      await validate(REQUIRED, [
        item('ner', 'labels', { start: 0, end: 5, text: 'Alice', labels: ['PER'] }),
        item('sentiment', 'choices', { choices: ['Positive'] }),
        item('summary', 'textarea', { text: ['short'] }),
        item('stars', 'rating', { rating: 3 }),
        item('count', 'number', { number: 0 }),
        item('topic', 'taxonomy', { taxonomy: [['A', 'A1']] }),
      ]),
    ).toEqual([]);
  });

  it('counts empty values as missing: no choices, blank lines, no taxonomy path', async () => {
    const messages = await validate(REQUIRED, [
      item('ner', 'labels', { start: 0, end: 5, text: 'Alice', labels: ['PER'] }),
      item('sentiment', 'choices', { choices: [] }),
      item('summary', 'textarea', { text: ['  '] }),
      item('stars', 'rating', { rating: 2 }),
      item('count', 'number', { number: 1 }),
      item('topic', 'taxonomy', { taxonomy: [] }),
    ]);
    expect(messages).toEqual(['Choices "sentiment" is required.', 'TextArea "summary" is required.', 'Taxonomy "topic" is required.']);
  });

  it('uses requiredMessage when the config gives one', async () => {
    const config = '<View><Text name="text" value="$text"/><Choices name="c" toName="text" required="true" requiredMessage="Pick a sentiment first"><Choice value="A"/></Choices></View>';
    expect(await validate(config, [])).toEqual(['Pick a sentiment first']);
  });

  it('asks a required per-region control of every region that lacks it, and of no region when there are none', async () => {
    const config = `<View>
      <Image name="image" value="$image"/>
      <RectangleLabels name="box" toName="image"><Label value="Car"/></RectangleLabels>
      <TextArea name="plate" toName="image" perRegion="true" required="true"/>
    </View>`;
    const box = (id: string) => ({ id, from_name: 'box', to_name: 'image', type: 'rectanglelabels', value: { x: 1, y: 1, width: 5, height: 5, rotation: 0, rectanglelabels: ['Car'] }, origin: 'manual' as const });
    const plate = (id: string) => ({ id, from_name: 'plate', to_name: 'image', type: 'textarea', value: { x: 1, y: 1, width: 5, height: 5, rotation: 0, text: ['AB-123'] }, origin: 'manual' as const });
    expect(await validate(config, [])).toEqual([]);
    expect(await validate(config, [box('r1'), box('r2'), plate('r1')])).toEqual(['TextArea "plate" is required for region Car (r2).']);
    expect(await validate(config, [box('r1'), box('r2'), plate('r1'), plate('r2')])).toEqual([]);
  });

  it('says so when the config cannot be read', async () => {
    const [message] = await validate('<View><Text name="t"', []);
    expect(message).toMatch(/^The labeling config cannot be read: /);
  });
});
