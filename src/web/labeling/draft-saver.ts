import { createDraft, sendDraftOnExit, updateDraft, type DraftBody } from '../api/labeling';
import type { AnnotationStore, EditorState } from '../editor/store';

export type DraftStatus =
  | { state: 'clean' }
  | { state: 'unsaved' }
  | { state: 'saving' }
  | { state: 'saved'; at: Date; restored: boolean }
  | { state: 'failed'; message: string };

/** How long the annotator must pause before their work is saved as a draft. */
export const DRAFT_DELAY_MS = 800;
/** A failed save (server or network down) is tried again this much later, if nothing else saves first. */
export const DRAFT_RETRY_MS = 5000;

export interface DraftSaver {
  /** the server's draft id, once one exists */
  draftId: () => number | null;
  status: () => DraftStatus;
  subscribe: (listener: () => void) => () => void;
  /** follow the store's edits (idempotent) */
  start: () => void;
  /** stop following; saves what is still unsaved */
  stop: () => Promise<void>;
  /** the work needs saving even though the store did not change (a prediction just accepted) */
  markUnsaved: () => void;
  /** before a submit: no more saves, and the one under way has finished */
  settle: () => Promise<void>;
  /** after a failed submit: saving goes on */
  resume: () => void;
  /** after a submit: the draft is gone on the server, nothing more to save */
  discard: () => void;
  /** the page is going away: a last save that outlives it */
  saveOnExit: () => void;
}

export interface DraftTarget {
  taskId: number;
  /** the annotation the draft belongs to, or null for work not yet submitted */
  annotationId: number | null;
  draft: { id: number; updatedAt: string } | null;
  store: AnnotationStore;
  body: () => DraftBody;
}

const edits = (s: EditorState) => [s.results, s.pendingText] as const;

/**
 * Saves one annotation's work as a Label Studio draft while the annotator labels: a pause of
 * DRAFT_DELAY_MS after a change creates the draft (POST) or updates it (PATCH); saves run one at a time.
 */
export function createDraftSaver(t: DraftTarget, delayMs = DRAFT_DELAY_MS, retryMs = DRAFT_RETRY_MS): DraftSaver {
  let draftId = t.draft?.id ?? null;
  let status: DraftStatus = t.draft ? { state: 'saved', at: new Date(t.draft.updatedAt), restored: true } : { state: 'clean' };
  let dirty = false;
  let paused = false;
  let done = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let unsubscribe: (() => void) | null = null;
  let seen = edits(t.store.getState());
  let chain: Promise<void> = Promise.resolve();
  const listeners = new Set<() => void>();

  const set = (next: DraftStatus) => {
    status = next;
    for (const l of listeners) l();
  };
  const schedule = (ms = delayMs) => {
    clearTimeout(timer);
    timer = setTimeout(() => void enqueue(), ms);
  };
  const saveOnce = async () => {
    if (!dirty || paused || done) return;
    dirty = false;
    set({ state: 'saving' });
    try {
      const body = t.body();
      const saved = draftId === null ? await createDraft(t.taskId, t.annotationId, body) : await updateDraft(draftId, body);
      draftId = saved.id;
      if (!done) set(dirty ? { state: 'unsaved' } : { state: 'saved', at: new Date(saved.updated_at), restored: false });
    } catch (err) {
      dirty = true;
      set({ state: 'failed', message: (err as Error).message });
      if (!paused && !done && unsubscribe) schedule(retryMs);
    }
  };
  const enqueue = () => {
    clearTimeout(timer);
    chain = chain.then(saveOnce);
    return chain;
  };
  const markUnsaved = () => {
    if (done) return;
    dirty = true;
    set({ state: 'unsaved' });
    if (!paused && unsubscribe) schedule();
  };
  const onStoreChange = () => {
    const now = edits(t.store.getState());
    if (now[0] === seen[0] && now[1] === seen[1]) return;
    seen = now;
    markUnsaved();
  };

  return {
    draftId: () => draftId,
    status: () => status,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start: () => {
      if (unsubscribe) return;
      unsubscribe = t.store.subscribe(onStoreChange);
      onStoreChange();
      if (dirty && !paused) schedule();
    },
    stop: () => {
      unsubscribe?.();
      unsubscribe = null;
      return enqueue();
    },
    markUnsaved,
    settle: () => {
      paused = true;
      clearTimeout(timer);
      return chain;
    },
    resume: () => {
      paused = false;
      if (dirty && unsubscribe) schedule();
    },
    discard: () => {
      done = true;
      dirty = false;
      clearTimeout(timer);
      set({ state: 'clean' });
    },
    saveOnExit: () => {
      if (!dirty || paused || done) return;
      dirty = false;
      clearTimeout(timer);
      sendDraftOnExit(t.taskId, t.annotationId, draftId, t.body());
    },
  };
}
