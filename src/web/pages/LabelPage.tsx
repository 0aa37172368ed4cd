import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useProject } from '../api/projects';
import { createAnnotation, fetchNextTask, fetchTask, updateAnnotation } from '../api/tasks';
import type { Annotation, Task } from '../api/types';
import { useCurrentUser } from '../api/users';
import { Editor, textAreasOf } from '../editor/Editor';
import { createAnnotationStore, resultToSubmit } from '../editor/store';

/** The newest of my annotations on the task that was not skipped: what "Update" changes. */
function myAnnotation(task: Task, userId: number | undefined): Annotation | undefined {
  return task.annotations?.filter((a) => a.completed_by === userId && !a.was_cancelled).sort((a, b) => b.id - a.id)[0];
}

/**
 * Labeling: `?task=ID` opens that task, otherwise the project's stream (GET /api/projects/{id}/next).
 * Submit, update and skip write annotations with the time spent on the task as `lead_time`.
 */
export function LabelPage() {
  const projectId = Number(useParams().projectId);
  const [params, setParams] = useSearchParams();
  const taskParam = params.get('task');
  const qc = useQueryClient();
  const project = useProject(projectId);
  const me = useCurrentUser();
  // each submit or skip moves the stream on; the counter makes the next fetch a new query
  const [round, setRound] = useState(0);

  const current = useQuery({
    queryKey: ['label', projectId, taskParam ?? 'next', round],
    queryFn: () => (taskParam ? fetchTask(Number(taskParam)) : fetchNextTask(projectId)),
    staleTime: Infinity,
    gcTime: 0,
    retry: false,
  });
  const task = current.data ?? null;
  const existing = task ? myAnnotation(task, me.data?.id) : undefined;
  const store = useMemo(() => createAnnotationStore(existing?.result ?? []), [task?.id, existing?.id]);
  const startedAt = useRef(performance.now());
  useEffect(() => {
    startedAt.current = performance.now();
  }, [task?.id]);

  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const textAreas = useMemo(() => textAreasOf(project.data?.label_config ?? ''), [project.data?.label_config]);

  const save = useCallback(
    async (skip: boolean) => {
      if (!task || saving) return;
      setSaving(true);
      setError(null);
      const body = {
        result: resultToSubmit(store.getState(), textAreas),
        lead_time: Math.round(performance.now() - startedAt.current) / 1000,
        ...(skip ? { was_cancelled: true } : {}),
      };
      try {
        if (existing && !skip) await updateAnnotation(existing.id, body);
        else await createAnnotation(projectId, task.id, body);
        setNotice(skip ? `Task ${task.id} skipped.` : existing ? `Task ${task.id} updated.` : `Task ${task.id} submitted.`);
        void qc.invalidateQueries({ queryKey: ['projects'] });
        void qc.invalidateQueries({ queryKey: ['tasks', projectId] });
        if (taskParam) setParams({}, { replace: true });
        else setRound((r) => r + 1);
      } catch (err) {
        setError((err as Error).message);
      } finally {
        setSaving(false);
      }
    },
    [task, saving, store, textAreas, existing, projectId, qc, taskParam, setParams],
  );
  const submit = useCallback(() => void save(false), [save]);

  const p = project.data;
  return (
    <section className="label-page">
      <div className="page-head">
        <nav className="crumbs" aria-label="Breadcrumb">
          <Link to="/projects">Projects</Link> / <Link to={`/projects/${projectId}/data`}>{p ? p.title || `Project ${p.id}` : '…'}</Link> / <h1>Labeling</h1>
        </nav>
        {task && (
          <span className="muted" data-testid="task-id">
            Task {task.id}
          </span>
        )}
      </div>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {current.isPending || project.isPending ? (
        <p className="muted">Loading the task…</p>
      ) : current.isError ? (
        <p className="error" role="alert">
          {current.error.message}
        </p>
      ) : !task ? (
        <div className="empty" data-testid="stream-done">
          <h2>No more tasks</h2>
          <p>Every task in this project is labeled or skipped for you.</p>
          <Link to={`/projects/${projectId}/data`}>Back to the Data Manager</Link>
        </div>
      ) : (
        <div className="labeling" data-task-id={task.id}>
          <Editor key={`${task.id}:${existing?.id ?? 'new'}`} config={p?.label_config ?? ''} data={task.data} store={store} onSubmit={submit} />
          <div className="label-actions">
            {(p?.show_skip_button ?? true) && (
              <button type="button" onClick={() => void save(true)} disabled={saving}>
                Skip
              </button>
            )}
            <button type="button" className="primary" onClick={submit} disabled={saving} title="Ctrl+Enter">
              {existing ? 'Update' : 'Submit'} <kbd>Ctrl+Enter</kbd>
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
