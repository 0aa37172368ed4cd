import { useMemo, useState } from 'react';
import { setSlot, slotValue, useControlSlot, type ControlSlot } from '../control-slot';
import { optionValue, type ConfigNode } from '../config';
import { useEditor } from '../context';
import { PerRegionHint } from '../PerRegionHint';
import { useEditorState, type AnnotationStore } from '../store';

const NONE: string[][] = [];

interface Item {
  key: string;
  /** the values from the root to this item: what a result stores */
  path: string[];
  label: string;
  children: Item[];
}

function itemsOf(node: ConfigNode, parent: string[] = []): Item[] {
  return node.children
    .filter((c) => c.tag.toLowerCase() === 'choice')
    .map((c) => {
      const path = [...parent, optionValue(c)];
      return { key: c.key, path, label: c.attrs.value ?? optionValue(c), children: itemsOf(c, path) };
    });
}

/** The labels shown for a stored path (values may be aliases); unknown values show as stored. */
function labelsOf(items: Item[], path: string[]): string[] {
  let level = items;
  return path.map((value) => {
    const item = level.find((i) => i.path[i.path.length - 1] === value);
    level = item?.children ?? [];
    return item?.label ?? value;
  });
}

const samePath = (a: string[], b: string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** The items matching the search, with the ancestors that lead to them. */
function filterItems(items: Item[], query: string): Item[] {
  if (!query) return items;
  const q = query.toLowerCase();
  return items.flatMap((item) => {
    if (item.label.toLowerCase().includes(q)) return [item];
    const children = filterItems(item.children, query);
    return children.length ? [{ ...item, children }] : [];
  });
}

function togglePath(store: AnnotationStore, slot: ControlSlot, path: string[], maxUsages: number): void {
  store.update((s) => {
    const current = (slotValue(s, slot)?.taxonomy as string[][] | undefined) ?? NONE;
    const has = current.some((p) => samePath(p, path));
    if (!has && current.length >= maxUsages) return s;
    const next = has ? current.filter((p) => !samePath(p, path)) : [...current, path];
    return setSlot(s, slot, next.length ? { taxonomy: next } : null);
  });
}

interface TreeProps {
  items: Item[];
  selected: string[][];
  open: Set<string>;
  searching: boolean;
  leafsOnly: boolean;
  onToggleOpen: (key: string) => void;
  onPick: (path: string[]) => void;
}

function Tree({ items, selected, open, searching, leafsOnly, onToggleOpen, onPick }: TreeProps) {
  return (
    <ul role="group" className="lf-taxonomy-tree">
      {items.map((item) => {
        const expanded = searching || open.has(item.key);
        const checked = selected.some((p) => samePath(p, item.path));
        const pickable = !leafsOnly || item.children.length === 0;
        return (
          <li key={item.key} role="treeitem" aria-expanded={item.children.length ? expanded : undefined} aria-selected={checked}>
            <div className="lf-taxonomy-row">
              {item.children.length > 0 ? (
                <button type="button" className="lf-icon-button lf-taxonomy-twisty" aria-label={`${expanded ? 'Collapse' : 'Expand'} ${item.label}`} onClick={() => onToggleOpen(item.key)}>
                  {expanded ? '▾' : '▸'}
                </button>
              ) : (
                <span className="lf-taxonomy-twisty" />
              )}
              <label>
                <input type="checkbox" checked={checked} disabled={!pickable} onChange={() => onPick(item.path)} />
                {item.label}
              </label>
            </div>
            {expanded && item.children.length > 0 && <Tree items={item.children} selected={selected} open={open} searching={searching} leafsOnly={leafsOnly} onToggleOpen={onToggleOpen} onPick={onPick} />}
          </li>
        );
      })}
    </ul>
  );
}

/**
 * <Taxonomy name toName leafsOnly showFullPath pathSeparator maxUsages placeholder perRegion> with nested <Choice>: a searchable tree;
 * each picked item is a path from the root, stored as `{taxonomy: [["A", "A1"], ["B"]]}`.
 */
export function Taxonomy({ node }: { node: ConfigNode }) {
  const { store } = useEditor();
  const slot = useControlSlot(node, 'taxonomy');
  const selected = useEditorState(store, (s) => (slotValue(s, slot)?.taxonomy as string[][] | undefined) ?? NONE);
  const items = useMemo(() => itemsOf(node), [node]);
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState<Set<string>>(() => new Set());
  const shown = useMemo(() => filterItems(items, query.trim()), [items, query]);
  if (!slot.ready) return <PerRegionHint node={node} />;
  const maxUsages = Number(node.attrs.maxUsages) || Infinity;
  const name = slot.ref.fromName;
  const separator = node.attrs.pathSeparator ?? ' / ';
  const fullPath = node.attrs.showFullPath === 'true';
  const pick = (path: string[]) => togglePath(store, slot, path, maxUsages);
  const toggleOpen = (key: string) =>
    setOpen((o) => {
      const next = new Set(o);
      if (!next.delete(key)) next.add(key);
      return next;
    });
  return (
    <div className="lf-taxonomy" data-name={name}>
      <ul className="lf-taxonomy-picked" aria-label={`Picked in ${name}`}>
        {selected.map((p) => {
          const labels = labelsOf(items, p);
          const full = labels.join(separator);
          return (
            <li key={p.join('\u0000')} title={full}>
              <span>{fullPath ? full : labels[labels.length - 1]}</span>
              <button type="button" className="lf-icon-button" aria-label={`Remove ${full}`} onClick={() => pick(p)}>
                ×
              </button>
            </li>
          );
        })}
        {selected.length === 0 && <li className="lf-hint">{node.attrs.placeholder ?? 'Nothing picked yet.'}</li>}
      </ul>
      <input type="search" className="lf-taxonomy-search" aria-label={`Search ${name}`} placeholder="Search…" value={query} onChange={(e) => setQuery(e.target.value)} />
      <div role="tree" aria-label={`Taxonomy ${name}`} aria-multiselectable="true">
        {shown.length ? (
          <Tree items={shown} selected={selected} open={open} searching={query.trim() !== ''} leafsOnly={node.attrs.leafsOnly === 'true'} onToggleOpen={toggleOpen} onPick={pick} />
        ) : (
          <p className="lf-hint">No item matches “{query}”.</p>
        )}
      </div>
    </div>
  );
}
