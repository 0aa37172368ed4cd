import type { ResultItem } from '../api/types';
import { parseConfig, targetsOf, type ConfigNode } from './config';
import { REGION_TYPES, VALUE_KEY } from './store';
import { dependsOnResultsOnly, isVisible } from './visibility';

/** Controls whose `required="true"` we check, by lower-case tag, with the result type they write. */
const CLASSIFICATIONS: Record<string, string> = { choices: 'choices', textarea: 'textarea', rating: 'rating', number: 'number', taxonomy: 'taxonomy' };
const LABEL_TAGS = new Set(['labels', 'rectanglelabels', 'polygonlabels', 'keypointlabels']);

function hasValue(item: ResultItem | undefined, type: string): boolean {
  if (!item) return false;
  const v = item.value[VALUE_KEY[type]];
  if (v === undefined || v === null || v === '') return false;
  if (Array.isArray(v)) return v.some((x) => (Array.isArray(x) ? x.length > 0 : typeof x === 'string' ? x.trim() !== '' : true));
  return typeof v !== 'number' || Number.isFinite(v);
}

function regionName(region: ResultItem): string {
  const labels = (region.value[region.type] as string[] | undefined) ?? [];
  const text = typeof region.value.text === 'string' ? ` “${region.value.text}”` : '';
  return `${labels.length ? labels.join(', ') : 'unlabeled'}${text} (${region.id})`;
}

function checkControl(node: ConfigNode, results: ResultItem[]): string[] {
  const tag = node.tag.toLowerCase();
  const name = node.attrs.name ?? '';
  const custom = node.attrs.requiredMessage ?? node.attrs.requiredmessage;
  const mine = results.filter((r) => r.from_name === name);
  if (LABEL_TAGS.has(tag)) return mine.length ? [] : [custom ?? `${node.tag} "${name}" is required: add at least one region.`];
  const type = CLASSIFICATIONS[tag];
  if (node.attrs.perRegion !== 'true' && node.attrs.perregion !== 'true') {
    return mine.some((r) => hasValue(r, type)) ? [] : [custom ?? `${node.tag} "${name}" is required.`];
  }
  const targets = targetsOf(node);
  const regions = results.filter((r) => REGION_TYPES.has(r.type) && targets.includes(r.to_name));
  return regions
    .filter((region) => !hasValue(mine.find((r) => r.id === region.id), type))
    .map((region) => custom ?? `${node.tag} "${name}" is required for region ${regionName(region)}.`);
}

/**
 * What stops these results from being submitted under this config: one message per `required="true"`
 * control left empty (per region for `perRegion` controls), naming the control. Empty when submittable.
 * Pass the results as they will be submitted (`resultToSubmit`), so text still being typed counts.
 */
export function validateForSubmit(config: string, results: ResultItem[]): string[] {
  const parsed = parseConfig(config);
  if (!parsed.ok) return [`The labeling config cannot be read: ${parsed.error}`];
  const messages: string[] = [];
  const visit = (node: ConfigNode) => {
    // a control hidden by the choices made is not asked for, as in Label Studio
    if (dependsOnResultsOnly(node.attrs) && !isVisible(node.attrs, { results, selectedRegionId: null })) return;
    const tag = node.tag.toLowerCase();
    if (node.attrs.required === 'true' && (tag in CLASSIFICATIONS || LABEL_TAGS.has(tag))) messages.push(...checkControl(node, results));
    node.children.forEach(visit);
  };
  visit(parsed.root);
  return messages;
}
