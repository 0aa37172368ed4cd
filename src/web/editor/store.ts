import { useSyncExternalStore } from 'react';
import type { ResultItem } from '../api/types';

/** Everything the editor's tags read and write; `results` is already Label Studio's result JSON. */
export interface EditorState {
  results: ResultItem[];
  /** per Labels control: the labels the next selected span gets */
  activeLabels: Record<string, string[]>;
  selectedRegionId: string | null;
  /** per TextArea control (`name`, or `name@regionId` per region): text typed but not yet added as a line */
  pendingText: Record<string, string>;
  /** regions not drawn right now; they are still part of the result */
  hiddenIds: string[];
  /** earlier `results`, newest last: what undo goes back to */
  past: ResultItem[][];
  /** undone `results`, next redo last */
  future: ResultItem[][];
}

export interface UpdateOptions {
  /**
   * Changes with the same key in quick succession (typing digits into a Number) make one undo step.
   */
  coalesce?: string;
}

export interface AnnotationStore {
  getState: () => EditorState;
  subscribe: (listener: () => void) => () => void;
  update: (change: (s: EditorState) => EditorState, options?: UpdateOptions) => void;
}

const HISTORY_LIMIT = 200;
const COALESCE_MS = 1500;

/**
 * The store. Every change of `results` is one undo step, recorded here so no tag has to remember;
 * changes of selection, armed labels, visibility or half-typed text are not.
 */
export function createAnnotationStore(results: ResultItem[] = []): AnnotationStore {
  let state: EditorState = { results, activeLabels: {}, selectedRegionId: null, pendingText: {}, hiddenIds: [], past: [], future: [] };
  let last: { key: string; at: number } | null = null;
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    update: (change, options) => {
      let next = change(state);
      if (next === state) return;
      // undo and redo move the history themselves
      if (next.results !== state.results && next.past === state.past) {
        const now = performance.now();
        const merge = options?.coalesce !== undefined && last?.key === options.coalesce && now - last.at < COALESCE_MS;
        next = { ...next, past: merge ? state.past : [...state.past, state.results].slice(-HISTORY_LIMIT), future: [] };
        last = options?.coalesce !== undefined ? { key: options.coalesce, at: now } : null;
      }
      state = next;
      for (const l of listeners) l();
    },
  };
}

function withResults(s: EditorState, results: ResultItem[]): EditorState {
  const selected = s.selectedRegionId && results.some((r) => r.id === s.selectedRegionId) ? s.selectedRegionId : null;
  return { ...s, results, selectedRegionId: selected };
}

export function undo(s: EditorState): EditorState {
  const previous = s.past[s.past.length - 1];
  if (!previous) return s;
  return { ...withResults(s, previous), past: s.past.slice(0, -1), future: [...s.future, s.results] };
}

export function redo(s: EditorState): EditorState {
  const next = s.future[s.future.length - 1];
  if (!next) return s;
  return { ...withResults(s, next), past: [...s.past, s.results], future: s.future.slice(0, -1) };
}

export function useEditorState<T>(store: AnnotationStore, select: (s: EditorState) => T): T {
  return useSyncExternalStore(store.subscribe, () => select(store.getState()));
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

/** Region ids look like Label Studio's: 10 url-safe characters. */
export function newRegionId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  return Array.from(bytes, (b) => ID_ALPHABET[b % 64]).join('');
}

export interface ControlRef {
  fromName: string;
  toName: string;
  type: string;
}

/** Results with a place in the object (a span, a shape): regions. Classifications are not. */
export const REGION_TYPES = new Set(['labels', 'rectanglelabels', 'polygonlabels', 'keypointlabels']);

/** The key a classification control writes into `value`, by result type. */
export const VALUE_KEY: Record<string, string> = { choices: 'choices', textarea: 'text', rating: 'rating', number: 'number', taxonomy: 'taxonomy' };

/** The region itself among the results sharing its id (the others are its per-region attributes). */
export function regionOf(results: ResultItem[], id: string): ResultItem | undefined {
  return results.find((r) => r.id === id && REGION_TYPES.has(r.type));
}

interface Place {
  /** the region's value without its labels */
  value: Record<string, unknown>;
  /** the image size fields next to `value`, when the region has them */
  size: Record<string, unknown>;
}

/** A region's place: what Label Studio copies into each of its per-region results. */
function placeOf(region: ResultItem): Place {
  const { [region.type]: _labels, ...value } = region.value;
  const size: Record<string, unknown> = {};
  for (const k of ['original_width', 'original_height', 'image_rotation']) if (region[k] !== undefined) size[k] = region[k];
  return { value, size };
}

/** The one result of a per-task control (choices, rating, text area), or undefined. */
export function classificationOf(s: EditorState, fromName: string): ResultItem | undefined {
  return s.results.find((r) => r.from_name === fromName);
}

