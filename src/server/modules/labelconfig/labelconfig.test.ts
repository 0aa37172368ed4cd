import { describe, it, expect } from 'vitest';
import { AppError } from '../../errors.js';
import { findOrphanedAnnotations, findRemovedLabels } from './config-change.js';
import { parseLabelConfig } from './parse.js';
import { annotationKeys, toDataTypes, toParsedLabelConfig } from './parsed-config.js';
import { normalizePredictionResult } from './prediction-result.js';
import { checkTaskData, remapUndefinedKey } from './task-data.js';

const WORKED_EXAMPLE = `<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="label" toName="image">
    <Label value="Car"/><Label value="Person" category="7"/>
  </RectangleLabels>
  <Choices name="quality" toName="image" choice="single">
    <Choice value="good"/><Choice value="bad"/>
  </Choices>
</View>`;

const NER = `<View>
  <Labels name="ner" toName="text">
    <Label value="PER" background="red"/>
    <Label value="ORG" alias="organisation"/>
  </Labels>
  <Text name="text" value="$text"/>
</View>`;

const CLASSIFY = `<View>
  <Text name="text" value="$text"/>
  <Choices name="sentiment" toName="text"><Choice value="Class A"/><Choice value="Class B"/></Choices>
</View>`;

/** The label_config message a parse failure carries; fails the test when parsing succeeds. */
function configErrorOf(xml: string): string {
  try {
    parseLabelConfig(xml);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    const err = e as AppError;
    expect(err.status).toBe(400);
    expect(err.message).toBe('Validation error');
    return err.validationErrors!.label_config[0];
  }
  throw new Error('config was accepted');
}

function resultErrorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return (e as AppError).validationErrors!.result[0];
  }
  throw new Error('result was accepted');
}

