import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { fetchLabelingTask, fetchNextLabelingTask } from '../api/labeling';
import { useProject } from '../api/projects';
import { useCurrentUser } from '../api/users';
import { TaskLabeling } from '../labeling/TaskLabeling';
import { useStreamHistory } from '../labeling/stream-history';

/**
 * Labeling: `?task=ID` opens that task, otherwise the project's stream (GET /api/projects/{id}/next).
 * Previous and Next walk the tasks seen in this session; a task reopened that way opens the
 * annotator's own annotation to update.
 */
export function LabelPage() {
  const projectId = Number(useParams().projectId);
  const [params, setParams] = useSearchParams();
  const taskParam = params.get('task');
  const qc = useQueryClient();
  const project = useProject(projectId);
  const me = useCurrentUser();
  const history = useStreamHistory(projectId);
  // each submit or skip in the stream moves it on; the counter makes the next fetch a new query
  const [round, setRound] = useState(0);

  const current = useQuery({
    queryKey: ['label', projectId, taskParam ?? 'next', round],
    queryFn: () => (taskParam ? fetchLabelingTask(Number(taskParam)) : fetchNextLabelingTask(projectId)),
    staleTime: Infinity,
    gcTime: 0,
    retry: false,
  });
  const task = current.data ?? null;
  const [notice, setNotice] = useState<string | null>(null);

  const { remember } = history;
  const fromStream = taskParam === null;
  useEffect(() => {
    if (task) remember(task.id, fromStream);
  }, [task, remember, fromStream]);

  const previousId = task ? history.previousOf(task.id) : null;
  const nextId = task ? history.nextOf(task.id) : null;
  // Next walks forward through the tasks seen, and from the last of them back to the stream
  const canGoNext = task !== null && (nextId !== null || !fromStream);
  const goNext = useCallback(() => setParams(nextId !== null ? { task: String(nextId) } : {}), [nextId, setParams]);

  const done = useCallback(
    (message: string) => {
      setNotice(message);
      void qc.invalidateQueries({ queryKey: ['projects'] });
      void qc.invalidateQueries({ queryKey: ['tasks', projectId] });
      // in the stream, the next task it serves; on a task seen before, the one seen after it
      if (fromStream) setRound((r) => r + 1);
      else goNext();
    },
    [qc, projectId, goNext, fromStream],
  );

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
      {current.isPending || project.isPending || me.isPending ? (
        <p className="muted">Loading the task…</p>
      ) : current.isError || project.isError || me.isError ? (
        <div>
          <p className="error" role="alert">
            {(current.error ?? project.error ?? me.error)?.message}
          </p>
          {taskParam && (
            <button type="button" onClick={() => setParams({})}>
              Back to the labeling stream
            </button>
          )}
        </div>
      ) : !task ? (
        <div className="empty" data-testid="stream-done">
          <h2>No more tasks</h2>
          <p>Every task in this project is labeled or skipped for you.</p>
          {history.lastSeen !== null && (
            <p>
              <button type="button" onClick={() => setParams({ task: String(history.lastSeen) })}>
                ← Previous task
              </button>
            </p>
          )}
          <Link to={`/projects/${projectId}/data`}>Back to the Data Manager</Link>
        </div>
      ) : (
        <TaskLabeling
          key={`${task.id}:${current.dataUpdatedAt}`}
          task={task}
          project={p!}
          userId={me.data!.id}
          reopened={taskParam !== null}
          onPrevious={previousId === null ? null : () => (setNotice(null), setParams({ task: String(previousId) }))}
          onNext={canGoNext ? () => (setNotice(null), goNext()) : null}
          onDone={done}
        />
      )}
    </section>
  );
}
