import { useEffect, useRef } from 'react';
import { useEditor } from './context';

const MODIFIERS = ['ctrl', 'alt', 'shift', 'meta'] as const;

/** `Shift+A` / `ctrl+1` → one spelling, modifiers in a fixed order. */
export function normalizeCombo(combo: string): string {
  const parts = combo.toLowerCase().split('+').map((p) => p.trim()).filter(Boolean);
  const mods = MODIFIERS.filter((m) => parts.includes(m));
  const key = parts.filter((p) => !(MODIFIERS as readonly string[]).includes(p)).join('+');
  return [...mods, key].join('+');
}

/** The combo a key press stands for; physical keys for letters and digits, so Shift+1 reads as `shift+1`. */
export function comboOf(e: KeyboardEvent): string {
  const key = e.code.startsWith('Key') ? e.code.slice(3).toLowerCase() : e.code.startsWith('Digit') ? e.code.slice(5) : e.key.toLowerCase();
  const mods = MODIFIERS.filter((m) => e[`${m}Key` as const]);
  return [...mods, key].join('+');
}

/** Keys typed into a field belong to the field. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export interface HotkeyRegistry {
  add: (combo: string, action: () => void) => () => void;
  /** runs the action bound to the event's combo; true when there was one */
  handle: (e: KeyboardEvent) => boolean;
}

export function createHotkeyRegistry(): HotkeyRegistry {
  const bound = new Map<string, () => void>();
  return {
    add: (combo, action) => {
      const key = normalizeCombo(combo);
      bound.set(key, action);
      return () => {
        if (bound.get(key) === action) bound.delete(key);
      };
    },
    handle: (e) => {
      const action = bound.get(comboOf(e));
      if (!action) return false;
      action();
      return true;
    },
  };
}

/** Binds `combo` (a tag's `hotkey` attribute) while the component is mounted. */
export function useHotkey(combo: string | undefined, action: () => void): void {
  const { hotkeys } = useEditor();
  const latest = useRef(action);
  latest.current = action;
  useEffect(() => {
    if (!combo) return;
    return hotkeys.add(combo, () => latest.current());
  }, [combo, hotkeys]);
}
