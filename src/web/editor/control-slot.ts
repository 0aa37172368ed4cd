import { targetsOf, type ConfigNode } from './config';
import { useEditor } from './context';
import {
  classificationOf,
  perRegionResultOf,
  regionOf,
  setClassification,
  setPerRegion,
  useEditorState,
  type ControlRef,
  type EditorState,
} from './store';

/**
 * Where a classification control (Choices, TextArea, Rating, Number, Taxonomy) writes: one result for the
 * task, or with `perRegion="true"` one result per region, for the region selected now.
 */
export interface ControlSlot {
  ref: ControlRef;
  perRegion: boolean;
  /** the selected region this per-region control edits; null for per-task controls or when none fits */
  regionId: string | null;
  /** false for a per-region control while no region of its object is selected */
  ready: boolean;
  /** key in `pendingText` and the like: `name`, or `name@regionId` */
  key: string;
}

function selectedRegionFor(s: EditorState, targets: string[]): string | null {
  if (!s.selectedRegionId) return null;
  const region = regionOf(s.results, s.selectedRegionId);
  return region && targets.includes(region.to_name) ? region.id : null;
}

export function isPerRegion(node: ConfigNode): boolean {
  return node.attrs.perRegion === 'true' || node.attrs.perregion === 'true';
}

export function useControlSlot(node: ConfigNode, type: string): ControlSlot {
  const { store } = useEditor();
  const perRegion = isPerRegion(node);
  const targets = targetsOf(node);
  const regionId = useEditorState(store, (s) => (perRegion ? selectedRegionFor(s, targets) : null));
  const fromName = node.attrs.name ?? '';
  return {
    ref: { fromName, toName: targets[0] ?? '', type },
    perRegion,
    regionId,
    ready: !perRegion || regionId !== null,
    key: regionId ? `${fromName}@${regionId}` : fromName,
  };
}

/** The slot's current value (`{choices: [...]}`, `{number: 3}`, …; per region with the region's geometry). */
export function slotValue(s: EditorState, slot: ControlSlot): Record<string, unknown> | undefined {
  if (!slot.perRegion) return classificationOf(s, slot.ref.fromName)?.value;
  return slot.regionId ? perRegionResultOf(s, slot.ref.fromName, slot.regionId)?.value : undefined;
}

/** Sets the slot's value (`{rating: 4}`), or clears it with null. */
export function setSlot(s: EditorState, slot: ControlSlot, value: Record<string, unknown> | null): EditorState {
  if (!slot.perRegion) return setClassification(s, slot.ref, value);
  return slot.regionId ? setPerRegion(s, slot.ref, slot.regionId, value) : s;
}
