import type { Column } from './columns';
import { ID_COLUMN } from './columns';

/** Checkboxes that show or hide the table's columns; the ID column holds the selection and always shows. */
export function ColumnPicker({ columns, hidden, onChange }: { columns: Column[]; hidden: Set<string>; onChange: (hidden: string[]) => void }) {
  const toggle = (id: string) => {
    const next = new Set(hidden);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    onChange(columns.map((c) => c.id).filter((c) => next.has(c)));
  };
  return (
    <fieldset className="dm-columns">
      <legend>Columns</legend>
      {columns.map((c) => (
        <label key={c.id} className="check">
          <input type="checkbox" checked={!hidden.has(c.id)} disabled={c.id === ID_COLUMN} onChange={() => toggle(c.id)} />
          {c.title}
        </label>
      ))}
    </fieldset>
  );
}
