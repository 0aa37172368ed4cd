import { useState, type FormEvent } from 'react';
import type { View, ViewData } from '../api/dm';
import { ConfirmDialog } from '../components/Modal';
import { Popover } from './Popover';

interface Props {
  views: View[];
  currentId: number | undefined;
  onSelect: (id: number) => void;
  onAdd: (data: ViewData) => void;
  onRename: (view: View, title: string) => void;
  onDelete: (view: View) => void;
}

const titleOf = (v: View) => v.data.title || `Tab ${v.id}`;

/** The saved views of the project as tabs: switch, add, rename, duplicate and delete. */
export function ViewTabs({ views, currentId, onSelect, onAdd, onRename, onDelete }: Props) {
  const [renaming, setRenaming] = useState<number | null>(null);
  const [draft, setDraft] = useState('');
  const [deleting, setDeleting] = useState<View | null>(null);
  const startRename = (v: View) => {
    setDraft(titleOf(v));
    setRenaming(v.id);
  };
  const finishRename = (v: View, e?: FormEvent) => {
    e?.preventDefault();
    if (draft.trim() && draft.trim() !== v.data.title) onRename(v, draft.trim());
    setRenaming(null);
  };
  const nextTitle = () => {
    const titles = new Set(views.map(titleOf));
    let n = views.length + 1;
    while (titles.has(`Tab ${n}`)) n++;
    return `Tab ${n}`;
  };

  return (
    <div className="dm-tabs" role="tablist" aria-label="Views">
      {views.map((v) => {
        const active = v.id === currentId;
        if (renaming === v.id) {
          return (
            <form key={v.id} className="dm-tab dm-tab-active" onSubmit={(e) => finishRename(v, e)}>
              <input autoFocus aria-label="Tab name" value={draft} maxLength={60} onChange={(e) => setDraft(e.target.value)} onBlur={() => finishRename(v)} onKeyDown={(e) => e.key === 'Escape' && setRenaming(null)} />
            </form>
          );
        }
        return (
          <div key={v.id} className={`dm-tab${active ? ' dm-tab-active' : ''}`}>
            <button type="button" role="tab" aria-selected={active} className="dm-tab-title" onClick={() => onSelect(v.id)} onDoubleClick={() => startRename(v)}>
              {titleOf(v)}
            </button>
            {active && (
              <Popover button="⋯" label={`Tab ${titleOf(v)} options`} className="dm-tab-menu">
                {(close) => (
                  <div className="dm-menu" role="menu">
                    <button type="button" role="menuitem" onClick={() => (close(), startRename(v))}>
                      Rename
                    </button>
                    <button type="button" role="menuitem" onClick={() => (close(), onAdd({ ...v.data, title: `${titleOf(v)} (copy)` }))}>
                      Duplicate
                    </button>
                    <button type="button" role="menuitem" className="dm-danger-text" disabled={views.length < 2} onClick={() => (close(), setDeleting(v))}>
                      Delete
                    </button>
                  </div>
                )}
              </Popover>
            )}
          </div>
        );
      })}
      <button type="button" className="dm-tab-add" aria-label="Add tab" title="Add tab" onClick={() => onAdd({ title: nextTitle() })}>
        +
      </button>
      {deleting && (
        <ConfirmDialog
          title="Delete tab"
          confirmLabel="Delete tab"
          onCancel={() => setDeleting(null)}
          onConfirm={() => {
            onDelete(deleting);
            setDeleting(null);
          }}
        >
          <p>
            Delete the tab “{titleOf(deleting)}” with its filters and columns? The tasks stay.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
