import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Link } from 'react-router';
import { fetchTaskDetails } from '../api/dm';
import type { Annotation, Prediction, ResultItem } from '../api/types';

const GEOMETRY = new Set(['x', 'y', 'width', 'height', 'rotation', 'points', 'start', 'end', 'globalOffsets']);

/** One result item as a line a person reads: `sentiment: Positive`, `label: "Paris" [10–15]`. */
export function resultSummary(r: ResultItem): string {
  const v = r.value ?? {};
  const parts: string[] = [];
  for (const [k, val] of Object.entries(v)) {
    if (GEOMETRY.has(k) || k === 'text') continue;
    parts.push(Array.isArray(val) ? val.map(String).join(', ') : typeof val === 'object' ? JSON.stringify(val) : String(val));
  }
  if (typeof v.text === 'string') parts.push(`“${v.text}”`);
  else if (Array.isArray(v.text)) parts.push(v.text.map((t) => `“${String(t)}”`).join(' '));
  if (typeof v.start === 'number' && typeof v.end === 'number') parts.push(`[${v.start}–${v.end}]`);
  if (typeof v.x === 'number' && typeof v.y === 'number') {
    const box = [v.x, v.y, v.width, v.height].filter((n): n is number => typeof n === 'number').map((n) => n.toFixed(1));
    parts.push(`at (${box.join(', ')})%`);
  }
  if (Array.isArray(v.points)) parts.push(`${v.points.length} points`);
  return `${r.from_name}: ${parts.join(' ')}`;
}

function Results({ result }: { result: ResultItem[] }) {
  if (!result.length) return <p className="muted">Empty result</p>;
  return (
    <ul className="dm-results">
      {result.map((r, i) => (
        <li key={r.id ?? i}>{resultSummary(r)}</li>
      ))}
    </ul>
  );
}

function DataValue({ value, objectTag }: { value: unknown; objectTag?: string }) {
  if (typeof value === 'string' && objectTag === 'Image') return <img className="dm-preview-image" src={value} alt="" />;
  if (typeof value === 'string') return <div className="dm-preview-text">{value}</div>;
  return <pre className="dm-preview-json">{JSON.stringify(value, null, 2)}</pre>;
}

function AnnotationCard({ a, userName }: { a: Annotation; userName: (id: number) => string }) {
  return (
    <li className="dm-card" data-testid="preview-annotation">
      <div className="dm-card-head">
        <strong>Annotation #{a.id}</strong>
        {a.was_cancelled && <span className="dm-badge">skipped</span>}
        <span className="muted">
          {a.completed_by !== null ? `by ${userName(a.completed_by)} · ` : ''}
          {new Date(a.created_at).toLocaleString()}
          {a.lead_time ? ` · ${a.lead_time.toFixed(1)} s` : ''}
        </span>
      </div>
      <Results result={a.result} />
    </li>
  );
}

function PredictionCard({ p }: { p: Prediction }) {
  return (
    <li className="dm-card" data-testid="preview-prediction">
      <div className="dm-card-head">
        <strong>Prediction #{p.id}</strong>
        <span className="muted">
          {p.model_version || 'no model version'}
          {p.score !== null ? ` · score ${p.score}` : ''}
        </span>
      </div>
      <Results result={p.result} />
    </li>
  );
}

/** A drawer beside the table with one task's data, annotations and predictions, and the way to label it. */
export function TaskPreview({
  projectId,
  taskId,
  dataTypes,
  userName,
  onClose,
}: {
  projectId: number;
  taskId: number;
  dataTypes: Record<string, string>;
  userName: (id: number) => string;
  onClose: () => void;
}) {
  const task = useQuery({ queryKey: ['tasks', projectId, 'detail', taskId], queryFn: ({ signal }) => fetchTaskDetails(taskId, signal) });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  const t = task.data;
  return (
    <aside className="dm-drawer" aria-label={`Task ${taskId}`}>
      <header className="dm-drawer-head">
        <h2>Task #{taskId}</h2>
        <Link className="button primary" to={`/projects/${projectId}/label?task=${taskId}`}>
          Label this task
        </Link>
        <button type="button" className="icon-button" aria-label="Close preview" onClick={onClose}>
          ×
        </button>
      </header>
      <div className="dm-drawer-body">
        {task.isError && (
          <p className="error" role="alert">
            {task.error.message}
          </p>
        )}
        {task.isPending && <p className="muted">Loading…</p>}
        {t && (
          <>
            <section aria-label="Data">
              <h3>Data</h3>
              <dl className="dm-data">
                {Object.entries(t.data).map(([k, v]) => (
                  <div key={k}>
                    <dt>${k}</dt>
                    <dd>
                      <DataValue value={v} objectTag={dataTypes[k]} />
                    </dd>
                  </div>
                ))}
              </dl>
            </section>
            <section aria-label="Annotations">
              <h3>Annotations ({t.annotations?.length ?? 0})</h3>
              {t.annotations?.length ? (
                <ul className="dm-cards">
                  {t.annotations.map((a) => (
                    <AnnotationCard key={a.id} a={a} userName={userName} />
                  ))}
                </ul>
              ) : (
                <p className="muted">Not annotated yet.</p>
              )}
            </section>
            <section aria-label="Predictions">
              <h3>Predictions ({t.predictions?.length ?? 0})</h3>
              {t.predictions?.length ? (
                <ul className="dm-cards">
                  {t.predictions.map((p) => (
                    <PredictionCard key={p.id} p={p} />
                  ))}
                </ul>
              ) : (
                <p className="muted">No predictions.</p>
              )}
            </section>
          </>
        )}
      </div>
    </aside>
  );
}