describe('parsing a labeling config', () => {
  it('produces exactly the parsed_label_config of the worked example', () => {
    const expected = {
      label: {
        type: 'RectangleLabels',
        to_name: ['image'],
        inputs: [{ type: 'Image', value: 'image' }],
        labels: ['Car', 'Person'],
        labels_attrs: { Car: { value: 'Car' }, Person: { value: 'Person', category: '7' } },
      },
      quality: {
        type: 'Choices',
        to_name: ['image'],
        inputs: [{ type: 'Image', value: 'image' }],
        labels: ['good', 'bad'],
        labels_attrs: { good: { value: 'good' }, bad: { value: 'bad' } },
      },
    };
    const parsed = toParsedLabelConfig(parseLabelConfig(WORKED_EXAMPLE));
    expect(parsed).toEqual(expected);
    expect(JSON.stringify(parsed)).toBe(JSON.stringify(expected));
  });

  it('derives data_types and annotation keys of the worked example', () => {
    const cfg = parseLabelConfig(WORKED_EXAMPLE);
    expect(toDataTypes(cfg)).toEqual({ image: 'Image' });
    expect([...annotationKeys(cfg)]).toEqual(['label|image|rectanglelabels', 'quality|image|choices']);
  });

  it('models an NER config with aliases, label attributes and the text field', () => {
    const cfg = parseLabelConfig(NER);
    expect(cfg.objects).toEqual([{ tag: 'Text', name: 'text', value: '$text', dataKey: 'text', attrs: { name: 'text', value: '$text' } }]);
    expect(cfg.controls).toHaveLength(1);
    expect(cfg.controls[0]).toMatchObject({ tag: 'Labels', name: 'ner', toName: ['text'], perRegion: false });
    expect(cfg.dataKeys).toEqual(['text']);
    expect(toParsedLabelConfig(cfg).ner).toEqual({
      type: 'Labels',
      to_name: ['text'],
      inputs: [{ type: 'Text', value: 'text' }],
      labels: ['PER', 'organisation'],
      labels_attrs: { PER: { value: 'PER', background: 'red' }, organisation: { value: 'ORG', alias: 'organisation' } },
    });
  });

  it('collects nested Taxonomy choices under the taxonomy control', () => {
    const cfg = parseLabelConfig(`<View><Text name="t" value="$t"/>
      <Taxonomy name="tax" toName="t"><Choice value="Animal"><Choice value="Mammal"/></Choice><Choice value="Plant"/></Taxonomy></View>`);
    expect(cfg.controls[0].labels.map((l) => l.value)).toEqual(['Animal', 'Mammal', 'Plant']);
  });

  it('keeps literal-valued objects without a data key and reads dotted and dynamic fields', () => {
    const cfg = parseLabelConfig(`<View><Header name="h" value="Read this"/><Text name="t" value="$meta.body"/>
      <Choices name="c" toName="t" value="$options"/></View>`);
    expect(cfg.objects.map((o) => o.dataKey)).toEqual([null, 'meta.body']);
    expect(toDataTypes(cfg)).toEqual({ 'meta.body': 'Text', options: 'Choices' });
    expect(toParsedLabelConfig(cfg).c.dynamic_labels).toBe(true);
  });

  it('accepts the empty default config', () => {
    expect(parseLabelConfig('<View></View>')).toEqual({ objects: [], controls: [], dataKeys: [], dataFields: [], indexFlags: [] });
  });

  it('accepts tags in any case and the parts Label Studio templates use', () => {
    const cfg = parseLabelConfig(`<view><list name="answers" value="$items"/>
      <Ranker name="rank" toName="answers"><Bucket name="good" title="Good"/></Ranker></view>`);
    expect(cfg.controls.map((c) => c.name)).toEqual(['rank']);
    expect(checkTaskData(cfg, { items: 'x' })).toMatch(/object tag list expects the following types: \['list'\]$/);
  });

  it('gives a shared field to Video and marks per-region conditionals', () => {
    const cfg = parseLabelConfig(`<View><Video name="v" value="$url"/><Audio name="a" value="$url"/>
      <Labels name="l" toName="a"><Label value="x"/></Labels>
      <TextArea name="note" toName="a" perRegion="true" whenLabelValue="x"/></View>`);
    expect(toDataTypes(cfg)).toEqual({ url: 'Video' });
    expect(toParsedLabelConfig(cfg).note.conditionals).toEqual({ type: 'label', name: 'x' });
  });

  it('treats Repeater names as patterns when checking a config change', () => {
    const cfg = parseLabelConfig(`<View><Repeater on="$pages" indexFlag="{{idx}}">
      <Image name="page_{{idx}}" value="$pages[{{idx}}].url"/><Rating name="r_{{idx}}" toName="page_{{idx}}"/></Repeater></View>`);
    expect(toParsedLabelConfig(cfg)['r_{{idx}}'].regex).toEqual({ '{{idx}}': '.*' });
    expect(checkTaskData(cfg, { pages: [{ url: 'a.jpg' }] })).toBeNull();
    expect(findOrphanedAnnotations(cfg, [{ fromName: 'r_3', toName: 'page_3', type: 'rating', count: 1 }])).toBeNull();
  });

  it('rejects malformed XML with the parser line and column', () => {
    const msg = configErrorOf('<View>\n  <Image name="image" value="$image">\n</View>');
    expect(msg).toMatch(/Image/);
    expect(msg).toMatch(/\(line 3, column \d+\)/);
  });

  it('rejects what lxml rejects but a lenient validator lets through', () => {
    expect(configErrorOf('<View>\n<Header value="a&nbsp;b"/></View>')).toBe("Entity 'nbsp' not defined (line 2, column 17)");
    expect(configErrorOf('<View/><View/>')).toMatch(/^Extra content at the end of the document/);
  });

  it('rejects an empty config', () => {
    expect(configErrorOf('   \n')).toBe('Label config is empty');
  });

  it('rejects a root other than View', () => {
    expect(configErrorOf('<Text name="t" value="$t"/>')).toBe('Root tag must be <View>, found <Text>');
  });

  it('rejects a tag Label Studio does not know, naming it', () => {
    expect(configErrorOf('<View><Text name="t" value="$t"/><Foo name="x"/></View>')).toBe('Unknown tag "Foo"');
  });

  it('rejects a config whose toName points nowhere, listing the names as Label Studio does', () => {
    const xml = WORKED_EXAMPLE.replace('<Choices name="quality" toName="image" choice="single">', '<Choices name="quality" toName="img">');
    expect(configErrorOf(xml)).toBe(`toName="img" not found in names: ['image', 'label', 'quality']`);
  });

  it('rejects duplicate names, listing each once', () => {
    const xml = `<View><Text name="a" value="$a"/><Text name="a" value="$b"/><Text name="b" value="$c"/>
      <Choices name="b" toName="a"><Choice value="x"/></Choices><Text name="a" value="$d"/></View>`;
    expect(configErrorOf(xml)).toBe('Label config contains non-unique names: a, b');
  });

  it('rejects a Choice without a value', () => {
    const msg = configErrorOf('<View><Text name="t" value="$t"/><Choices name="c" toName="t"><Choice alias="x"/></Choices></View>');
    expect(msg).toBe("Validation failed on View/Choices/Choice: 'value' is a required property");
  });

  it('rejects an object tag without a value and a control tag without toName', () => {
    expect(configErrorOf('<View><Image name="i"/></View>')).toBe("Validation failed on View/Image: 'value' is a required property");
    expect(configErrorOf('<View><Text name="t" value="$t"/><TextArea name="c"/></View>')).toBe(
      "Validation failed on View/TextArea: 'toName' is a required property",
    );
  });
});

