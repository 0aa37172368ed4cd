import { optionValue, type ConfigNode } from './config';

const PALETTE = ['#2f6fed', '#e5484d', '#30a46c', '#f76b15', '#8e4ec6', '#12a594', '#d6409f', '#978365', '#0090ff', '#ad7f58'];

/** A label's colour: its `background` attribute, else a palette colour by position. */
export function labelColor(control: ConfigNode | undefined, label: string): string {
  const options = control?.children.filter((c) => c.tag.toLowerCase() === 'label') ?? [];
  const at = options.findIndex((o) => optionValue(o) === label);
  const explicit = at >= 0 ? options[at].attrs.background : undefined;
  return explicit ?? PALETTE[(at >= 0 ? at : 0) % PALETTE.length];
}

/** The colour faded for a highlight behind text. */
export function highlight(color: string, percent = 35): string {
  return `color-mix(in srgb, ${color} ${percent}%, transparent)`;
}
