import { useEffect, useMemo, useRef } from 'react';
import { parseConfig, walk, type ConfigNode } from './config';
import { EditorContext, type EditorContextValue } from './context';
import { comboOf, createHotkeyRegistry, isTyping } from './hotkeys';
import { RegionList } from './RegionList';
import { TagNode } from './registry';
import { cycleSelection, redo, removeRegion, resultToSubmit, toggleHidden, undo, useEditorState, type AnnotationStore, type ControlRef } from './store';
import { validateForSubmit } from './validate';
import './editor.css';

export interface EditorProps {
  /** the project's labeling config (XML) */
  config: string;
  /** the task's `data` */
  data: Record<string, unknown>;
  store: AnnotationStore;
  /** Ctrl+Enter (⌘+Enter) */
  onSubmit?: () => void;
  /** Ctrl+Space (⌥+Enter), Label Studio's skip */
  onSkip?: () => void;
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

/** Undo and redo buttons; the keys are Ctrl+Z, Ctrl+Shift+Z and Ctrl+Y (⌘ on a Mac). */
function HistoryButtons({ store }: { store: AnnotationStore }) {
  const canUndo = useEditorState(store, (s) => s.past.length > 0);
  const canRedo = useEditorState(store, (s) => s.future.length > 0);
  return (
    <div className="lf-toolbar" role="toolbar" aria-label="Annotation history">
      <button type="button" className="lf-tool" aria-label="Undo" title="Undo (Ctrl+Z)" disabled={!canUndo} onClick={() => store.update(undo)}>
        ↶ Undo
      </button>
      <button type="button" className="lf-tool" aria-label="Redo" title="Redo (Ctrl+Shift+Z, Ctrl+Y)" disabled={!canRedo} onClick={() => store.update(redo)}>
        ↷ Redo
      </button>
    </div>
  );
}

/** What `required` controls still lack, as the labeling page's submit will be told by validateForSubmit. */
function ValidationNotes({ config, store }: { config: string; store: AnnotationStore }) {
  const results = useEditorState(store, (s) => s.results);
  const pending = useEditorState(store, (s) => s.pendingText);
  const textAreas = useMemo(() => textAreasOf(config), [config]);
  const messages = useMemo(() => validateForSubmit(config, resultToSubmit({ ...store.getState(), results, pendingText: pending }, textAreas)), [config, results, pending, textAreas, store]);
  if (messages.length === 0) return null;
  return (
    <div className="lf-validation" data-testid="validation" role="status">
      <strong>Required before submitting</strong>
      <ul>
        {messages.map((m) => (
          <li key={m}>{m}</li>
        ))}
      </ul>
    </div>
  );
}

/** Our labeling editor: the config's tags, each a component, over one annotation store. */
export function Editor({ config, data, store, onSubmit, onSkip }: EditorProps) {
  const parsed = useMemo(() => parseConfig(config), [config]);
  const hotkeys = useMemo(() => createHotkeyRegistry(), []);
  const submit = useRef(onSubmit);
  submit.current = onSubmit;
  const skip = useRef(onSkip);
  skip.current = onSkip;

  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (e.key === 'Enter' && mod) {
        if (!submit.current) return;
        e.preventDefault();
        submit.current();
        return;
      }
      if ((e.code === 'Space' && e.ctrlKey) || (e.key === 'Enter' && e.altKey)) {
        if (!skip.current) return;
        e.preventDefault();
        skip.current();
        return;
      }
      // in a text field, Ctrl+Z undoes typing
      if (isTyping(e.target)) return;
      if (mod && !e.altKey && (e.code === 'KeyZ' || e.code === 'KeyY')) {
        e.preventDefault();
        store.update(e.code === 'KeyY' || e.shiftKey ? redo : undo);
        return;
      }
      if (e.repeat) return;
      const selected = store.getState().selectedRegionId;
      if (selected && (e.key === 'Delete' || e.key === 'Backspace')) {
        e.preventDefault();
        store.update((s) => removeRegion(s, selected));
        return;
      }
      // Label Studio's region keys: Escape and U unselect, Alt+. cycles, Alt+H hides or shows the selected region
      if (e.key === 'Escape' || (selected && comboOf(e) === 'u')) {
        store.update((s) => (s.selectedRegionId ? { ...s, selectedRegionId: null } : s));
        return;
      }
      if (e.altKey && !mod && e.code === 'Period') {
        e.preventDefault();
        store.update(cycleSelection);
        return;
      }
      if (selected && e.altKey && !mod && e.code === 'KeyH') {
        e.preventDefault();
        store.update((s) => toggleHidden(s, selected));
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
        <HistoryButtons store={store} />
        <TagNode node={ctx.root} />
        <RegionList />
        <ValidationNotes config={config} store={store} />
      </div>
    </EditorContext.Provider>
  );
}
