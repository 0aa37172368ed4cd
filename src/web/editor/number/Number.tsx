import { useEffect, useState } from 'react';
import { setSlot, slotValue, useControlSlot } from '../control-slot';
import { type ConfigNode } from '../config';
import { useEditor } from '../context';
import { PerRegionHint } from '../PerRegionHint';
import { useEditorState } from '../store';

function limit(attr: string | undefined): number | undefined {
  if (attr === undefined || attr.trim() === '') return undefined;
  const n = Number(attr);
  return Number.isFinite(n) ? n : undefined;
}

/** Why a typed number cannot be stored, or null when it can. */
export function numberProblem(n: number, min: number | undefined, max: number | undefined): string | null {
  if (min !== undefined && n < min) return `At least ${min}.`;
  if (max !== undefined && n > max) return `At most ${max}.`;
  return null;
}

/**
 * <Number name toName min max step required perRegion>: a `{number}` result. What is typed is stored when it is
 * a number inside [min, max]; an empty field removes the result.
 */
export function NumberTag({ node }: { node: ConfigNode }) {
  const { store } = useEditor();
  const slot = useControlSlot(node, 'number');
  const stored = useEditorState(store, (s) => slotValue(s, slot)?.number as number | undefined);
  const [typed, setTyped] = useState(stored === undefined ? '' : String(stored));
  // undo, redo and another region's selection change the stored number under the field
  useEffect(() => {
    setTyped((t) => (t !== '' && Number(t) === stored ? t : stored === undefined ? '' : String(stored)));
  }, [stored, slot.key]);
  if (!slot.ready) return <PerRegionHint node={node} />;
  const min = limit(node.attrs.min);
  const max = limit(node.attrs.max);
  const n = Number(typed);
  const problem = typed.trim() === '' ? null : Number.isFinite(n) ? numberProblem(n, min, max) : 'Not a number.';

  const onChange = (text: string) => {
    setTyped(text);
    const value = Number(text);
    const keep = text.trim() === '' ? null : Number.isFinite(value) && !numberProblem(value, min, max) ? { number: value } : undefined;
    if (keep === undefined) return;
    store.update((s) => setSlot(s, slot, keep), { coalesce: `number:${slot.key}` });
  };
  const label = node.attrs.placeholder || `Number ${slot.ref.fromName}`;
  return (
    <div className="lf-number" data-name={slot.ref.fromName}>
      <input
        type="number"
        aria-label={label}
        placeholder={node.attrs.placeholder}
        min={min}
        max={max}
        step={node.attrs.step ?? 'any'}
        value={typed}
        aria-invalid={problem ? true : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {problem && (
        <span className="lf-field-problem" role="alert">
          {problem}
        </span>
      )}
    </div>
  );
}
