import { useEffect, useMemo, useRef } from 'react';
import { parseConfig, walk, type ConfigNode } from './config';
import { EditorContext, type EditorContextValue } from './context';
import { createHotkeyRegistry, isTyping } from './hotkeys';
import { RegionList } from './RegionList';
import { TagNode } from './registry';
import { removeRegion, type AnnotationStore, type ControlRef } from './store';

export interface EditorProps {
  /** the project's labeling config (XML) */
  config: string;
  /** the task's `data` */
  data: Record<string, unknown>;
  store: AnnotationStore;
  /** Ctrl+Enter (⌘+Enter) */
  onSubmit?: () => void;
}

function indexByName(root: ConfigNode): Map<string, ConfigNode> {
  const byName = new Map<string, ConfigNode>();
  walk(root, (n) => n.attrs.name && byName.set(n.attrs.name, n));
  return byName;
}

/** The TextArea controls of a config, whose half-typed text is part of the submitted result. */
export function textAreasOf(config: string): ControlRef[] {
  const parsed = parseConfig(config);
  if (!parsed.ok) return [];
  const refs: ControlRef[] = [];
  walk(parsed.root, (n) => n.tag.toLowerCase() === 'textarea' && refs.push({ fromName: n.attrs.name ?? '', toName: n.attrs.toName ?? '', type: 'textarea' }));
  return refs;
}

/** Our labeling editor: the config's tags, each a component, over one annotation store. */
export function Editor({ config, data, store, onSubmit }: EditorProps) {
  const parsed = useMemo(() => parseConfig(config), [config]);
  const hotkeys = useMemo(() => createHotkeyRegistry(), []);
  const submit = useRef(onSubmit);
  submit.current = onSubmit;

  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        if (!submit.current) return;
        e.preventDefault();
        submit.current();
        return;
      }
      if (isTyping(e.target) || e.repeat) return;
      const selected = store.getState().selectedRegionId;
      if (selected && (e.key === 'Delete' || e.key === 'Backspace')) {
        e.preventDefault();
        store.update((s) => removeRegion(s, selected));
        return;
      }
      if (e.key === 'Escape') {
        store.update((s) => (s.selectedRegionId ? { ...s, selectedRegionId: null } : s));
        return;
      }
      if (hotkeys.handle(e)) e.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [hotkeys, store]);

  const ctx = useMemo<EditorContextValue | null>(() => (parsed.ok ? { store, data, root: parsed.root, byName: indexByName(parsed.root), hotkeys } : null), [parsed, store, data, hotkeys]);

  if (!parsed.ok || !ctx) {
    return (
      <div className="lf-config-error" role="alert">
        <strong>The labeling config cannot be shown.</strong>
        <pre>{parsed.ok ? '' : parsed.error}</pre>
      </div>
    );
  }
  return (
    <EditorContext.Provider value={ctx}>
      <div className="lf-editor">
        <TagNode node={ctx.root} />
        <RegionList />
      </div>
    </EditorContext.Provider>
  );
}
