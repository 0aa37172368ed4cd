import { useControlSlot, setSlot, slotValue, type ControlSlot } from '../control-slot';
import { optionValue, styleOf, walk, type ConfigNode } from '../config';
import { useEditor } from '../context';
import { useHotkey } from '../hotkeys';
import { PerRegionHint } from '../PerRegionHint';
import { useEditorState, type AnnotationStore } from '../store';

const NONE: string[] = [];

function toggleChoice(store: AnnotationStore, slot: ControlSlot, value: string, multiple: boolean): void {
  store.update((s) => {
    const current = (slotValue(s, slot)?.choices as string[] | undefined) ?? NONE;
    const next = current.includes(value) ? current.filter((c) => c !== value) : multiple ? [...current, value] : [value];
    return setSlot(s, slot, next.length ? { choices: next } : null);
  });
}

function Choice({ option, slot, multiple, checked }: { option: ConfigNode; slot: ControlSlot; multiple: boolean; checked: boolean }) {
  const { store } = useEditor();
  const value = optionValue(option);
  const toggle = () => toggleChoice(store, slot, value, multiple);
  useHotkey(option.attrs.hotkey, toggle);
  return (
    <label className={`lf-choice${checked ? ' lf-choice-checked' : ''}`} style={styleOf(option.attrs.style)}>
      <input
        type={multiple ? 'checkbox' : 'radio'}
        name={slot.key}
        value={value}
        checked={checked}
        onChange={toggle}
        // a checked radio button never fires change: clicking it again clears the choice, as in Label Studio
        onClick={() => !multiple && checked && toggle()}
      />
      <span>{option.attrs.value ?? value}</span>
      {option.attrs.hotkey && <kbd className="lf-hotkey">{option.attrs.hotkey}</kbd>}
    </label>
  );
}

/**
 * <Choices choice="single|single-radio|multiple" showInLine (or layout="inline") perRegion>: one `choices` result for the task,
 * or with perRegion one per region, edited while the region is selected.
 */
export function Choices({ node }: { node: ConfigNode }) {
  const { store } = useEditor();
  const slot = useControlSlot(node, 'choices');
  const multiple = node.attrs.choice === 'multiple';
  const selected = useEditorState(store, (s) => (slotValue(s, slot)?.choices as string[] | undefined) ?? NONE);
  if (!slot.ready) return <PerRegionHint node={node} />;
  const options: ConfigNode[] = [];
  walk(node, (n) => n.tag.toLowerCase() === 'choice' && options.push(n));
  const inline = node.attrs.showInLine === 'true' || node.attrs.layout === 'inline';
  return (
    <fieldset className={`lf-choices${inline ? ' lf-inline' : ''}`} data-name={slot.ref.fromName} style={styleOf(node.attrs.style)}>
      {options.map((o) => (
        <Choice key={o.key} option={o} slot={slot} multiple={multiple} checked={selected.includes(optionValue(o))} />
      ))}
    </fieldset>
  );
}
