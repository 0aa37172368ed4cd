import { copyOwn, putOwn } from './own-property.js';
import type { ControlTag, LabelConfig, ObjectTag } from './parse.js';

/** One entry of Label Studio's `parsed_label_config.<control>.inputs`. */
export type ParsedInput = { type: string; value?: string; valueList?: string; valueType?: string };

/** Label Studio's `parsed_label_config.<control>`; keys in the order Label Studio writes them. */
export type ParsedControl = {
  type: string;
  to_name: string[];
  regex?: Record<string, string>;
  conditionals?: { type: 'tag' | 'label' | 'choice'; name: string };
  dynamic_labels?: true;
  inputs: ParsedInput[];
  labels: string[];
  labels_attrs: Record<string, Record<string, string>>;
};

export type ParsedLabelConfig = Record<string, ParsedControl>;

function toInput(obj: ObjectTag): ParsedInput | null {
  const { value, valueList, valueType } = obj.attrs;
  // Label Studio only treats a tag with a non-empty name and value as an input.
  if (!obj.name || !(value || valueList)) return null;
  const input: ParsedInput = { type: obj.tag };
  if (value) input.value = value.replace(/^\$+/, '');
  else input.valueList = valueList!.replace(/^\$+/, '');
  if (valueType) input.valueType = valueType;
  return input;
}

function conditionalsOf(c: ControlTag): ParsedControl['conditionals'] {
  if (!c.perRegion) return undefined;
  const a = c.attrs;
  if (a.whenTagName) return { type: 'tag', name: a.whenTagName };
  if (a.whenLabelValue) return { type: 'label', name: a.whenLabelValue };
  if (a.whenChoiceValue) return { type: 'choice', name: a.whenChoiceValue };
  return undefined;
}

/** Options read from task data (`value="$options"`) or fetched from an API, so the config lists none. */
export function hasDynamicLabels(c: ControlTag): boolean {
  return /^\$[A-Za-z_]+$/.test(c.attrs.value ?? '') || Boolean(c.attrs.apiUrl);
}

/** Label Studio's `project.parsed_label_config`: per control its type, targets, inputs and labels. */
export function toParsedLabelConfig(cfg: LabelConfig): ParsedLabelConfig {
  const inputs = new Map<string, ParsedInput>();
  for (const obj of cfg.objects) {
    const input = toInput(obj);
    if (input) inputs.set(obj.name, input);
  }
  const out: ParsedLabelConfig = {};
  for (const c of cfg.controls) {
    const parsed = { type: c.tag, to_name: [...c.toName] } as ParsedControl;
    for (const flag of cfg.indexFlags) {
      if (c.toName.some((t) => t.includes(flag))) parsed.regex = { ...parsed.regex, [flag]: '.*' };
    }
    const conditionals = conditionalsOf(c);
    if (conditionals) parsed.conditionals = conditionals;
    if (hasDynamicLabels(c)) parsed.dynamic_labels = true;
    // A target that is a control rather than an object (e.g. a per-region TextArea) has no input.
    parsed.inputs = c.toName.flatMap((t) => (inputs.has(t) ? [{ ...inputs.get(t)! }] : []));
    // A repeated value keeps its first position and its last attributes, as a Python dict would.
    const attrs: Record<string, Record<string, string>> = {};
    const labels: string[] = [];
    for (const l of c.labels) {
      if (!Object.hasOwn(attrs, l.value)) labels.push(l.value);
      putOwn(attrs, l.value, copyOwn(l.attrs));
    }
    parsed.labels = labels;
    parsed.labels_attrs = attrs;
    putOwn(out, c.name, parsed);
  }
  return out;
}

/** Label Studio's `project.data_types`: task-data field → tag that reads it (Video wins a shared field). */
export function toDataTypes(cfg: LabelConfig): Record<string, string> {
  const types: Record<string, string> = {};
  for (const { key, tag } of cfg.dataFields) {
    if (!Object.hasOwn(types, key) || types[key] !== 'Video') putOwn(types, key, tag);
  }
  return types;
}

/** The `from_name|to_name|type` keys results of this config can carry (to_name comma-joined, type lowercase). */
export function annotationKeys(cfg: LabelConfig): Set<string> {
  return new Set(cfg.controls.map((c) => `${c.name}|${c.toName.join(',')}|${c.tag.toLowerCase()}`));
}
