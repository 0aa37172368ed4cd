import type { FilterItem, Filters, FilterType } from '../api/dm';
import { filterColumn, initialValue, isRange, newItem, OPERATORS } from './filter-grammar';

export interface FilterColumn {
  id: string;
  title: string;
  type: FilterType;
}

interface Props {
  columns: FilterColumn[];
  filters: Filters;
  /** `typing` marks a change to a value still being typed: save it a little later */
  onChange: (filters: Filters, typing?: boolean) => void;
}

/** datetime-local text ⇄ the ISO time the server compares */
const toIso = (local: string) => (local ? new Date(local).toISOString() : null);
function toLocal(iso: unknown): string {
  if (typeof iso !== 'string' || !iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

function ValueInput({ type, value, onChange, label }: { type: FilterType; value: unknown; onChange: (v: unknown) => void; label: string }) {
  if (type === 'Number') {
    return <input type="number" aria-label={label} className="dm-filter-value" value={value === null || value === undefined ? '' : String(value)} onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value))} />;
  }
  if (type === 'Datetime') {
    return <input type="datetime-local" aria-label={label} className="dm-filter-value" value={toLocal(value)} onChange={(e) => onChange(toIso(e.target.value))} />;
  }
  if (type === 'Boolean') {
    return (
      <select aria-label={label} className="dm-filter-value" value={String(value === true || value === 'true')} onChange={(e) => onChange(e.target.value === 'true')}>
        <option value="true">yes</option>
        <option value="false">no</option>
      </select>
    );
  }
  return <input type="text" aria-label={label} className="dm-filter-value" value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value)} />;
}

function ItemValue({ item, onChange }: { item: FilterItem; onChange: (value: unknown, typing: boolean) => void }) {
  if (item.operator === 'empty') return <ValueInput type="Boolean" label="Value" value={item.value} onChange={(v) => onChange(v, false)} />;
  if (isRange(item.operator)) {
    const range = (item.value ?? { min: null, max: null }) as { min: unknown; max: unknown };
    return (
      <span className="dm-filter-range">
        <ValueInput type={item.type} label="From" value={range.min} onChange={(v) => onChange({ ...range, min: v }, true)} />
        <span className="muted">and</span>
        <ValueInput type={item.type} label="To" value={range.max} onChange={(v) => onChange({ ...range, max: v }, true)} />
      </span>
    );
  }
  return <ValueInput type={item.type} label="Value" value={item.value} onChange={(v) => onChange(v, item.type !== 'Boolean')} />;
}

/** Filters in Label Studio's grammar: rows of column, operator and value, joined by one conjunction. */
export function FilterPanel({ columns, filters, onChange }: Props) {
  const items = filters.items;
  const set = (i: number, item: FilterItem, typing = false) => onChange({ ...filters, items: items.map((x, j) => (j === i ? item : x)) }, typing);
  const typeOf = (column: string) => columns.find((c) => c.id === column)?.type ?? 'String';

  return (
    <div className="dm-filters">
      {items.length === 0 && <p className="muted">No filters: every task is shown.</p>}
      {items.map((item, i) => {
        const column = filterColumn(item);
        return (
          <div key={i} className="dm-filter-row" data-testid="filter-row">
            <span className="dm-filter-join">
              {i === 0 ? (
                'Where'
              ) : i === 1 ? (
                <select aria-label="Conjunction" value={filters.conjunction} onChange={(e) => onChange({ ...filters, conjunction: e.target.value as 'and' | 'or' })}>
                  <option value="and">and</option>
                  <option value="or">or</option>
                </select>
              ) : (
                filters.conjunction
              )}
            </span>
            <select aria-label="Column" value={column} onChange={(e) => set(i, newItem(e.target.value, typeOf(e.target.value)))}>
              {columns.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.title}
                </option>
              ))}
            </select>
            <select
              aria-label="Operator"
              value={item.operator}
              onChange={(e) => {
                const operator = e.target.value;
                const keep = operator !== 'empty' && item.operator !== 'empty' && isRange(operator) === isRange(item.operator);
                set(i, { ...item, operator, value: keep ? item.value : initialValue(item.type, operator) });
              }}
            >
              {OPERATORS[item.type].map((o) => (
                <option key={o.id} value={o.id}>
                  {o.label}
                </option>
              ))}
            </select>
            <ItemValue item={item} onChange={(value, typing) => set(i, { ...item, value }, typing)} />
            <button type="button" className="icon-button" aria-label="Remove filter" onClick={() => onChange({ ...filters, items: items.filter((_, j) => j !== i) })}>
              ×
            </button>
          </div>
        );
      })}
      <button type="button" onClick={() => columns[0] && onChange({ ...filters, items: [...items, newItem(columns[0].id, columns[0].type)] })}>
        + Add filter
      </button>
    </div>
  );
}
