import { useState } from 'react';
import { runAction, useActions, type ActionResult, type DmAction, type Filters } from '../api/dm';
import { ConfirmDialog } from '../components/Modal';
import { Popover } from './Popover';
import { toWire, type Selection } from './selection';

interface Props {
  projectId: number;
  selection: Selection;
  count: number;
  filters: Filters;
  ordering: string[];
  onDone: (action: DmAction, result: ActionResult) => void;
}

const DESTRUCTIVE = /^delete/;
const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/** The actions of /api/dm/actions on the ticked tasks; the destructive ones ask first. */
export function ActionsMenu({ projectId, selection, count, filters, ordering, onDone }: Props) {
  const actions = useActions(projectId);
  const [asking, setAsking] = useState<DmAction | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = async (action: DmAction) => {
    setBusy(true);
    setError(null);
    try {
      const result = await runAction(projectId, action.id, { selectedItems: toWire(selection), filters, ordering });
      setAsking(null);
      onDone(action, result);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const choose = (action: DmAction) => {
    setError(null);
    if (DESTRUCTIVE.test(action.id) || action.dialog) setAsking(action);
    else void run(action);
  };

  return (
    <>
      <Popover button={`Actions (${count.toLocaleString('en-US')})`} label="Task actions" className="primary">
        {(close) => (
          <div className="dm-menu" role="menu">
            {actions.isError && <p className="error">{actions.error.message}</p>}
            {actions.data?.map((a) => (
              <button key={a.id} type="button" role="menuitem" className={DESTRUCTIVE.test(a.id) ? 'dm-danger-text' : undefined} onClick={() => (close(), choose(a))}>
                {a.title}
              </button>
            ))}
          </div>
        )}
      </Popover>
      {asking && (
        <ConfirmDialog title={asking.title} confirmLabel={asking.title} danger={DESTRUCTIVE.test(asking.id)} busy={busy} error={error} onCancel={() => setAsking(null)} onConfirm={() => void run(asking)}>
          <p>{asking.dialog?.text ?? `${asking.title}?`}</p>
          <p>
            <strong>{plural(count, 'task')}</strong> selected.{DESTRUCTIVE.test(asking.id) ? ' This cannot be undone.' : ''}
          </p>
        </ConfirmDialog>
      )}
      {!asking && error && (
        <span className="error" role="alert">
          {error}
        </span>
      )}
    </>
  );
}
