import type { SelectedItems } from '../api/dm';

/**
 * Which tasks are ticked, as Label Studio sends it: either these ids, or every task the filters match
 * except these ids (`all`), so "select all" over 100,000 tasks never lists them.
 */
export interface Selection {
  all: boolean;
  ids: ReadonlySet<number>;
}

export const NOTHING: Selection = { all: false, ids: new Set() };
export const EVERYTHING: Selection = { all: true, ids: new Set() };

export const isSelected = (s: Selection, id: number) => s.all !== s.ids.has(id);

export const selectedCount = (s: Selection, total: number) => (s.all ? Math.max(0, total - s.ids.size) : s.ids.size);

export function toggle(s: Selection, id: number): Selection {
  const ids = new Set(s.ids);
  if (ids.has(id)) ids.delete(id);
  else ids.add(id);
  return { all: s.all, ids };
}

export const toWire = (s: Selection): SelectedItems => (s.all ? { all: true, excluded: [...s.ids] } : { all: false, included: [...s.ids] });
