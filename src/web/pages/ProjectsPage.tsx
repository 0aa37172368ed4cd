import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useProjects } from '../api/projects';
import type { Project } from '../api/types';
import { Popover } from '../dm/Popover';
import { useDebounced } from '../lib/use-debounced';
import { DeleteProjectDialog, DuplicateProjectDialog } from './project-dialogs';

/** Settings, duplicate and delete, from the card's corner. */
function ProjectMenu({ project: p }: { project: Project }) {
  const navigate = useNavigate();
  const [dialog, setDialog] = useState<'duplicate' | 'delete' | null>(null);
  const title = p.title || `Project ${p.id}`;
  return (
    <div className="project-card-menu">
      <Popover button="⋯" label={`${title} options`} align="right">
        {(close) => (
          <div className="dm-menu" role="menu">
            <button type="button" role="menuitem" onClick={() => navigate(`/projects/${p.id}/settings`)}>
              Settings
            </button>
            <button type="button" role="menuitem" onClick={() => (close(), setDialog('duplicate'))}>
              Duplicate
            </button>
            <button type="button" role="menuitem" className="dm-danger-text" onClick={() => (close(), setDialog('delete'))}>
              Delete
            </button>
          </div>
        )}
      </Popover>
      {dialog === 'duplicate' && <DuplicateProjectDialog project={p} onClose={() => setDialog(null)} />}
      {dialog === 'delete' && <DeleteProjectDialog project={p} onClose={() => setDialog(null)} onDeleted={() => setDialog(null)} />}
    </div>
  );
}

function ProjectCard({ project: p }: { project: Project }) {
  const done = p.task_number ? Math.round((p.finished_task_number / p.task_number) * 100) : 0;
  return (
    <li className="project-card">
      <Link to={`/projects/${p.id}/data`} aria-label={p.title || `Project ${p.id}`}>
        <h2>{p.title || `Project ${p.id}`}</h2>
        {p.description && <p className="muted clamp">{p.description}</p>}
        <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={done} aria-label="Tasks finished">
          <span style={{ width: `${done}%` }} />
        </div>
        <dl className="counts">
          <div>
            <dt>Tasks</dt>
            <dd data-count="tasks">{p.task_number}</dd>
          </div>
          <div>
            <dt>Annotated</dt>
            <dd data-count="annotated">{p.num_tasks_with_annotations}</dd>
          </div>
          <div>
            <dt>Skipped</dt>
            <dd data-count="skipped">{p.skipped_annotations_number}</dd>
          </div>
          <div>
            <dt>Predictions</dt>
            <dd data-count="predictions">{p.total_predictions_number}</dd>
          </div>
        </dl>
      </Link>
      <ProjectMenu project={p} />
    </li>
  );
}

export function ProjectsPage() {
  const [search, setSearch] = useState('');
  const deferred = useDebounced(search.trim(), 250);
  const projects = useProjects(deferred);
  const list = projects.data?.results ?? [];
  return (
    <section>
      <div className="page-head">
        <h1>Projects</h1>
        <input type="search" placeholder="Search projects" aria-label="Search projects" value={search} onChange={(e) => setSearch(e.target.value)} />
        <Link className="button primary" to="/projects/new">
          Create project
        </Link>
      </div>
      {projects.isError && (
        <p className="error" role="alert">
          {projects.error.message}
        </p>
      )}
      {projects.isPending ? (
        <p className="muted">Loading projects…</p>
      ) : list.length === 0 ? (
        <div className="empty">
          {deferred ? (
            <p>No project matches “{deferred}”.</p>
          ) : (
            <>
              <p>No projects yet.</p>
              <Link className="button primary" to="/projects/new">
                Create your first project
              </Link>
            </>
          )}
        </div>
      ) : (
        <ul className="project-grid" aria-label="Projects">
          {list.map((p) => (
            <ProjectCard key={p.id} project={p} />
          ))}
        </ul>
      )}
    </section>
  );
}
