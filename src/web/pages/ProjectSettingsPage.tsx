import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useProject, useUpdateProject, type ProjectSettings, type ProjectWithSettings } from '../api/projects';
import { ConfigEditor, useConfigValidity } from '../components/ConfigEditor';
import '../dm/dm.css';
import { DeleteProjectDialog, DuplicateProjectDialog, titleOf } from './project-dialogs';


function settingsOf(p: ProjectWithSettings): ProjectSettings {
  return {
    title: p.title,
    description: p.description ?? '',
    label_config: p.label_config,
    expert_instruction: p.expert_instruction ?? '',
    show_instruction: p.show_instruction ?? false,
    show_skip_button: p.show_skip_button ?? true,
    enable_empty_annotation: p.enable_empty_annotation ?? true,
    show_annotation_history: p.show_annotation_history ?? false,
    maximum_annotations: p.maximum_annotations ?? 1,
    sampling: p.sampling ?? 'Sequential sampling',
    skip_queue: p.skip_queue ?? 'REQUEUE_FOR_OTHERS',
  };
}

/** Only the fields that changed: a PATCH of the label config alone runs the server's compatibility check. */
function changesOf(before: ProjectSettings, after: ProjectSettings): Partial<ProjectSettings> {
  return Object.fromEntries(Object.entries(after).filter(([k, v]) => before[k as keyof ProjectSettings] !== v)) as Partial<ProjectSettings>;
}

/** Copy a project's setup, and its tasks if asked, into a new project, then open it. */
function SettingsForm({ project }: { project: ProjectWithSettings }) {
  const navigate = useNavigate();
  const update = useUpdateProject(project.id);
  const [saved, setSaved] = useState(() => settingsOf(project));
  const [form, setForm] = useState(saved);
  const [dialog, setDialog] = useState<'duplicate' | 'delete' | null>(null);
  const validity = useConfigValidity(form.label_config);
  const set = <K extends keyof ProjectSettings>(key: K, value: ProjectSettings[K]) => setForm((f) => ({ ...f, [key]: value }));
  const changes = changesOf(saved, form);
  const dirty = Object.keys(changes).length > 0;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    update.mutate(changes, { onSuccess: (p) => (setSaved(settingsOf(p)), setForm(settingsOf(p))) });
  };

  return (
    <>
      <form className="settings-form" onSubmit={submit} aria-label="Project settings">
        <div className="page-head">
          <nav className="crumbs" aria-label="Breadcrumb">
            <Link to="/projects">Projects</Link> / <Link to={`/projects/${project.id}/data`}>{titleOf(project)}</Link> / <h1>Settings</h1>
          </nav>
          {update.isSuccess && !dirty && (
            <span className="notice" role="status">
              Saved.
            </span>
          )}
          <Link className="button" to={`/projects/${project.id}/data`}>
            Back to tasks
          </Link>
          <button type="submit" className="primary" disabled={!dirty || update.isPending || validity.state === 'invalid'}>
            {update.isPending ? 'Saving…' : 'Save'}
          </button>
        </div>
        {update.isError && (
          <p className="error" role="alert">
            {update.error.message}
          </p>
        )}

        <section className="settings-section" aria-labelledby="general">
          <h2 id="general">General</h2>
          <div className="form-grid">
            <label>
              Project name
              <input value={form.title} maxLength={50} onChange={(e) => set('title', e.target.value)} />
            </label>
            <label>
              Description
              <textarea rows={2} value={form.description} onChange={(e) => set('description', e.target.value)} />
            </label>
          </div>
        </section>

        <section className="settings-section" aria-labelledby="labeling">
          <h2 id="labeling">Labeling interface</h2>
          <ConfigEditor value={form.label_config} onChange={(v) => set('label_config', v)} validity={validity} />
        </section>

        <section className="settings-section" aria-labelledby="instructions">
          <h2 id="instructions">Instructions</h2>
          <label>
            Instructions for annotators (HTML)
            <textarea rows={4} value={form.expert_instruction} onChange={(e) => set('expert_instruction', e.target.value)} />
          </label>
          <label className="check">
            <input type="checkbox" checked={form.show_instruction} onChange={(e) => set('show_instruction', e.target.checked)} />
            Show the instructions before labeling
          </label>
        </section>

        <section className="settings-section" aria-labelledby="annotation">
          <h2 id="annotation">Annotation</h2>
          <div className="settings-row">
            <label>
              Annotations per task
              <input type="number" min={1} value={form.maximum_annotations} onChange={(e) => set('maximum_annotations', Math.max(1, Number(e.target.value) || 1))} />
            </label>
            <label>
              Task order
              <select value={form.sampling} onChange={(e) => set('sampling', e.target.value as ProjectSettings['sampling'])}>
                <option value="Sequential sampling">Sequential</option>
                <option value="Uniform sampling">Random</option>
                <option value="Uncertainty sampling">Uncertainty (active learning)</option>
              </select>
            </label>
            <label>
              Skipped tasks
              <select value={form.skip_queue} onChange={(e) => set('skip_queue', e.target.value as ProjectSettings['skip_queue'])}>
                <option value="REQUEUE_FOR_OTHERS">Go to other annotators</option>
                <option value="REQUEUE_FOR_ME">Come back to me later</option>
                <option value="IGNORE_SKIPPED">Count as done</option>
              </select>
            </label>
          </div>
          <label className="check">
            <input type="checkbox" checked={form.show_skip_button} onChange={(e) => set('show_skip_button', e.target.checked)} />
            Show the Skip button
          </label>
          <label className="check">
            <input type="checkbox" checked={form.enable_empty_annotation} onChange={(e) => set('enable_empty_annotation', e.target.checked)} />
            Allow empty annotations
          </label>
          <label className="check">
            <input type="checkbox" checked={form.show_annotation_history} onChange={(e) => set('show_annotation_history', e.target.checked)} />
            Show annotation history
          </label>
        </section>

        <section className="settings-section danger-zone" aria-labelledby="manage">
          <h2 id="manage">Manage project</h2>
          <div className="settings-row">
            <p className="muted">Copy this project’s setup, with or without its tasks.</p>
            <button type="button" onClick={() => setDialog('duplicate')}>
              Duplicate project
            </button>
          </div>
          <div className="settings-row">
            <p className="muted">Delete the project, its tasks, annotations and predictions.</p>
            <button type="button" className="danger" onClick={() => setDialog('delete')}>
              Delete project
            </button>
          </div>
        </section>
      </form>
      {dialog === 'duplicate' && <DuplicateProjectDialog project={project} onClose={() => setDialog(null)} />}
      {dialog === 'delete' && <DeleteProjectDialog project={project} onClose={() => setDialog(null)} onDeleted={() => navigate('/projects', { replace: true })} />}
    </>
  );
}

/** A project's settings: name, description, labeling config, instructions and annotation rules; duplicate and delete. */
export function ProjectSettingsPage() {
  const id = Number(useParams().projectId);
  const project = useProject(id);
  if (project.isError) {
    return (
      <p className="error" role="alert">
        {project.error.message}
      </p>
    );
  }
  if (!project.data) return <p className="muted">Loading…</p>;
  return <SettingsForm key={project.data.id} project={project.data} />;
}
