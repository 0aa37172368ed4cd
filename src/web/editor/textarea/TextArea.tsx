import { type KeyboardEvent } from 'react';
import { setSlot, slotValue, useControlSlot } from '../control-slot';
import { type ConfigNode } from '../config';
import { useEditor } from '../context';
import { PerRegionHint } from '../PerRegionHint';
import { useEditorState } from '../store';

const NONE: string[] = [];

/**
 * <TextArea name toName rows placeholder maxSubmissions perRegion>: lines of free text, one `textarea`
 * result for the task, or with perRegion one per region.
 */
export function TextArea({ node }: { node: ConfigNode }) {
  const { store } = useEditor();
  const slot = useControlSlot(node, 'textarea');
  const lines = useEditorState(store, (s) => (slotValue(s, slot)?.text as string[] | undefined) ?? NONE);
  const pending = useEditorState(store, (s) => s.pendingText[slot.key] ?? '');
  if (!slot.ready) return <PerRegionHint node={node} />;
  const rows = Number(node.attrs.rows) || 1;
  const max = Number(node.attrs.maxSubmissions) || Infinity;

  const setPending = (text: string) => store.update((s) => ({ ...s, pendingText: { ...s.pendingText, [slot.key]: text } }));
  const add = () => {
    const text = pending.trim();
    if (!text) return;
    store.update((s) => {
      const current = (slotValue(s, slot)?.text as string[] | undefined) ?? NONE;
      return { ...setSlot(s, slot, { text: [...current, text] }), pendingText: { ...s.pendingText, [slot.key]: '' } };
    });
  };
  const remove = (at: number) =>
    store.update((s) => {
      const next = lines.filter((_, i) => i !== at);
      return setSlot(s, slot, next.length ? { text: next } : null);
    });
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      add();
    }
  };
  const field = {
    value: pending,
    placeholder: node.attrs.placeholder ?? '',
    'aria-label': node.attrs.placeholder || `Text for ${slot.ref.fromName}`,
    onChange: (e: { target: { value: string } }) => setPending(e.target.value),
    onKeyDown,
  };
  return (
    <div className="lf-textarea" data-name={slot.ref.fromName}>
      {lines.length > 0 && (
        <ol className="lf-lines">
          {lines.map((line, i) => (
            <li key={i}>
              <span>{line}</span>
              <button type="button" className="lf-icon-button" aria-label={`Delete line ${i + 1}`} onClick={() => remove(i)}>
                ×
              </button>
            </li>
          ))}
        </ol>
      )}
      {lines.length < max && (
        <div className="lf-textarea-input">
          {rows > 1 ? <textarea rows={rows} {...field} /> : <input type="text" {...field} />}
          <button type="button" onClick={add} disabled={!pending.trim()}>
            Add
          </button>
        </div>
      )}
    </div>
  );
}
