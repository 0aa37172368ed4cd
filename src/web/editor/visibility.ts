import { regionOf, type EditorState } from './store';

function listOf(attr: string | undefined): string[] {
  return (attr ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

/**
 * Label Studio's `visibleWhen` (with `whenTagName`, `whenChoiceValue`, `whenLabelValue`): whether a tag shows
 * for the current results and selection. Unknown conditions show the tag, as an unknown attribute would.
 */
export function isVisible(attrs: Record<string, string>, s: Pick<EditorState, 'results' | 'selectedRegionId'>): boolean {
  const tagName = attrs.whenTagName;
  const choiceSelected = () => {
    const wanted = listOf(attrs.whenChoiceValue);
    return s.results.some((r) => {
      if (r.type !== 'choices' || (tagName && r.from_name !== tagName)) return false;
      const picked = (r.value.choices as string[] | undefined) ?? [];
      return wanted.length ? picked.some((c) => wanted.includes(c)) : picked.length > 0;
    });
  };
  const regionSelected = () => {
    const region = s.selectedRegionId ? regionOf(s.results, s.selectedRegionId) : undefined;
    if (!region) return false;
    if (tagName && region.from_name !== tagName && region.to_name !== tagName) return false;
    const wanted = listOf(attrs.whenLabelValue);
    const labels = (region.value[region.type] as string[] | undefined) ?? [];
    return wanted.length === 0 || labels.some((l) => wanted.includes(l));
  };
  switch (attrs.visibleWhen) {
    case 'choice-selected':
      return choiceSelected();
    case 'choice-unselected':
      return !choiceSelected();
    case 'region-selected':
      return regionSelected();
    case 'no-region-selected':
      return s.selectedRegionId === null;
    default:
      return true;
  }
}

/** Conditions that read only the results: they decide whether a hidden control is required at submit. */
export function dependsOnResultsOnly(attrs: Record<string, string>): boolean {
  return attrs.visibleWhen === 'choice-selected' || attrs.visibleWhen === 'choice-unselected';
}