/** A per-region control's result for one region, or undefined. */
export function perRegionResultOf(s: EditorState, fromName: string, regionId: string): ResultItem | undefined {
  return s.results.find((r) => r.from_name === fromName && r.id === regionId);
}

/** Sets (or with `value` null, removes) the single result of a per-task control, keeping its id. */
export function setClassification(s: EditorState, ref: ControlRef, value: Record<string, unknown> | null): EditorState {
  const existing = classificationOf(s, ref.fromName);
  const others = s.results.filter((r) => r !== existing);
  if (value === null) return existing ? { ...s, results: others } : s;
  const item: ResultItem = { id: existing?.id ?? newRegionId(), from_name: ref.fromName, to_name: ref.toName, type: ref.type, value, origin: 'manual' };
  const at = existing ? s.results.indexOf(existing) : s.results.length;
  const results = [...others];
  results.splice(at, 0, item);
  return { ...s, results };
}

/**
 * Sets (or removes) a per-region attribute: as Label Studio writes it, a result with the region's id,
 * its geometry (and image size) in `value` next to the control's own key.
 */
export function setPerRegion(s: EditorState, ref: ControlRef, regionId: string, value: Record<string, unknown> | null): EditorState {
  const region = regionOf(s.results, regionId);
  if (!region) return s;
  const existing = perRegionResultOf(s, ref.fromName, regionId);
  const others = s.results.filter((r) => r !== existing);
  if (value === null) return existing ? { ...s, results: others } : s;
  const place = placeOf(region);
  const item: ResultItem = { ...place.size, id: regionId, from_name: ref.fromName, to_name: region.to_name, type: ref.type, value: { ...place.value, ...value }, origin: 'manual' };
  const at = existing ? s.results.indexOf(existing) : s.results.length;
  const results = [...others];
  results.splice(at, 0, item);
  return { ...s, results };
}

export function addRegion(s: EditorState, ref: ControlRef, value: Record<string, unknown>): EditorState {
  const item: ResultItem = { id: newRegionId(), from_name: ref.fromName, to_name: ref.toName, type: ref.type, value, origin: 'manual' };
  return { ...s, results: [...s.results, item], selectedRegionId: null };
}

/** Removes a region with its per-region attributes. */
export function removeRegion(s: EditorState, id: string): EditorState {
  return { ...s, results: s.results.filter((r) => r.id !== id), selectedRegionId: s.selectedRegionId === id ? null : s.selectedRegionId };
}

/** Changes a region's value (move, resize, relabel); its per-region attributes follow its geometry. */
export function updateRegionValue(s: EditorState, id: string, change: (value: Record<string, unknown>) => Record<string, unknown>): EditorState {
  const region = regionOf(s.results, id);
  if (!region) return s;
  const moved: ResultItem = { ...region, value: change(region.value), origin: region.origin === 'prediction' ? 'prediction-changed' : region.origin };
  const place = placeOf(moved);
  const results = s.results.map((r) => {
    if (r === region) return moved;
    if (r.id !== id) return r;
    const key = VALUE_KEY[r.type];
    return { ...r, ...place.size, value: key ? { ...place.value, [key]: r.value[key] } : { ...r.value, ...place.value } };
  });
  return { ...s, results };
}

/** Alt+. in Label Studio: selects the region after the selected one (the first when none is), round the list. */
export function cycleSelection(s: EditorState): EditorState {
  const regions = s.results.filter((r) => REGION_TYPES.has(r.type));
  if (regions.length === 0) return s;
  const at = regions.findIndex((r) => r.id === s.selectedRegionId);
  return { ...s, selectedRegionId: regions[(at + 1) % regions.length].id };
}

export function toggleHidden(s: EditorState, id: string): EditorState {
  return { ...s, hiddenIds: s.hiddenIds.includes(id) ? s.hiddenIds.filter((h) => h !== id) : [...s.hiddenIds, id] };
}

/** The result to submit: the store's results plus text still being typed in text areas. */
export function resultToSubmit(s: EditorState, textAreas: ControlRef[]): ResultItem[] {
  let next = s;
  for (const [key, typed] of Object.entries(s.pendingText)) {
    const pending = typed.trim();
    if (!pending) continue;
    const [name, regionId] = key.split('@');
    const ref = textAreas.find((t) => t.fromName === name);
    if (!ref) continue;
    const current = regionId ? perRegionResultOf(next, name, regionId) : classificationOf(next, name);
    const lines = [...((current?.value.text as string[] | undefined) ?? []), pending];
    next = regionId ? setPerRegion(next, ref, regionId, { text: lines }) : setClassification(next, ref, { text: lines });
  }
  return next.results;
}
