import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { authorOf, createTaskAnnotation, deleteDraft, updateTaskAnnotation, type LabelingTask, type PredictionItem, type SubmitBody } from '../api/labeling';
import type { Project } from '../api/types';
import { Editor, textAreasOf } from '../editor/Editor';
import { validateForSubmit } from '../editor/validate';
import { AnnotationList, DraftIndicator } from './AnnotationList';
import type { DraftSaver } from './draft-saver';
import { newEntry, openTask, resultOf, submitLeadTime, type Entry } from './entries';
import './labeling.css';

export interface TaskLabelingProps {
  task: LabelingTask;
  project: Project;
  userId: number;
  /** the task was opened again (history, a link), not served fresh by the stream */
  reopened: boolean;
  /** null when there is nowhere to go */
  onPrevious: (() => void) | null;
  onNext: (() => void) | null;
  /** an annotation was submitted, updated or the task skipped: move on */
  onDone: (message: string) => void;
}

/** Follows one entry's edits and saves them as a draft; on leaving the task, saves what is left. */
function DraftAutosave({ saver }: { saver: DraftSaver }) {
  useEffect(() => {
    saver.start();
    return () => void saver.stop();
  }, [saver]);
  return null;
}

function isUntouched(e: Entry): boolean {
  const s = e.store.getState();
  return e.saver?.status().state === 'clean' && s.results.length === 0 && Object.values(s.pendingText).every((t) => !t.trim());
}

const roundSeconds = (ms: number) => Math.round(ms) / 1000;

/** Skip writes the task off for this annotator: their selected work, or an empty skipped annotation. */
async function skipTask(projectId: number, task: LabelingTask, entry: Entry | null, body: SubmitBody, draftId: number | null): Promise<void> {
  if (entry?.annotation) await updateTaskAnnotation(entry.annotation.id, { ...body, was_cancelled: true });
  else await createTaskAnnotation(projectId, task.id, { ...body, was_cancelled: true, draft_id: draftId, parent_prediction: entry?.parentPrediction?.id ?? null });
}

function ReadOnlyBanner({ entry, userId, onAccept }: { entry: Entry; userId: number; onAccept: (p: PredictionItem) => void }) {
  const p = entry.prediction;
  if (p) {
    return (
      <div className="readonly-banner" role="note">
        <span>
          Prediction of model <strong>{p.model_version}</strong>
          {p.score !== null && <> · score {p.score.toFixed(2)}</>} · read-only
        </span>
        <button type="button" className="primary" onClick={() => onAccept(p)}>
          Accept prediction
        </button>
      </div>
    );
  }
  const a = entry.annotation!;
  return (
    <div className="readonly-banner" role="note">
      <span>
        Annotation #{a.id} by <strong>{a.completed_by === userId ? 'you' : authorOf(a)}</strong> · read-only
      </span>
    </div>
  );
}

