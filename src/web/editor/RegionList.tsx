import { memo } from 'react';
import type { ResultItem } from '../api/types';
import { labelColor } from './colors';
import { useEditor } from './context';
import { removeRegion, useEditorState, type AnnotationStore } from './store';

/** Regions are results with a place in the object (a span, a shape); classifications are not listed. */
const REGION_TYPES = new Set(['labels', 'rectanglelabels', 'polygonlabels', 'keypointlabels']);

const KIND: Record<string, string> = { rectanglelabels: 'box', polygonlabels: 'polygon', keypointlabels: 'point' };

/** One row; memoized so selecting or moving one of thousands of regions re-renders only its row. */
const RegionRow = memo(function RegionRow({ r, selected, color, store }: { r: ResultItem; selected: boolean; color: string; store: AnnotationStore }) {
  const labels = (r.value[r.type] as string[] | undefined) ?? [];
  return (
    <li className={selected ? 'lf-region-selected' : undefined} data-region-id={r.id}>
      <button type="button" className="lf-region-pick" onClick={() => store.update((s) => ({ ...s, selectedRegionId: s.selectedRegionId === r.id ? null : r.id }))}>
        <span className="lf-swatch" style={{ ['--label-color' as string]: color }} />
        <strong>{labels.join(', ')}</strong> {r.type === 'labels' ? <q>{String(r.value.text ?? '')}</q> : <span className="lf-region-kind">{KIND[r.type]}</span>}
      </button>
      <button type="button" className="lf-icon-button" aria-label={`Delete region ${labels.join(', ')}`} onClick={() => store.update((s) => removeRegion(s, r.id))}>
        ×
      </button>
    </li>
  );
});

export function RegionList() {
  const { store, byName } = useEditor();
  const results = useEditorState(store, (s) => s.results);
  const selectedId = useEditorState(store, (s) => s.selectedRegionId);
  const regions = results.filter((r) => REGION_TYPES.has(r.type));
  if (regions.length === 0) return null;
  return (
    <section className="lf-regions" aria-label="Regions">
      <h3>Regions ({regions.length})</h3>
      <ul>
        {regions.map((r) => (
          <RegionRow key={r.id} r={r} selected={r.id === selectedId} color={labelColor(byName.get(r.from_name), ((r.value[r.type] as string[] | undefined) ?? [])[0] ?? '')} store={store} />
        ))}
      </ul>
    </section>
  );
}