describe('checking task data against the config', () => {
  const cfg = parseLabelConfig(NER);

  it('accepts data that has the field with an allowed type', () => {
    expect(checkTaskData(cfg, { text: 'Paris is nice' })).toBeNull();
    expect(checkTaskData(cfg, { text: 42 })).toBeNull();
  });

  it('reports a missing key', () => {
    expect(checkTaskData(cfg, { body: 'x' })).toBe('"text" key is expected in task data');
  });

  it('reports a value of the wrong type', () => {
    expect(checkTaskData(cfg, { text: ['a', 'b'] })).toBe(
      "data['text']=['a', 'b'] is of type 'list', but the object tag Text expects the following types: ['str', 'int', 'float']",
    );
  });

  it('looks dotted keys up as paths', () => {
    const dotted = parseLabelConfig('<View><Image name="i" value="$meta.url"/></View>');
    expect(checkTaskData(dotted, { meta: { url: 'https://x/1.jpg' } })).toBeNull();
    expect(checkTaskData(dotted, { 'meta.url': 'https://x/1.jpg' })).toBe('"meta.url" key is expected in task data');
  });

  it('moves an $undefined$ value to the first data field', () => {
    expect(remapUndefinedKey(cfg, { $undefined$: 'line one' })).toEqual({ text: 'line one' });
    expect(checkTaskData(cfg, { $undefined$: 'line one' })).toBeNull();
  });
});

describe('changing the config of a project with annotations', () => {
  const newCfg = parseLabelConfig(WORKED_EXAMPLE);

  it('reports results whose control no longer exists', () => {
    const usage = [
      { fromName: 'label', toName: 'image', type: 'rectanglelabels', count: 4 },
      { fromName: 'sentiment', toName: 'text', type: 'choices', count: 3 },
      { fromName: 'notes', toName: 'text', type: 'textarea', count: 2 },
    ];
    expect(findOrphanedAnnotations(newCfg, usage)).toBe(
      'Created annotations are incompatible with provided labeling schema, we found:\n3 with from_name=sentiment, to_name=text, type=choices',
    );
  });

  it('accepts results that still fit the config', () => {
    expect(findOrphanedAnnotations(newCfg, [{ fromName: 'quality', toName: 'image', type: 'choices', count: 1 }])).toBeNull();
  });

  it('reports used labels that the new config removed', () => {
    const used = [
      { fromName: 'label', label: 'Car', count: 2 },
      { fromName: 'label', label: 'Truck', count: 3 },
    ];
    expect(findRemovedLabels(newCfg, used)).toBe(
      'These labels still exist in annotations or drafts:\nTruck (3 annotations)\nPlease add labels to tag with name="label".',
    );
    expect(findRemovedLabels(newCfg, [{ fromName: 'gone', label: 'A', count: 2 }])).toBe(
      'There are 2 annotation(s) created with tag "gone", you can\'t remove it',
    );
  });
});

describe('normalising a prediction result', () => {
  const cfg = parseLabelConfig(CLASSIFY);
  const wrapped = [{ from_name: 'sentiment', to_name: 'text', type: 'choices', value: { choices: ['Class A'] } }];

  it('turns a bare string into a choices result', () => {
    expect(normalizePredictionResult(cfg, 'Class A')).toEqual(wrapped);
  });

  it('gives a bare integer to a Rating control', () => {
    const rated = parseLabelConfig('<View><Text name="t" value="$t"/><Rating name="stars" toName="t"/></View>');
    expect(normalizePredictionResult(rated, 4)).toEqual([{ from_name: 'stars', to_name: 't', type: 'rating', value: { rating: [4] } }]);
  });

  it('wraps a value dict under the control whose type it names', () => {
    expect(normalizePredictionResult(cfg, { choices: ['Class A'] })).toEqual(wrapped);
  });

  it('keeps a list as it is', () => {
    const list = [{ id: 'r1', from_name: 'sentiment', to_name: 'text', type: 'choices', value: { choices: ['Class B'] } }];
    expect(normalizePredictionResult(cfg, list)).toBe(list);
  });

  it('rejects other shapes', () => {
    expect(resultErrorOf(() => normalizePredictionResult(cfg, 1.5))).toBe("Incorrect format <class 'float'> for prediction result 1.5");
    expect(resultErrorOf(() => normalizePredictionResult(cfg, null))).toMatch(/^Incorrect format <class 'NoneType'>/);
    expect(resultErrorOf(() => normalizePredictionResult(cfg, ['Class A']))).toBe('Each item in prediction result should be dict');
  });
});
