import { useSyncExternalStore } from 'react';
import type { ResultItem } from '../api/types';

/** Everything the editor's tags read and write; `results` is already Label Studio's result JSON. */
export interface EditorState {
  results: ResultItem[];
  /** per Labels control: the labels the next selected span gets */
  activeLabels: Record<string, string[]>;
  selectedRegionId: string | null;
  /** per TextArea control: text typed but not yet added as a line */
  pendingText: Record<string, string>;
}

export interface AnnotationStore {
  getState: () => EditorState;
  subscribe: (listener: () => void) => () => void;
  update: (change: (s: EditorState) => EditorState) => void;
}

export function createAnnotationStore(results: ResultItem[] = []): AnnotationStore {
  let state: EditorState = { results, activeLabels: {}, selectedRegionId: null, pendingText: {} };
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    update: (change) => {
      const next = change(state);
      if (next === state) return;
      state = next;
      for (const l of listeners) l();
    },
  };
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

/** The one result of a per-task control (choices, rating, text area), or undefined. */
export function classificationOf(s: EditorState, fromName: string): ResultItem | undefined {
  return s.results.find((r) => r.from_name === fromName);
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

export function addRegion(s: EditorState, ref: ControlRef, value: Record<string, unknown>): EditorState {
  const item: ResultItem = { id: newRegionId(), from_name: ref.fromName, to_name: ref.toName, type: ref.type, value, origin: 'manual' };
  return { ...s, results: [...s.results, item], selectedRegionId: null };
}

export function removeRegion(s: EditorState, id: string): EditorState {
  return { ...s, results: s.results.filter((r) => r.id !== id), selectedRegionId: s.selectedRegionId === id ? null : s.selectedRegionId };
}

export function updateRegionValue(s: EditorState, id: string, change: (value: Record<string, unknown>) => Record<string, unknown>): EditorState {
  return { ...s, results: s.results.map((r) => (r.id === id ? { ...r, value: change(r.value), origin: r.origin === 'prediction' ? 'prediction-changed' : r.origin } : r)) };
}

/** The result to submit: the store's results plus text still being typed in text areas. */
export function resultToSubmit(s: EditorState, textAreas: ControlRef[]): ResultItem[] {
  let next = s;
  for (const ref of textAreas) {
    const pending = (s.pendingText[ref.fromName] ?? '').trim();
    if (!pending) continue;
    const lines = (classificationOf(next, ref.fromName)?.value.text as string[] | undefined) ?? [];
    next = setClassification(next, ref, { text: [...lines, pending] });
  }
  return next.results;
}
