import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type DragEvent, type FormEvent } from 'react';
import { importFromUrl, uploadImportFile } from '../api/imports';
import type { ImportSummary } from '../api/types';
import { Modal } from './Modal';

interface Upload {
  key: number;
  /** a dropped file, or the URL of a task file the server downloads */
  file?: File;
  url?: string;
  progress: number;
  status: 'waiting' | 'uploading' | 'done' | 'failed';
  summary?: ImportSummary;
  error?: string;
}

function sizeOf(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function outcome(u: Upload): string {
  if (u.status === 'waiting') return 'Waiting';
  if (u.status === 'uploading') return u.url ? 'Importing…' : `Uploading ${Math.round(u.progress * 100)}%`;
  if (u.status === 'failed') return u.error ?? 'Failed';
  const n = u.summary?.task_count ?? 0;
  return `Imported ${n} task${n === 1 ? '' : 's'}`;
}

/** Drop files (JSON, CSV, TSV, TXT, media) or give the URL of a task file; each is imported in turn, with progress and the server's verdict. */
export function ImportDialog({ projectId, onClose }: { projectId: number; onClose: () => void }) {
  const qc = useQueryClient();
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [dragging, setDragging] = useState(false);
  const [url, setUrl] = useState('');
  const picker = useRef<HTMLInputElement>(null);
  const nextKey = useRef(0);
  const started = useRef(new Set<number>());

  const patch = (key: number, change: Partial<Upload>) => setUploads((all) => all.map((u) => (u.key === key ? { ...u, ...change } : u)));
  const addFiles = (files: FileList | null) => {
    if (!files?.length) return;
    const added = Array.from(files, (file) => ({ key: nextKey.current++, file, progress: 0, status: 'waiting' as const }));
    setUploads((all) => [...all, ...added]);
  };

  // one upload at a time, in the order the files came
  const busy = uploads.some((u) => u.status === 'uploading');
  const waiting = uploads.find((u) => u.status === 'waiting');
  useEffect(() => {
    if (busy || !waiting || started.current.has(waiting.key)) return;
    const { key, file, url: source } = waiting;
    started.current.add(key);
    patch(key, { status: 'uploading' });
    const sent = file ? uploadImportFile(projectId, file, (progress) => patch(key, { progress })) : importFromUrl(projectId, source ?? '');
    sent.then(
      (summary) => {
        patch(key, { status: 'done', progress: 1, summary });
        void qc.invalidateQueries({ queryKey: ['tasks', projectId] });
        void qc.invalidateQueries({ queryKey: ['projects'] });
      },
      (err: Error) => patch(key, { status: 'failed', error: err.message }),
    );
  }, [busy, waiting, projectId, qc]);

  const addUrl = (e: FormEvent) => {
    e.preventDefault();
    const text = url.trim();
    if (!text) return;
    setUploads((all) => [...all, { key: nextKey.current++, url: text, progress: 0, status: 'waiting' }]);
    setUrl('');
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    addFiles(e.dataTransfer.files);
  };

  return (
    <Modal
      title="Import data"
      onClose={onClose}
      wide
      footer={
        <button type="button" className="primary" onClick={onClose} disabled={busy}>
          {busy ? 'Uploading…' : 'Done'}
        </button>
      }
    >
      <div
        className={`dropzone${dragging ? ' dropzone-active' : ''}`}
        data-testid="dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>
          <strong>Drop files here</strong> or{' '}
          <button type="button" className="link" onClick={() => picker.current?.click()}>
            browse
          </button>
        </p>
        <p className="muted">JSON, CSV, TSV or TXT with tasks; images, audio and other media become one task each.</p>
        <input ref={picker} type="file" multiple hidden aria-label="Files to import" onChange={(e) => (addFiles(e.target.files), (e.target.value = ''))} />
      </div>
      <form className="url-import" onSubmit={addUrl}>
        <input type="url" aria-label="URL of a task file" placeholder="Or import from a URL: https://example.com/tasks.json" value={url} onChange={(e) => setUrl(e.target.value)} />
        <button type="submit" disabled={!url.trim()}>
          Import URL
        </button>
      </form>
      {uploads.length > 0 && (
        <ul className="uploads" aria-label="Uploads">
          {uploads.map((u) => (
            <li key={u.key} className={`upload upload-${u.status}`}>
              <span className="upload-name">{u.file?.name ?? u.url}</span>
              <span className="muted">{u.file ? sizeOf(u.file.size) : 'URL'}</span>
              <progress max={1} value={u.progress} aria-label={`Upload of ${u.file?.name ?? u.url}`} />
              <span className="upload-outcome" role={u.status === 'failed' ? 'alert' : undefined}>
                {outcome(u)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Modal>
  );
}
