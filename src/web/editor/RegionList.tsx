import { memo } from 'react';
import type { ResultItem } from '../api/types';
import { labelColor } from './colors';
import { useEditor } from './context';
import { REGION_TYPES, removeRegion, toggleHidden, useEditorState, VALUE_KEY, type AnnotationStore } from './store';

const KIND: Record<string, string> = { rectanglelabels: 'box', polygonlabels: 'polygon', keypointlabels: 'point' };
const NO_ATTRIBUTES: ResultItem[] = [];

/** A per-region attribute in a few words: `quality: good`, `note: “blurry”`. */
function attributeText(r: ResultItem): string {
  const v = r.value[VALUE_KEY[r.type] ?? ''];
  const shown = Array.isArray(v) ? v.map((x) => (Array.isArray(x) ? x.join(' / ') : String(x))).join(', ') : String(v ?? '');
  return `${r.from_name}: ${shown}`;
}

function EyeIcon({ open }: { open: boolean }) {
  return (
    <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" aria-hidden="true">
      <path d="M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12z" />
      <circle cx="12" cy="12" r="3" />
      {!open && <path d="M3 3l18 18" />}
    </svg>
  );
}

interface RowProps {
  r: ResultItem;
  attributes: ResultItem[];
  selected: boolean;
  hidden: boolean;
  color: string;
  store: AnnotationStore;
}

/** One row; memoized so selecting or moving one of thousands of regions re-renders only its row. */
const RegionRow = memo(function RegionRow({ r, attributes, selected, hidden, color, store }: RowProps) {
  const labels = (r.value[r.type] as string[] | undefined) ?? [];
  const name = labels.join(', ') || 'unlabeled';
  return (
    <li className={[selected && 'lf-region-selected', hidden && 'lf-region-hidden'].filter(Boolean).join(' ') || undefined} data-region-id={r.id} data-hidden={hidden || undefined}>
      <button type="button" className="lf-region-pick" aria-pressed={selected} onClick={() => store.update((s) => ({ ...s, selectedRegionId: s.selectedRegionId === r.id ? null : r.id }))}>
        <span className="lf-swatch" style={{ ['--label-color' as string]: color }} />
        <strong>{name}</strong> {r.type === 'labels' ? <q>{String(r.value.text ?? '')}</q> : <span className="lf-region-kind">{KIND[r.type]}</span>}
        {attributes.length > 0 && <span className="lf-region-attributes">{attributes.map(attributeText).join(' · ')}</span>}
      </button>
      <button type="button" className="lf-icon-button lf-eye" aria-pressed={hidden} aria-label={`${hidden ? 'Show' : 'Hide'} region ${name}`} title={hidden ? 'Show' : 'Hide'} onClick={() => store.update((s) => toggleHidden(s, r.id))}>
        <EyeIcon open={!hidden} />
      </button>
      <button type="button" className="lf-icon-button" aria-label={`Delete region ${name}`} onClick={() => store.update((s) => removeRegion(s, r.id))}>
        ×
      </button>
    </li>
  );
});

/** The regions of the annotation: select one, hide or show it (hidden ones are still submitted), delete it. */
export function RegionList() {
  const { store, byName } = useEditor();
  const results = useEditorState(store, (s) => s.results);
  const selectedId = useEditorState(store, (s) => s.selectedRegionId);
  const hiddenIds = useEditorState(store, (s) => s.hiddenIds);
  const regions = results.filter((r) => REGION_TYPES.has(r.type));
  if (regions.length === 0) return null;
  const regionIds = new Set(regions.map((r) => r.id));
  const allHidden = regions.every((r) => hiddenIds.includes(r.id));
  const attributesOf = new Map<string, ResultItem[]>();
  for (const r of results) {
    if (REGION_TYPES.has(r.type) || !regionIds.has(r.id)) continue;
    attributesOf.set(r.id, [...(attributesOf.get(r.id) ?? []), r]);
  }
  return (
    <section className="lf-regions" aria-label="Regions">
      <div className="lf-regions-head">
        <h3>Regions ({regions.length})</h3>
        <button type="button" className="lf-tool" onClick={() => store.update((s) => ({ ...s, hiddenIds: allHidden ? [] : regions.map((r) => r.id) }))}>
          {allHidden ? 'Show all' : 'Hide all'}
        </button>
      </div>
      <ul>
        {regions.map((r) => (
          <RegionRow
            key={r.id}
            r={r}
            attributes={attributesOf.get(r.id) ?? NO_ATTRIBUTES}
            selected={r.id === selectedId}
            hidden={hiddenIds.includes(r.id)}
            color={labelColor(byName.get(r.from_name), ((r.value[r.type] as string[] | undefined) ?? [])[0] ?? '')}
            store={store}
          />
        ))}
      </ul>
    </section>
  );
}
