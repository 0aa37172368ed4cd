import { labelColor } from './colors';
import { useEditor } from './context';
import { removeRegion, useEditorState } from './store';

/** Regions are results with a place in the object (a span); classifications are not listed. */
const REGION_TYPES = new Set(['labels']);

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
        {regions.map((r) => {
          const labels = (r.value.labels as string[] | undefined) ?? [];
          return (
            <li key={r.id} className={r.id === selectedId ? 'lf-region-selected' : undefined} data-region-id={r.id}>
              <button type="button" className="lf-region-pick" onClick={() => store.update((s) => ({ ...s, selectedRegionId: s.selectedRegionId === r.id ? null : r.id }))}>
                <span className="lf-swatch" style={{ ['--label-color' as string]: labelColor(byName.get(r.from_name), labels[0] ?? '') }} />
                <strong>{labels.join(', ')}</strong> <q>{String(r.value.text ?? '')}</q>
              </button>
              <button type="button" className="lf-icon-button" aria-label={`Delete region ${labels.join(', ')}`} onClick={() => store.update((s) => removeRegion(s, r.id))}>
                ×
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
