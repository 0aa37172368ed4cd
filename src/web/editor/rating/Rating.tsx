import { type ConfigNode } from '../config';
import { useEditor } from '../context';
import { classificationOf, setClassification, useEditorState, type ControlRef } from '../store';

/** <Rating name toName maxRating="5">: a `rating` result; clicking the current value clears it. */
export function Rating({ node }: { node: ConfigNode }) {
  const { store } = useEditor();
  const ref: ControlRef = { fromName: node.attrs.name ?? '', toName: node.attrs.toName ?? '', type: 'rating' };
  const max = Math.max(1, Math.min(20, Number(node.attrs.maxRating) || 5));
  const rating = useEditorState(store, (s) => (classificationOf(s, ref.fromName)?.value.rating as number | undefined) ?? 0);
  const set = (n: number) => store.update((s) => setClassification(s, ref, n === rating ? null : { rating: n }));
  return (
    <div className="lf-rating" role="radiogroup" aria-label={`Rating ${ref.fromName}`} data-name={ref.fromName}>
      {Array.from({ length: max }, (_, i) => i + 1).map((n) => (
        <button key={n} type="button" role="radio" aria-checked={n === rating} aria-label={`${n} of ${max}`} className={`lf-star${n <= rating ? ' lf-star-on' : ''}`} onClick={() => set(n)}>
          ★
        </button>
      ))}
    </div>
  );
}
