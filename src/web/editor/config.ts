/** One element of a labeling config, as the browser's XML parser read it. */
export interface ConfigNode {
  /** the tag as written (`Choices`) */
  tag: string;
  attrs: Record<string, string>;
  children: ConfigNode[];
  /** a stable React key: the element's path in the tree */
  key: string;
}

export type ParsedConfig = { ok: true; root: ConfigNode } | { ok: false; error: string };

function toNode(el: Element, key: string): ConfigNode {
  const attrs: Record<string, string> = {};
  for (const a of Array.from(el.attributes)) attrs[a.name] = a.value;
  const children = Array.from(el.children).map((c, i) => toNode(c, `${key}.${i}`));
  return { tag: el.tagName, attrs, children, key };
}

/** Parses the XML with DOMParser; a syntax error comes back as the parser's message. */
export function parseConfig(xml: string): ParsedConfig {
  if (!xml.trim()) return { ok: false, error: 'The labeling config is empty.' };
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  const failure = doc.getElementsByTagName('parsererror')[0];
  if (failure) return { ok: false, error: (failure.textContent ?? 'The XML could not be parsed.').trim() };
  const root = doc.documentElement;
  if (root.tagName.toLowerCase() !== 'view') return { ok: false, error: `The config must start with <View>, not <${root.tagName}>.` };
  return { ok: true, root: assignHotkeys(toNode(root, '0')) };
}

export function walk(node: ConfigNode, visit: (n: ConfigNode) => void): void {
  visit(node);
  for (const c of node.children) walk(c, visit);
}

/** `$field` (or `$a.b`) → the task's value; anything else is a literal. */
export function resolveValue(value: string | undefined, data: Record<string, unknown>): unknown {
  if (value === undefined) return undefined;
  if (!value.startsWith('$')) return value;
  let cur: unknown = data;
  for (const part of value.slice(1).split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Names this control points at (`toName` may list several, comma separated). */
export function targetsOf(node: ConfigNode): string[] {
  return (node.attrs.toName ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

/** The value a Choice or Label stands for (`alias` wins, as in Label Studio). */
export function optionValue(node: ConfigNode): string {
  return node.attrs.alias ?? node.attrs.value ?? '';
}

/** The tags Label Studio gives a key when the config names none: options, and Rating (its key steps the rating up). */
const KEYED_TAGS = new Set(['choice', 'label', 'rating']);

/** The keys Label Studio hands out, in order, to keyed tags that name no `hotkey` (its Hotkey.makeComb). */
const AUTO_HOTKEYS = [...'1234567890qwetasdfgzxcvbyiopjklnm'];

/**
 * As Label Studio binds them: every `hotkey` the config names is taken first; then each choice, label and
 * rating without one gets the next free key of AUTO_HOTKEYS, in document order, while keys last.
 */
function assignHotkeys(root: ConfigNode): ConfigNode {
  const options: ConfigNode[] = [];
  const taken = new Set<string>();
  const visit = (n: ConfigNode) => {
    if (n.attrs.hotkey) taken.add(n.attrs.hotkey.toLowerCase());
    // a taxonomy's items are picked in its tree, not by keys
    if (n.tag.toLowerCase() === 'taxonomy') return;
    if (KEYED_TAGS.has(n.tag.toLowerCase())) options.push(n);
    n.children.forEach(visit);
  };
  visit(root);
  const free = AUTO_HOTKEYS.filter((k) => !taken.has(k));
  for (const n of options) {
    if (n.attrs.hotkey) continue;
    const key = free.shift();
    if (key === undefined) break;
    n.attrs = { ...n.attrs, hotkey: key };
  }
  return root;
}

/** A CSS declaration list from a `style` attribute → a React style object. */
export function styleOf(css: string | undefined): Record<string, string> | undefined {
  if (!css) return undefined;
  const style: Record<string, string> = {};
  for (const decl of css.split(';')) {
    const at = decl.indexOf(':');
    if (at < 0) continue;
    const prop = decl.slice(0, at).trim();
    const value = decl.slice(at + 1).trim();
    if (!prop || !value) continue;
    const name = prop.startsWith('--') ? prop : prop.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    style[name] = value;
  }
  return style;
}
