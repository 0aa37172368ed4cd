import { setSlot, slotValue, useControlSlot } from '../control-slot';
import { type ConfigNode } from '../config';
import { useEditor } from '../context';
import { useHotkey } from '../hotkeys';
import { PerRegionHint } from '../PerRegionHint';
import { useEditorState } from '../store';

/**
 * <Rating name toName maxRating="5" hotkey perRegion>: a `rating` result; clicking the current value clears it.
 * The hotkey steps the rating up one star, and past the last back to none, as in Label Studio.
 */
export function Rating({ node }: { node: ConfigNode }) {
  const { store } = useEditor();
  const slot = useControlSlot(node, 'rating');
  const max = Math.max(1, Math.min(20, Number(node.attrs.maxRating) || 5));
  const rating = useEditorState(store, (s) => (slotValue(s, slot)?.rating as number | undefined) ?? 0);
  const stepUp = () =>
    store.update((s) => {
      const current = (slotValue(s, slot)?.rating as number | undefined) ?? 0;
      return setSlot(s, slot, current >= max ? null : { rating: current + 1 });
    });
  useHotkey(slot.ready ? node.attrs.hotkey : undefined, stepUp);
  if (!slot.ready) return <PerRegionHint node={node} />;
  const set = (n: number) => store.update((s) => setSlot(s, slot, n === rating ? null : { rating: n }));
  return (
    <div className="lf-rating" role="radiogroup" aria-label={`Rating ${slot.ref.fromName}`} data-name={slot.ref.fromName}>
      {Array.from({ length: max }, (_, i) => i + 1).map((n) => (
        <button key={n} type="button" role="radio" aria-checked={n === rating} aria-label={`${n} of ${max}`} className={`lf-star${n <= rating ? ' lf-star-on' : ''}`} onClick={() => set(n)}>
          ★
        </button>
      ))}
      {node.attrs.hotkey && <kbd className="lf-hotkey">{node.attrs.hotkey}</kbd>}
    </div>
  );
}