/** One task in the labeling screen: its annotation list, the editor on the selected entry, and the actions. */
export function TaskLabeling({ task, project, userId, reopened, onPrevious, onNext, onDone }: TaskLabelingProps) {
  const textAreas = useMemo(() => textAreasOf(project.label_config), [project.label_config]);
  const [work, setWork] = useState(() => openTask(task, userId, textAreas, reopened));
  const entry = work.entries.find((e) => e.key === work.selected) ?? work.entries[0];
  const [saving, setSaving] = useState(false);
  // a second Ctrl+Enter may come before `saving` re-renders
  const busy = useRef(false);
  const [error, setError] = useState<string | null>(null);
  const openedAt = useRef(performance.now());

  const add = useCallback((e: Entry) => {
    setWork((w) => {
      // an untouched empty annotation is replaced, not kept beside the new one
      const entries = w.entries.filter((x) => !(x.kind === 'new' && isUntouched(x)));
      const at = entries.findIndex((x) => x.kind === 'prediction');
      entries.splice(at < 0 ? entries.length : at, 0, e);
      return { entries, selected: e.key };
    });
  }, []);
  const addNew = () => add(newEntry(task, textAreas));
  const accept = (p: PredictionItem) => {
    const e = newEntry(task, textAreas, { prediction: p });
    e.saver?.markUnsaved();
    add(e);
  };

  // a refusal for missing required values is about the results as they were: the next change retires it
  const [refused, setRefused] = useState(false);
  useEffect(() => {
    if (!refused) return;
    return entry.store.subscribe(() => {
      setRefused(false);
      setError(null);
    });
  }, [refused, entry.store]);

  // a reload or a closed tab: the last edits go out with the page
  useEffect(() => {
    const onHide = () => work.entries.forEach((e) => e.saver?.saveOnExit());
    window.addEventListener('pagehide', onHide);
    return () => window.removeEventListener('pagehide', onHide);
  }, [work.entries]);

  const save = useCallback(
    async (skip: boolean) => {
      if (busy.current || (!skip && !entry.editable)) return;
      const target = entry.editable ? entry : null;
      if (!skip && target) {
        const problems = validateForSubmit(project.label_config, resultOf(target, textAreas));
        if (problems.length) {
          setError(problems.join(' '));
          setRefused(true);
          return;
        }
      }
      busy.current = true;
      setSaving(true);
      setError(null);
      const saver = target?.saver ?? null;
      await saver?.settle();
      const draftId = saver?.draftId() ?? null;
      const body: SubmitBody = target ? { result: resultOf(target, textAreas), lead_time: submitLeadTime(target.lead) } : { result: [], lead_time: roundSeconds(performance.now() - openedAt.current) };
      try {
        if (skip) await skipTask(project.id, task, target, body, draftId);
        else if (target?.annotation) await updateTaskAnnotation(target.annotation.id, { ...body, was_cancelled: false });
        else await createTaskAnnotation(project.id, task.id, { ...body, parent_prediction: target?.parentPrediction?.id ?? null, draft_id: draftId });
        // the server drops the drafts of new annotations on submit; an annotation's own draft is superseded by its
        // update, and a draft left behind by a failed delete only means stale work offered again: not worth an error
        if (target?.annotation && draftId !== null) await deleteDraft(draftId).catch(() => undefined);
        saver?.discard();
        onDone(skip ? `Task ${task.id} skipped.` : target?.annotation ? `Task ${task.id} updated.` : `Task ${task.id} submitted.`);
      } catch (err) {
        setError((err as Error).message);
        saver?.resume();
      } finally {
        busy.current = false;
        setSaving(false);
      }
    },
    [entry, textAreas, project.id, task, onDone],
  );
  const submit = useCallback(() => void save(false), [save]);
  const canSkip = project.show_skip_button ?? true;
  const skip = useCallback(() => void save(true), [save]);

  return (
    <div className="labeling" data-task-id={task.id}>
      <div className="labeling-bar">
        <button type="button" onClick={onPrevious ?? undefined} disabled={!onPrevious || saving} title="The task you saw before this one">
          ← Previous
        </button>
        <button type="button" onClick={onNext ?? undefined} disabled={!onNext || saving}>
          Next →
        </button>
        <DraftIndicator key={entry.key} saver={entry.saver} />
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="labeling-body">
        <div className={`labeling-main${entry.editable ? '' : ' labeling-readonly'}`}>
          {!entry.editable && <ReadOnlyBanner entry={entry} userId={userId} onAccept={accept} />}
          <Editor key={entry.key} config={project.label_config} data={task.data} store={entry.store} onSubmit={entry.editable ? submit : undefined} onSkip={canSkip ? skip : undefined} />
          <div className="label-actions">
            {canSkip && (
              <button type="button" onClick={skip} disabled={saving} title="Ctrl+Space">
                Skip
              </button>
            )}
            {entry.editable && (
              <button type="button" className="primary" onClick={submit} disabled={saving} title="Ctrl+Enter">
                {entry.annotation ? 'Update' : 'Submit'} <kbd>Ctrl+Enter</kbd>
              </button>
            )}
          </div>
        </div>
        <AnnotationList entries={work.entries} selected={entry.key} userId={userId} onSelect={(key) => setWork((w) => ({ ...w, selected: key }))} onNew={addNew} />
      </div>
      {work.entries.map((e) => e.saver && <DraftAutosave key={e.key} saver={e.saver} />)}
    </div>
  );
}
