import { putOwn } from './own-property.js';
import type { LabelConfig } from './parse.js';
import { toDataTypes } from './parsed-config.js';
import { pyRepr, pyStr, pyTypeName } from './python-format.js';
import { lookupTag } from './tag-catalogue.js';

/** Key Label Studio gives a value imported without a field name (a TXT line, a one-column file). */
export const UNDEFINED_DATA_KEY = '$undefined$';

type PyType = 'str' | 'int' | 'float' | 'list' | 'dict';

const LABEL_LIKE: PyType[] = ['str', 'list'];

// Python type names per tag, as Label Studio lists them in its import validator.
const ALLOWED: Record<string, PyType[]> = {
  Text: ['str', 'int', 'float'],
  Header: ['str', 'int', 'float'],
  HyperText: ['str'],
  Image: ['str', 'list'],
  Paragraphs: ['list', 'str'],
  Table: ['dict', 'str'],
  TimeSeries: ['dict', 'list', 'str'],
  TimeSeriesChannel: ['dict', 'list', 'str'],
  List: ['list'],
  Choices: LABEL_LIKE,
  Taxonomy: LABEL_LIKE,
};

function allowedTypes(tag: string): PyType[] {
  const canonical = lookupTag(tag)?.name ?? tag;
  if (Object.hasOwn(ALLOWED, canonical)) return ALLOWED[canonical];
  if (canonical.endsWith('Labels')) return LABEL_LIKE;
  return ['str'];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Python's isinstance: a bool is also an int. */
function matchesType(value: unknown, allowed: PyType[]): boolean {
  const actual = pyTypeName(value);
  if (actual === 'bool') return allowed.includes('int');
  return (allowed as string[]).includes(actual);
}

/** Dotted keys ("meta.text") are paths; a step through a non-object counts as missing. */
function lookup(data: unknown, key: string): { found: boolean; value?: unknown } {
  let cur: unknown = data;
  for (const step of key.includes('.') ? key.split('.') : [key]) {
    if (!isPlainObject(cur) || !Object.hasOwn(cur, step)) return { found: false };
    cur = cur[step];
  }
  return { found: true, value: cur };
}

/** Moves a value stored under `$undefined$` to the config's first data field, as Label Studio does on import. */
export function remapUndefinedKey(cfg: LabelConfig, data: Record<string, unknown>): Record<string, unknown> {
  const first = Object.keys(toDataTypes(cfg))[0];
  if (first === undefined || !Object.hasOwn(data, UNDEFINED_DATA_KEY)) return data;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) if (k !== UNDEFINED_DATA_KEY) putOwn(out, k, v);
  putOwn(out, first, data[UNDEFINED_DATA_KEY]);
  return out;
}

/**
 * Checks a task's `data` against the fields the config reads. Returns null when it fits, else Label Studio's
 * message (`"text" key is expected in task data`, or the wrong-type message). Callers add the import suffix.
 */
export function checkTaskData(cfg: LabelConfig, data: unknown): string | null {
  if (data === null || data === undefined) return 'Task is empty (None)';
  const view = isPlainObject(data) ? remapUndefinedKey(cfg, data) : data;
  for (const [field, tag] of Object.entries(toDataTypes(cfg))) {
    // Repeater fields ("items[{{idx}}].text") need the array itself.
    const isArray = field.includes('[');
    const key = field.split('[')[0];
    const { found, value } = lookup(view, key);
    if (!found) return `"${key}" key is expected in task data`;
    const allowed: PyType[] = isArray ? ['list'] : allowedTypes(tag);
    if (!matchesType(value, allowed)) {
      return (
        `data['${key}']=${pyStr(value)} is of type '${pyTypeName(value)}', ` +
        `but the object tag ${tag} expects the following types: ${pyRepr(allowed)}`
      );
    }
    if (!isArray && (lookupTag(tag)?.name ?? tag) === 'List') {
      for (const item of value as unknown[]) {
        if (!isPlainObject(item) || !Object.hasOwn(item, 'text')) return 'Each item from List must have key "text"';
      }
    }
  }
  return null;
}
