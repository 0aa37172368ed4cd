import { createContext, useContext } from 'react';
import type { ConfigNode } from './config';
import type { HotkeyRegistry } from './hotkeys';
import type { AnnotationStore } from './store';

export interface EditorContextValue {
  store: AnnotationStore;
  /** the task's `data` */
  data: Record<string, unknown>;
  root: ConfigNode;
  /** every named tag of the config */
  byName: Map<string, ConfigNode>;
  hotkeys: HotkeyRegistry;
}

export const EditorContext = createContext<EditorContextValue | null>(null);

export function useEditor(): EditorContextValue {
  const ctx = useContext(EditorContext);
  if (!ctx) throw new Error('an editor tag rendered outside <Editor>');
  return ctx;
}
