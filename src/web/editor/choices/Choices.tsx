import { optionValue, styleOf, walk, type ConfigNode } from '../config';
import { useEditor } from '../context';
import { useHotkey } from '../hotkeys';
import { classificationOf, setClassification, useEditorState, type AnnotationStore, type ControlRef } from '../store';

const NONE: string[] = [];

function toggleChoice(store: AnnotationStore, ref: ControlRef, value: string, multiple: boolean): void {
  store.update((s) => {
    const current = (classificationOf(s, ref.fromName)?.value.choices as string[] | undefined) ?? NONE;
    const next = current.includes(value) ? current.filter((c) => c !== value) : multiple ? [...current, value] : [value];
    return setClassification(s, ref, next.length ? { choices: next } : null);
  });
}

function Choice({ option, control, multiple, checked }: { option: ConfigNode; control: ControlRef; multiple: boolean; checked: boolean }) {
  const { store } = useEditor();
  const value = optionValue(option);
  const toggle = () => toggleChoice(store, control, value, multiple);
  useHotkey(option.attrs.hotkey, toggle);
  return (
    <label className={`lf-choice${checked ? ' lf-choice-checked' : ''}`} style={styleOf(option.attrs.style)}>
      <input
        type={multiple ? 'checkbox' : 'radio'}
        name={control.fromName}
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

/** <Choices choice="single|single-radio|multiple" showInLine>: one `choices` result for the task. */
export function Choices({ node }: { node: ConfigNode }) {
  const { store } = useEditor();
  const ref: ControlRef = { fromName: node.attrs.name ?? '', toName: node.attrs.toName ?? '', type: 'choices' };
  const multiple = node.attrs.choice === 'multiple';
  const selected = useEditorState(store, (s) => (classificationOf(s, ref.fromName)?.value.choices as string[] | undefined) ?? NONE);
  const options: ConfigNode[] = [];
  walk(node, (n) => n.tag.toLowerCase() === 'choice' && options.push(n));
  const inline = node.attrs.showInLine === 'true';
  return (
    <fieldset className={`lf-choices${inline ? ' lf-inline' : ''}`} data-name={ref.fromName} style={styleOf(node.attrs.style)}>
      {options.map((o) => (
        <Choice key={o.key} option={o} control={ref} multiple={multiple} checked={selected.includes(optionValue(o))} />
      ))}
    </fieldset>
  );
}
