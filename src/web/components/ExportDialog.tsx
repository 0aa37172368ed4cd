import { useState } from 'react';
import { exportUrl, useExportFormats } from '../api/projects';
import { Modal } from './Modal';

/** Pick a format and download GET /api/projects/{id}/export; the browser streams the file to disk. */
export function ExportDialog({ projectId, onClose }: { projectId: number; onClose: () => void }) {
  const formats = useExportFormats(projectId);
  const [format, setFormat] = useState('JSON');
  const [allTasks, setAllTasks] = useState(false);
  const download = () => {
    const a = document.createElement('a');
    a.href = exportUrl(projectId, format, allTasks);
    a.download = '';
    document.body.append(a);
    a.click();
    a.remove();
  };
  return (
    <Modal
      title="Export data"
      onClose={onClose}
      footer={
        <>
          <button type="button" onClick={onClose}>
            Close
          </button>
          <button type="button" className="primary" onClick={download} disabled={!formats.data}>
            Export
          </button>
        </>
      }
    >
      {formats.isError && (
        <p className="error" role="alert">
          {formats.error.message}
        </p>
      )}
      <fieldset className="formats">
        <legend>Format</legend>
        {formats.data?.map((f) => (
          <label key={f.name} className={`format${f.disabled ? ' format-disabled' : ''}`}>
            <input type="radio" name="export-format" value={f.name} checked={format === f.name} disabled={f.disabled} onChange={() => setFormat(f.name)} />
            <span>
              <strong>{f.title}</strong>
              <span className="muted">{f.description}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <label className="check">
        <input type="checkbox" checked={allTasks} onChange={(e) => setAllTasks(e.target.checked)} />
        Include tasks without annotations
      </label>
    </Modal>
  );
}
