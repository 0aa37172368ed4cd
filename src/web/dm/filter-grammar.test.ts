import { describe, expect, it } from 'vitest';
import { columnsOf, hiddenOf, inferDataType } from './columns';
import { newItem, OPERATORS, runnableFilters } from './filter-grammar';
import { EVERYTHING, NOTHING, isSelected, selectedCount, toggle, toWire } from './selection';

describe('the Data Manager filter grammar', () => {
  it('starts a new item with the first operator of its type and no value', () => {
    expect(newItem('tasks:data.text', 'String')).toEqual({ filter: 'filter:tasks:data.text', operator: 'contains', type: 'String', value: null });
    expect(newItem('tasks:ground_truth', 'Boolean')).toEqual({ filter: 'filter:tasks:ground_truth', operator: 'equal', type: 'Boolean', value: true });
    expect(OPERATORS.Number.map((o) => o.id)).toEqual(expect.arrayContaining(['greater', 'less', 'in', 'not_in']));
  });

  it('sends only the items the server can run: values typed, ranges with both ends, emptiness always', () => {
    const items = [
      { filter: 'filter:tasks:id', operator: 'greater', type: 'Number' as const, value: null },
      { filter: 'filter:tasks:id', operator: 'greater', type: 'Number' as const, value: 0 },
      { filter: 'filter:tasks:data.text', operator: 'contains', type: 'String' as const, value: '' },
      { filter: 'filter:tasks:data.n', operator: 'in', type: 'Number' as const, value: { min: 1, max: null } },
      { filter: 'filter:tasks:data.n', operator: 'not_in', type: 'Number' as const, value: { min: 1, max: 5 } },
      { filter: 'filter:tasks:completed_at', operator: 'empty', type: 'Datetime' as const, value: false },
    ];
    expect(runnableFilters({ conjunction: 'or', items })).toEqual({ conjunction: 'or', items: [items[1], items[4], items[5]] });
    expect(runnableFilters(undefined)).toEqual({ conjunction: 'and', items: [] });
  });
});

describe('the Data Manager selection', () => {
  it('lists the ticked ids, or every match but the unticked ones', () => {
    const some = toggle(toggle(NOTHING, 4), 7);
    expect(toWire(some)).toEqual({ all: false, included: [4, 7] });
    expect(selectedCount(some, 100)).toBe(2);
    const allBut = toggle(EVERYTHING, 7);
    expect(toWire(allBut)).toEqual({ all: true, excluded: [7] });
    expect(selectedCount(allBut, 100)).toBe(99);
    expect([isSelected(allBut, 7), isSelected(allBut, 8)]).toEqual([false, true]);
  });
});

describe('the Data Manager columns', () => {
  it('guesses a data key’s filter type from the values on screen', () => {
    expect(inferDataType([1, 2.5, null])).toBe('Number');
    expect(inferDataType([true, false])).toBe('Boolean');
    expect(inferDataType([1, 'two'])).toBe('String');
    expect(inferDataType([])).toBe('String');
  });

  it('hides the rarely used columns until a view chooses', () => {
    const columns = columnsOf(['text'], { text: 'Text' }, {});
    expect(columns.filter((c) => !hiddenOf(columns, undefined).has(c.id)).map((c) => c.title)).toEqual(['ID', '$text', 'Annotations', 'Skipped', 'Predictions', 'Completed']);
    expect(hiddenOf(columns, ['tasks:data.text']).has('tasks:inner_id')).toBe(false);
  });
});
