import { labelColor } from '../colors';
import { optionValue, styleOf, type ConfigNode } from '../config';
import { useEditor } from '../context';
import { useHotkey } from '../hotkeys';
import { updateRegionValue, useEditorState, type AnnotationStore } from '../store';

const NONE: string[] = [];

/**
 * Picks a label: it relabels the selected region of this control, else arms it for the next span or shape
 * (and disarms the other label controls, so one tool is active at a time).
 * `key` is the value's label key: `labels`, `rectanglelabels`, `polygonlabels`, `keypointlabels`.
 */
function pickLabel(store: AnnotationStore, control: string, key: string, label: string, multiple: boolean): void {
  store.update((s) => {
    const toggle = (current: string[]) => (current.includes(label) ? current.filter((l) => l !== label) : multiple ? [...current, label] : [label]);
    const region = s.results.find((r) => r.id === s.selectedRegionId && r.from_name === control);
    if (region) {
      const next = toggle((region.value[key] as string[]) ?? NONE);
      return next.length ? updateRegionValue(s, region.id, (v) => ({ ...v, [key]: next })) : s;
    }
    return { ...s, activeLabels: { [control]: toggle(s.activeLabels[control] ?? NONE) } };
  });
}

function Label({ option, control, multiple, active }: { option: ConfigNode; control: ConfigNode; multiple: boolean; active: boolean }) {
  const { store } = useEditor();
  const value = optionValue(option);
  const pick = () => pickLabel(store, control.attrs.name ?? '', control.tag.toLowerCase(), value, multiple);
  useHotkey(option.attrs.hotkey, pick);
  const color = labelColor(control, value);
  return (
    <button type="button" className={`lf-label${active ? ' lf-label-active' : ''}`} aria-pressed={active} style={{ ['--label-color' as string]: color, ...styleOf(option.attrs.style) }} onClick={pick}>
      <span className="lf-swatch" />
      {option.attrs.value ?? value}
      {option.attrs.hotkey && <kbd className="lf-hotkey">{option.attrs.hotkey}</kbd>}
    </button>
  );
}

/** <Labels>, <RectangleLabels>, <PolygonLabels>, <KeyPointLabels> (name toName choice="single|multiple"): the labels new regions get. */
export function Labels({ node }: { node: ConfigNode }) {
  const { store } = useEditor();
  const name = node.attrs.name ?? '';
  const multiple = node.attrs.choice === 'multiple';
  const active = useEditorState(store, (s) => s.activeLabels[name] ?? NONE);
  const options = node.children.filter((c) => c.tag.toLowerCase() === 'label');
  return (
    <div className="lf-labels" role="group" aria-label={`${node.tag} ${name}`} data-name={name} style={styleOf(node.attrs.style)}>
      {options.map((o) => (
        <Label key={o.key} option={o} control={node} multiple={multiple} active={active.includes(optionValue(o))} />
      ))}
    </div>
  );
}
