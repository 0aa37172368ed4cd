import { validationError } from '../../errors.js';
import { copyOwn } from './own-property.js';
import { pyRepr } from './python-format.js';
import { controlNeedsTarget, lookupTag, type CatalogueEntry } from './tag-catalogue.js';
import { readXmlRoot, type XmlElement } from './xml-tree.js';

/** A tag that shows task data: Text, Image, ... (and any other tag carrying name + value). */
export type ObjectTag = {
  tag: string;
  name: string;
  /** As written, e.g. "$text"; falls back to valueList for multi-image tags. */
  value: string;
  /** The task-data field it reads, without "$"; dotted paths kept. Null for literal values. */
  dataKey: string | null;
  attrs: Record<string, string>;
};

export type LabelValue = { value: string; attrs: Record<string, string> };

/** A tag that produces results: Choices, RectangleLabels, TextArea, ... */
export type ControlTag = {
  tag: string;
  name: string;
  toName: string[];
  attrs: Record<string, string>;
  /** Nested Label/Choice/Relation values (alias wins over value), nested Taxonomy choices included. */
  labels: LabelValue[];
  perRegion: boolean;
};

/** A tag reading a task-data field, in document order (objects and dynamic-label controls alike). */
export type DataField = { key: string; tag: string };

export type LabelConfig = {
  objects: ObjectTag[];
  controls: ControlTag[];
  /** Task-data fields the config reads, in order of first appearance. */
  dataKeys: string[];
  dataFields: DataField[];
  /** Repeater index placeholders such as "{{idx}}"; names containing them stand for many names. */
  indexFlags: string[];
};

type Located = { el: XmlElement; entry: CatalogueEntry; path: string };

function configError(message: string): Error {
  return validationError('label_config', message);
}

const VARIABLE = /\$[\p{L}\p{N}_]+/u;

/** "$text" → "text"; "Question: $q" → "q" (first variable); literal → null. */
export function dataKeyOf(value: string | undefined): string | null {
  if (!value) return null;
  if (value.length > 1 && value.startsWith('$')) return value.slice(1);
  const m = VARIABLE.exec(value);
  return m ? m[0].slice(1) : null;
}

function locateAll(root: XmlElement): Located[] {
  const out: Located[] = [];
  const walk = (el: XmlElement, parentPath: string) => {
    const path = parentPath ? `${parentPath}/${el.tag}` : el.tag;
    const entry = lookupTag(el.tag);
    if (!entry) throw configError(`Unknown tag "${el.tag}"`);
    out.push({ el, entry, path });
    for (const child of el.children) walk(child, path);
  };
  walk(root, '');
  return out;
}

function missing(path: string, attr: string): Error {
  return configError(`Validation failed on ${path}: '${attr}' is a required property`);
}

function checkRequiredAttributes({ el, entry, path }: Located): void {
  const a = el.attrs;
  if (entry.kind === 'object') {
    if (a.name === undefined) throw missing(path, 'name');
    if (a.value === undefined && a.valueList === undefined) throw missing(path, 'value');
  } else if (entry.kind === 'control' && controlNeedsTarget(entry.name)) {
    if (a.name === undefined) throw missing(path, 'name');
    if (a.toName === undefined) throw missing(path, 'toName');
  } else if ((entry.name === 'Label' || entry.name === 'Choice') && a.value === undefined) {
    throw missing(path, 'value');
  }
}

function checkNames(located: Located[]): void {
  const names: string[] = [];
  for (const { el } of located) if (el.attrs.name !== undefined) names.push(el.attrs.name);
  const seen = new Set<string>();
  const repeated: string[] = [];
  for (const n of names) {
    if (seen.has(n) && !repeated.includes(n)) repeated.push(n);
    seen.add(n);
  }
  if (repeated.length) throw configError(`Label config contains non-unique names: ${repeated.join(', ')}`);
  const sorted = [...seen].sort();
  for (const { el } of located) {
    if (el.attrs.toName === undefined) continue;
    // Label Studio splits on bare commas, so "a, b" looks for " b".
    for (const target of el.attrs.toName.split(',')) {
      if (!seen.has(target)) throw configError(`toName="${target}" not found in names: ${pyRepr(sorted)}`);
    }
  }
}

function buildModel(located: Located[], root: XmlElement): LabelConfig {
  const cfg: LabelConfig = { objects: [], controls: [], dataKeys: [], dataFields: [], indexFlags: [] };
  const entries = new Map(located.map((l) => [l.el, l.entry]));

  const visit = (el: XmlElement, owner: ControlTag | null, isRoot: boolean) => {
    const entry = entries.get(el)!;
    const a = el.attrs;
    if (a.indexFlag !== undefined) cfg.indexFlags.push(a.indexFlag);
    let childOwner = owner;
    const valueAttr = a.value || a.valueList;
    if (entry.kind === 'control' && a.name && a.toName) {
      const control: ControlTag = {
        tag: el.tag,
        name: a.name,
        toName: a.toName.split(','),
        attrs: copyOwn(a),
        labels: [],
        perRegion: a.perRegion === 'true',
      };
      cfg.controls.push(control);
      childOwner = control;
    } else if (entry.kind === 'object' || (entry.kind !== 'label' && entry.kind !== 'control' && a.name && valueAttr)) {
      const value = a.value ?? a.valueList ?? '';
      cfg.objects.push({ tag: el.tag, name: a.name ?? '', value, dataKey: dataKeyOf(value), attrs: copyOwn(a) });
    }
    if (entry.kind === 'label' && owner) {
      const value = a.alias || a.value || a.valueList;
      if (value) owner.labels.push({ value, attrs: copyOwn(a) });
    }
    const key = a.name && !isRoot ? dataKeyOf(valueAttr) : null;
    if (key !== null) {
      cfg.dataFields.push({ key, tag: el.tag });
      if (!cfg.dataKeys.includes(key)) cfg.dataKeys.push(key);
    }
    for (const child of el.children) visit(child, childOwner, false);
  };
  visit(root, null, true);
  return cfg;
}

/**
 * Parses and validates a labeling config the way Label Studio does (XML, required attributes, unique names,
 * toName targets), and refuses tags the editor would not know. Every problem is a 400 on `label_config`.
 */
export function parseLabelConfig(xml: string): LabelConfig {
  if (typeof xml !== 'string' || !xml.trim()) throw configError('Label config is empty');
  const root = readXmlRoot(xml);
  if (lookupTag(root.tag)?.name !== 'View') throw configError(`Root tag must be <View>, found <${root.tag}>`);
  const located = locateAll(root);
  for (const l of located) checkRequiredAttributes(l);
  checkNames(located);
  return buildModel(located, root);
}
