import type { Draft, LabelingTask, PredictionItem, TaskAnnotation } from '../api/labeling';
import type { ResultItem } from '../api/types';
import { createAnnotationStore, resultToSubmit, type AnnotationStore, type ControlRef } from '../editor/store';
import { createDraftSaver, type DraftSaver } from './draft-saver';
import { markPredictionOrigins, predictionOfResult, resultFromPrediction } from './prediction-origin';

/**
 * One tab of the annotation list: a submitted annotation (the annotator's own is editable, others'
 * are read-only), a new annotation not yet submitted, or a prediction (read-only, to accept).
 */
export interface Entry {
  key: string;
  kind: 'annotation' | 'new' | 'prediction';
  annotation: TaskAnnotation | null;
  prediction: PredictionItem | null;
  editable: boolean;
  store: AnnotationStore;
  /** the prediction a new annotation was accepted from */
  parentPrediction: PredictionItem | null;
  /** editable entries save drafts as the annotator works */
  saver: DraftSaver | null;
  lead: LeadTime;
}

/**
 * Label Studio's lead time accumulates: what the annotation already had, plus what its draft had when
 * restored, plus the time spent here since the entry was opened.
 */
export interface LeadTime {
  submitted: number;
  draft: number;
  openedAt: number;
}

const sessionSeconds = (l: LeadTime) => (performance.now() - l.openedAt) / 1000;
const seconds = (s: number) => Math.round(s * 1000) / 1000;

export const draftLeadTime = (l: LeadTime) => seconds(l.draft + sessionSeconds(l));
export const submitLeadTime = (l: LeadTime) => seconds(l.submitted + l.draft + sessionSeconds(l));

/** A store whose results cannot change: selecting regions still works, editing does nothing. */
function readOnly(store: AnnotationStore): AnnotationStore {
  return {
    ...store,
    update: (change) => store.update((s) => {
      const next = change(s);
      return next.selectedRegionId === s.selectedRegionId ? s : { ...s, selectedRegionId: next.selectedRegionId };
    }),
  };
}

/** The result an entry would submit now, with Label Studio's origins for work started from a prediction. */
export function resultOf(e: Entry, textAreas: ControlRef[]): ResultItem[] {
  return markPredictionOrigins(resultToSubmit(e.store.getState(), textAreas), e.parentPrediction ?? undefined);
}

interface Work {
  key: string;
  taskId: number;
  annotation: TaskAnnotation | null;
  result: ResultItem[];
  draft: Draft | null;
  parentPrediction: PredictionItem | null;
  textAreas: ControlRef[];
}

function editableEntry(w: Work): Entry {
  const store = createAnnotationStore(w.result);
  const lead: LeadTime = { submitted: w.annotation?.lead_time ?? 0, draft: w.draft?.lead_time ?? 0, openedAt: performance.now() };
  const entry: Entry = { key: w.key, kind: w.annotation ? 'annotation' : 'new', annotation: w.annotation, prediction: null, editable: true, store, parentPrediction: w.parentPrediction, saver: null, lead };
  entry.saver = createDraftSaver({
    taskId: w.taskId,
    annotationId: w.annotation?.id ?? null,
    draft: w.draft ? { id: w.draft.id, updatedAt: w.draft.updated_at } : null,
    store,
    body: () => ({ result: resultOf(entry, w.textAreas), lead_time: draftLeadTime(lead) }),
  });
  return entry;
}

let newCount = 0;

/** A new annotation of the task, empty or pre-filled (from a prediction or a restored draft). */
export function newEntry(task: LabelingTask, textAreas: ControlRef[], from: { draft?: Draft; prediction?: PredictionItem } = {}): Entry {
  const parentPrediction = from.prediction ?? (from.draft ? predictionOfResult(from.draft.result, task.predictions) : undefined) ?? null;
  const result = from.draft ? from.draft.result : from.prediction ? resultFromPrediction(from.prediction) : [];
  return editableEntry({ key: `new:${++newCount}`, taskId: task.id, annotation: null, result, draft: from.draft ?? null, parentPrediction, textAreas });
}

function viewEntry(key: string, kind: Entry['kind'], result: ResultItem[], annotation: TaskAnnotation | null, prediction: PredictionItem | null): Entry {
  return { key, kind, annotation, prediction, editable: false, store: readOnly(createAnnotationStore(result)), parentPrediction: null, saver: null, lead: { submitted: 0, draft: 0, openedAt: 0 } };
}

/** What "Update" changes when a task is reopened: my newest submitted annotation, else my newest skip. */
function myAnnotation(task: LabelingTask, userId: number): TaskAnnotation | undefined {
  const mine = task.annotations.filter((a) => a.completed_by === userId).sort((a, b) => Number(a.was_cancelled) - Number(b.was_cancelled) || b.id - a.id);
  return mine[0];
}

/**
 * Everything the annotator can open on a task, and which one opens first: unsubmitted work restored
 * from drafts, else (when the task is reopened) their own annotation to update, else a new annotation.
 */
export function openTask(task: LabelingTask, userId: number, textAreas: ControlRef[], reopened: boolean): { entries: Entry[]; selected: string } {
  const mine = (a: TaskAnnotation) => a.completed_by === userId;
  const draftOf = new Map(task.drafts.filter((d) => d.annotation !== null).map((d) => [d.annotation!, d]));
  const annotations = [...task.annotations]
    .sort((a, b) => a.id - b.id)
    .map((a) => {
      const draft = mine(a) ? draftOf.get(a.id) : undefined;
      if (!mine(a)) return viewEntry(`annotation:${a.id}`, 'annotation', a.result, a, null);
      const parentPrediction = task.predictions.find((p) => p.id === a.parent_prediction) ?? null;
      return editableEntry({ key: `annotation:${a.id}`, taskId: task.id, annotation: a, result: draft?.result ?? a.result, draft: draft ?? null, parentPrediction, textAreas });
    });
  const restored = task.drafts.filter((d) => d.annotation === null).map((draft) => newEntry(task, textAreas, { draft }));
  const predictions = task.predictions.map((p) => viewEntry(`prediction:${p.id}`, 'prediction', p.result, null, p));

  const withDraft = annotations.find((e) => e.annotation && draftOf.has(e.annotation.id));
  const own = myAnnotation(task, userId);
  const start = restored[0] ?? withDraft ?? (reopened && own ? annotations.find((e) => e.annotation === own) : undefined);
  const fresh = start ? [] : [newEntry(task, textAreas)];
  return { entries: [...annotations, ...restored, ...fresh, ...predictions], selected: (start ?? fresh[0]).key };
}
