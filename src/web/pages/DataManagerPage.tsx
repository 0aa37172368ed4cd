import { useCallback, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { useProject } from '../api/projects';
import { ExportDialog } from '../components/ExportDialog';
import { ImportDialog } from '../components/ImportDialog';
import { TaskTable } from '../components/TaskTable';

const n = (count: number) => count.toLocaleString('en-US');

/** A project's tasks, with import, export and the way into labeling. */
export function DataManagerPage() {
  const id = Number(useParams().projectId);
  const navigate = useNavigate();
  const project = useProject(id);
  const [params, setParams] = useSearchParams();
  const [exporting, setExporting] = useState(false);
  const importing = params.get('import') === '1';
  const closeImport = useCallback(() => setParams({}, { replace: true }), [setParams]);
  const closeExport = useCallback(() => setExporting(false), []);

  if (project.isError) {
    return (
      <p className="error" role="alert">
        {project.error.message}
      </p>
    );
  }
  const p = project.data;
  return (
    <section className="data-manager">
      <div className="page-head">
        <nav className="crumbs" aria-label="Breadcrumb">
          <Link to="/projects">Projects</Link> / <h1>{p ? p.title || `Project ${p.id}` : '…'}</h1>
        </nav>
        {p && (
          <span className="muted" data-testid="project-counts">
            {n(p.task_number)} tasks · {n(p.num_tasks_with_annotations)} annotated · {n(p.skipped_annotations_number)} skipped · {n(p.total_predictions_number)} predictions
          </span>
        )}
        <button type="button" onClick={() => setParams({ import: '1' })}>
          Import
        </button>
        <button type="button" onClick={() => setExporting(true)}>
          Export
        </button>
        <Link className="button primary" to={`/projects/${id}/label`}>
          Label all tasks
        </Link>
      </div>
      {p && p.task_number === 0 ? (
        <div className="empty">
          <p>This project has no tasks yet.</p>
          <button type="button" className="primary" onClick={() => setParams({ import: '1' })}>
            Import data
          </button>
        </div>
      ) : (
        <TaskTable projectId={id} dataKeys={Object.keys(p?.data_types ?? {})} onOpen={(t) => navigate(`/projects/${id}/label?task=${t.id}`)} />
      )}
      {importing && <ImportDialog projectId={id} onClose={closeImport} />}
      {exporting && <ExportDialog projectId={id} onClose={closeExport} />}
    </section>
  );
}
