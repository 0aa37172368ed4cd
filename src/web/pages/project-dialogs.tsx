import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useDeleteProject, useDuplicateProject, type DuplicateMode } from '../api/projects';
import { ConfirmDialog, Modal } from '../components/Modal';

export const titleOf = (p: { id: number; title: string }) => p.title || `Project ${p.id}`;

export function DuplicateProjectDialog({ project, onClose }: { project: { id: number; title: string }; onClose: () => void }) {
  const navigate = useNavigate();
  const duplicate = useDuplicateProject();
  const [title, setTitle] = useState(`${titleOf(project)} (copy)`.slice(0, 50));
  const [mode, setMode] = useState<DuplicateMode>('settings');
  const submit = () => {
    if (title.trim().length < 3 || duplicate.isPending) return;
    duplicate.mutate({ id: project.id, title: title.trim(), mode }, { onSuccess: ({ id }) => navigate(`/projects/${id}/data`) });
  };
  return (
    <Modal
      title="Duplicate project"
      onClose={onClose}
      footer={
        <>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="primary" disabled={duplicate.isPending || title.trim().length < 3} onClick={() => submit()}>
            {duplicate.isPending ? 'Duplicating…' : 'Duplicate'}
          </button>
        </>
      }
    >
      <div className="duplicate-options">
        <label>
          New project name
          <input value={title} maxLength={50} onChange={(e) => setTitle(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && submit()} />
        </label>
        <label className="check">
          <input type="radio" name="duplicate-mode" checked={mode === 'settings'} onChange={() => setMode('settings')} />
          Settings and labeling config only
        </label>
        <label className="check">
          <input type="radio" name="duplicate-mode" checked={mode === 'settings,data'} onChange={() => setMode('settings,data')} />
          Settings and tasks (without annotations)
        </label>
      </div>
      {duplicate.isError && (
        <p className="error" role="alert">
          {duplicate.error.message}
        </p>
      )}
    </Modal>
  );
}

/** Asks before deleting a project with everything in it. */
export function DeleteProjectDialog({ project, onClose, onDeleted }: { project: { id: number; title: string; task_number?: number }; onClose: () => void; onDeleted: () => void }) {
  const del = useDeleteProject();
  return (
    <ConfirmDialog
      title="Delete project"
      confirmLabel="Delete project"
      busy={del.isPending}
      error={del.error?.message}
      onCancel={onClose}
      onConfirm={() => del.mutate(project.id, { onSuccess: onDeleted })}
    >
      <p>
        Delete <strong>{titleOf(project)}</strong>
        {project.task_number ? ` and its ${project.task_number.toLocaleString('en-US')} tasks with their annotations` : ''}? This cannot be undone.
      </p>
    </ConfirmDialog>
  );
}
