import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useCreateProject } from '../api/projects';
import { ConfigEditor, useConfigValidity } from '../components/ConfigEditor';
import { TEMPLATES } from './create-project/templates';

/** Name and describe a project, choose its labeling setup from the gallery or write the XML, then import data. */
export function CreateProjectPage() {
  const navigate = useNavigate();
  const create = useCreateProject();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [templateId, setTemplateId] = useState(TEMPLATES[0].id);
  const [config, setConfig] = useState(TEMPLATES[0].config);
  const validity = useConfigValidity(config);

  const pickTemplate = (id: string) => {
    const t = TEMPLATES.find((x) => x.id === id);
    if (!t) return;
    setTemplateId(id);
    setConfig(t.config);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ title: title.trim(), description, label_config: config }, { onSuccess: (p) => navigate(`/projects/${p.id}/data?import=1`) });
  };

  return (
    <form className="create-project" onSubmit={submit}>
      <div className="page-head">
        <h1>Create project</h1>
        <Link to="/projects" className="button">
          Cancel
        </Link>
        <button type="submit" className="primary" disabled={create.isPending || validity.state === 'invalid'}>
          {create.isPending ? 'Creating…' : 'Create project'}
        </button>
      </div>
      {create.isError && (
        <p className="error" role="alert">
          {create.error.message}
        </p>
      )}
      <div className="form-grid">
        <label>
          Project name
          <input value={title} onChange={(e) => setTitle(e.target.value)} maxLength={50} placeholder="New project" />
        </label>
        <label>
          Description
          <textarea value={description} onChange={(e) => setDescription(e.target.value)} rows={2} placeholder="What is this project about?" />
        </label>
      </div>

      <h2>Labeling setup</h2>
      <div className="template-gallery" role="radiogroup" aria-label="Templates">
        {TEMPLATES.map((t) => (
          <button key={t.id} type="button" role="radio" aria-checked={t.id === templateId} className={`template${t.id === templateId ? ' template-selected' : ''}`} onClick={() => pickTemplate(t.id)}>
            <span className="template-group">{t.group}</span>
            <strong>{t.title}</strong>
            <span className="muted">{t.description}</span>
          </button>
        ))}
      </div>
      <ConfigEditor value={config} onChange={setConfig} validity={validity} />
    </form>
  );
}
