import { useSyncExternalStore } from 'react';
import { authorOf } from '../api/labeling';
import type { DraftSaver, DraftStatus } from './draft-saver';
import type { Entry } from './entries';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const clock = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

const CLEAN: DraftStatus = { state: 'clean' };
const noSaver = () => () => undefined;

export function useDraftStatus(saver: DraftSaver | null): DraftStatus {
  return useSyncExternalStore(saver?.subscribe ?? noSaver, saver?.status ?? (() => CLEAN));
}

/** What the annotator needs to know about their unsubmitted work: saved as a draft, or not yet. */
export function DraftIndicator({ saver }: { saver: DraftSaver | null }) {
  const status = useDraftStatus(saver);
  const text =
    status.state === 'saved'
      ? `${status.restored ? 'Draft restored, saved' : 'Draft saved'} ${clock.format(status.at)}`
      : status.state === 'saving'
        ? 'Saving draft…'
        : status.state === 'unsaved'
          ? 'Unsaved changes'
          : status.state === 'failed'
            ? `Draft not saved: ${status.message}`
            : '';
  return (
    <span className={`draft-status draft-${status.state}`} data-testid="draft-status" aria-live="polite">
      {text}
    </span>
  );
}

function DraftMark({ saver }: { saver: DraftSaver | null }) {
  const status = useDraftStatus(saver);
  if (status.state === 'clean') return null;
  return <span className="entry-tag">{status.state === 'saved' ? 'draft' : 'unsaved'}</span>;
}

/** The label a person reads (and a test finds) for one entry of the list. */
export function entryTitle(e: Entry, userId: number): string {
  if (e.kind === 'prediction') return `Prediction ${e.prediction!.model_version}`;
  if (e.kind === 'new') return e.parentPrediction ? `New annotation from ${e.parentPrediction.model_version}` : 'New annotation';
  const a = e.annotation!;
  return `Annotation #${a.id} by ${a.completed_by === userId ? 'you' : authorOf(a)}`;
}

function EntryButton({ e, userId, selected, onSelect }: { e: Entry; userId: number; selected: boolean; onSelect: (key: string) => void }) {
  const a = e.annotation;
  const p = e.prediction;
  return (
    <li>
      <button type="button" className="entry" aria-current={selected ? 'true' : undefined} data-entry={e.key} onClick={() => onSelect(e.key)}>
        <span className="entry-title">{entryTitle(e, userId)}</span>
        <span className="entry-meta">
          {a && <time dateTime={a.created_at}>{when.format(new Date(a.created_at))}</time>}
          {a?.was_cancelled && <span className="entry-tag entry-skipped">skipped</span>}
          {p && <span>score {p.score === null ? '—' : p.score.toFixed(2)}</span>}
          {e.kind === 'new' && <span>not submitted</span>}
          {!e.editable && <span className="entry-tag">read-only</span>}
          <DraftMark saver={e.saver} />
        </span>
      </button>
    </li>
  );
}

/** The task's annotations (several per task), new unsubmitted ones, and the model's predictions. */
export function AnnotationList({ entries, selected, userId, onSelect, onNew }: { entries: Entry[]; selected: string; userId: number; onSelect: (key: string) => void; onNew: () => void }) {
  const work = entries.filter((e) => e.kind !== 'prediction');
  const predictions = entries.filter((e) => e.kind === 'prediction');
  return (
    <aside className="annotation-list" aria-label="Annotations of the task">
      <h2>Annotations</h2>
      <ul>
        {work.map((e) => (
          <EntryButton key={e.key} e={e} userId={userId} selected={e.key === selected} onSelect={onSelect} />
        ))}
      </ul>
      <button type="button" className="new-annotation" onClick={onNew}>
        + New annotation
      </button>
      {predictions.length > 0 && (
        <>
          <h2>Predictions</h2>
          <ul>
            {predictions.map((e) => (
              <EntryButton key={e.key} e={e} userId={userId} selected={e.key === selected} onSelect={onSelect} />
            ))}
          </ul>
        </>
      )}
    </aside>
  );
}
