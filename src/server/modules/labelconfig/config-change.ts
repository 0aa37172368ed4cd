import type { LabelConfig } from './parse.js';
import { annotationKeys, hasDynamicLabels } from './parsed-config.js';

/** How often results (annotations and drafts) use one from_name|to_name|type. */
export type ControlUsage = { fromName: string; toName: string; type: string; count: number };

/** How often results use one label of one control; drafts counted apart when known. */
export type LabelUsage = { fromName: string; label: string; count: number; draftCount?: number };

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A name inside a Repeater ("label_{{idx}}") stands for every expansion ("label_0", ...), so it is matched
 * as a pattern; other names match exactly.
 */
function namePattern(name: string, flags: string[]): RegExp {
  let source = escapeRegExp(name);
  for (const flag of flags) source = source.split(escapeRegExp(flag)).join('.*');
  return new RegExp(`^(?:${source})$`, 's');
}

function matchesAny(value: string, names: string[], flags: string[]): boolean {
  return names.some((n) => n === value || namePattern(n, flags).test(value));
}

/**
 * Label Studio's check before a config replaces one that already has results: every
 * from_name|to_name|type in use must still make sense. Returns its message, or null when compatible.
 */
export function findOrphanedAnnotations(newCfg: LabelConfig, usage: ControlUsage[]): string | null {
  const keys = annotationKeys(newCfg);
  // Label Studio skips the check when the new config has no controls at all.
  if (keys.size === 0) return null;
  const controlNames = newCfg.controls.map((c) => c.name);
  const targets = newCfg.controls.flatMap((c) => c.toName);
  const types = new Set(newCfg.controls.map((c) => c.tag.toLowerCase()));
  const flags = newCfg.indexFlags;
  const lines: string[] = [];
  for (const u of usage) {
    if (u.count <= 0 || keys.has(`${u.fromName}|${u.toName}|${u.type.toLowerCase()}`)) continue;
    // A TextArea may target a region rather than an object (Label Studio's DEV-1598 exemption).
    if (u.type.toLowerCase() === 'textarea') continue;
    if (
      !matchesAny(u.fromName, controlNames, flags) ||
      !matchesAny(u.toName, targets, flags) ||
      !types.has(u.type.toLowerCase())
    ) {
      lines.push(`${u.count} with from_name=${u.fromName}, to_name=${u.toName}, type=${u.type}`);
    }
  }
  if (!lines.length) return null;
  return `Created annotations are incompatible with provided labeling schema, we found:\n${lines.join('\n')}`;
}

function plural(count: number, noun: string): string | null {
  return count ? `${count} ${noun}${count > 1 ? 's' : ''}` : null;
}

/**
 * Label Studio's strict check (`/validate`): a control whose labels are in use cannot disappear, and its used
 * labels cannot be removed unless its options are dynamic. Returns the first message, or null.
 */
export function findRemovedLabels(newCfg: LabelConfig, usedLabels: LabelUsage[]): string | null {
  const flags = newCfg.indexFlags;
  const byControl = new Map<string, Map<string, { count: number; drafts: number }>>();
  for (const u of usedLabels) {
    if (u.count + (u.draftCount ?? 0) <= 0) continue;
    const labels = byControl.get(u.fromName) ?? new Map<string, { count: number; drafts: number }>();
    const tally = labels.get(u.label) ?? { count: 0, drafts: 0 };
    labels.set(u.label, { count: tally.count + u.count, drafts: tally.drafts + (u.draftCount ?? 0) });
    byControl.set(u.fromName, labels);
  }
  // Video tracks take their labels from any labels control, so all of them count (Label Studio's DEV-1990).
  const pooled = newCfg.controls.some((c) => c.tag.toLowerCase() === 'videorectangle')
    ? new Set(newCfg.controls.flatMap((c) => c.labels.map((l) => l.value)))
    : null;

  for (const [fromName, labels] of byControl) {
    const control =
      newCfg.controls.find((c) => c.name === fromName) ??
      newCfg.controls.find((c) => matchesAny(fromName, [c.name], flags));
    if (!control) {
      let total = 0;
      for (const t of labels.values()) total += t.count + t.drafts;
      return `There are ${total} annotation(s) created with tag "${fromName}", you can't remove it`;
    }
    if (hasDynamicLabels(control)) continue;
    const known = pooled ?? new Set(control.labels.map((l) => l.value));
    const lines: string[] = [];
    for (const [label, t] of labels) {
      if (known.has(label)) continue;
      const shown = [plural(t.count, 'annotation'), plural(t.drafts, 'draft')].filter(Boolean);
      lines.push(`${label} (${shown.join(', ')})\n`);
    }
    if (!lines.length) continue;
    return `These labels still exist in annotations or drafts:\n${lines.join('')}Please add labels to tag with name="${fromName}".`;
  }
  return null;
}
