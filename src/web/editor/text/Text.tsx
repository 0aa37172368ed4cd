import { useMemo, useRef, useState } from 'react';
import type { ResultItem } from '../../api/types';
import { labelColor, highlight } from '../colors';
import { resolveValue, targetsOf, walk, type ConfigNode } from '../config';
import { useEditor } from '../context';
import { addRegion, useEditorState } from '../store';
import { expandToWords, segmentsOf, selectionOffsets } from './offsets';

function textOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** <Text name value="$field">: shows the text; with a <Labels> pointing at it, a mouse selection becomes a span. */
export function Text({ node }: { node: ConfigNode }) {
  const { store, data, root, byName } = useEditor();
  const name = node.attrs.name ?? '';
  const text = textOf(resolveValue(node.attrs.value, data));
  const container = useRef<HTMLDivElement>(null);
  const [hint, setHint] = useState<string | null>(null);
  // a drag that ends inside a span also clicks it; that click must not toggle the selection
  const justLabeled = useRef(false);

  const labelControls = useMemo(() => {
    const found: ConfigNode[] = [];
    walk(root, (n) => {
      if (n.tag.toLowerCase() === 'labels' && targetsOf(n).includes(name)) found.push(n);
    });
    return found;
  }, [root, name]);

  const results = useEditorState(store, (s) => s.results);
  const selectedId = useEditorState(store, (s) => s.selectedRegionId);
  const hiddenIds = useEditorState(store, (s) => s.hiddenIds);
  // hidden spans are not highlighted (they stay in the result)
  const regions = useMemo(() => results.filter((r) => r.to_name === name && r.type === 'labels' && !hiddenIds.includes(r.id)), [results, name, hiddenIds]);
  const segments = useMemo(() => segmentsOf(text, regions), [text, regions]);
  const lastSegmentOf = useMemo(() => {
    const last = new Map<string, number>();
    segments.forEach((seg, i) => seg.regions.forEach((r) => last.set(r.id, i)));
    return last;
  }, [segments]);

  const onMouseUp = () => {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0 || !container.current) return;
    let span = selectionOffsets(container.current, selection.getRangeAt(0));
    if (!span) return;
    if (node.attrs.granularity === 'word') span = expandToWords(text, span);
    if (labelControls.length === 0) return;
    const state = store.getState();
    const control = labelControls.find((c) => (state.activeLabels[c.attrs.name] ?? []).length > 0);
    if (!control) {
      setHint('Pick a label first, then select the text.');
      return;
    }
    setHint(null);
    const { start, end } = span;
    store.update((s) =>
      addRegion(s, { fromName: control.attrs.name, toName: name, type: 'labels' }, { start, end, text: text.slice(start, end), labels: [...(s.activeLabels[control.attrs.name] ?? [])] }),
    );
    selection.removeAllRanges();
    justLabeled.current = true;
  };

  const colorOf = (r: ResultItem) => labelColor(byName.get(r.from_name), ((r.value.labels as string[]) ?? [])[0] ?? '');

  return (
    <div className="lf-text-tag">
      <div ref={container} className="lf-text" data-name={name} onMouseDown={() => (justLabeled.current = false)} onMouseUp={onMouseUp}>
        {segments.map((seg, i) => {
          const piece = text.slice(seg.start, seg.end);
          if (seg.regions.length === 0) return piece;
          const top = seg.regions[seg.regions.length - 1];
          const under = seg.regions.slice(0, -1).map((r, k) => `inset 0 -${3 * (k + 1)}px 0 ${colorOf(r)}`);
          const endsHere = seg.regions.filter((r) => lastSegmentOf.get(r.id) === i);
          return (
            <span
              key={seg.start}
              className={`lf-span${seg.regions.some((r) => r.id === selectedId) ? ' lf-span-selected' : ''}`}
              style={{ background: highlight(colorOf(top)), boxShadow: under.join(', ') || undefined }}
              data-region-id={top.id}
              data-label={endsHere.length ? endsHere.map((r) => ((r.value.labels as string[]) ?? []).join(', ')).join(' · ') : undefined}
              onClick={() => {
                if (justLabeled.current) return;
                store.update((s) => ({ ...s, selectedRegionId: s.selectedRegionId === top.id ? null : top.id }));
              }}
            >
              {piece}
            </span>
          );
        })}
      </div>
      {hint && (
        <p className="lf-hint" role="status">
          {hint}
        </p>
      )}
    </div>
  );
}
