import type { FilterItem, Filters, FilterType } from '../api/dm';

/** Label Studio's operators per column type, in the order the menu offers them. */
export const OPERATORS: Record<FilterType, { id: string; label: string }[]> = {
  String: [
    { id: 'contains', label: 'contains' },
    { id: 'not_contains', label: 'does not contain' },
    { id: 'equal', label: 'is' },
    { id: 'not_equal', label: 'is not' },
    { id: 'starts_with', label: 'starts with' },
    { id: 'ends_with', label: 'ends with' },
    { id: 'regex', label: 'matches regex' },
    { id: 'empty', label: 'is empty' },
  ],
  Number: [
    { id: 'equal', label: '=' },
    { id: 'not_equal', label: '≠' },
    { id: 'greater', label: '>' },
    { id: 'greater_or_equal', label: '≥' },
    { id: 'less', label: '<' },
    { id: 'less_or_equal', label: '≤' },
    { id: 'in', label: 'is between' },
    { id: 'not_in', label: 'is not between' },
    { id: 'empty', label: 'is empty' },
  ],
  Boolean: [{ id: 'equal', label: 'is' }],
  Datetime: [
    { id: 'greater', label: 'is after' },
    { id: 'less', label: 'is before' },
    { id: 'in', label: 'is between' },
    { id: 'not_in', label: 'is not between' },
    { id: 'empty', label: 'is empty' },
  ],
};

export const isRange = (operator: string) => operator === 'in' || operator === 'not_in';

export const filterColumn = (item: FilterItem) => item.filter.replace(/^filter:/, '');

/** The value a fresh item of this type and operator starts with. */
export function initialValue(type: FilterType, operator: string): unknown {
  if (operator === 'empty') return true;
  if (isRange(operator)) return { min: null, max: null };
  if (type === 'Boolean') return true;
  return null;
}

export function newItem(column: string, type: FilterType): FilterItem {
  const operator = OPERATORS[type][0].id;
  return { filter: `filter:${column}`, operator, type, value: initialValue(type, operator) };
}

const blank = (v: unknown) => v === null || v === undefined || v === '';

/** An item the server can run: one still being typed (no value yet) is left out of the query. */
export function isComplete(item: FilterItem): boolean {
  if (item.operator === 'empty') return true;
  if (isRange(item.operator)) {
    const r = item.value as { min?: unknown; max?: unknown } | null;
    return !!r && !blank(r.min) && !blank(r.max);
  }
  return !blank(item.value);
}

export const EMPTY_FILTERS: Filters = { conjunction: 'and', items: [] };

export function runnableFilters(filters: Filters | undefined): Filters {
  if (!filters) return EMPTY_FILTERS;
  return { conjunction: filters.conjunction === 'or' ? 'or' : 'and', items: (filters.items ?? []).filter(isComplete) };
}
