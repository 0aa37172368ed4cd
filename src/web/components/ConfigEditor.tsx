import { useQuery } from '@tanstack/react-query';
import { useMemo, type KeyboardEvent } from 'react';
import { validateLabelConfig } from '../api/projects';
import { Editor } from '../editor/Editor';
import { createAnnotationStore } from '../editor/store';
import { useDebounced } from '../lib/use-debounced';
import { sampleTaskData } from '../editor/sample-task';

export type Validity = { state: 'checking' } | { state: 'valid' } | { state: 'invalid'; message: string };

/** The server's verdict on a config (POST /api/projects/validate), asked once typing pauses. */
export function useConfigValidity(config: string): Validity {
  const settled = useDebounced(config, 300);
  const check = useQuery({
    queryKey: ['validate-config', settled],
    queryFn: ({ signal }) => validateLabelConfig(settled, signal),
    staleTime: Infinity,
  });
  if (settled !== config || check.isPending) return { state: 'checking' };
  if (check.isError) return { state: 'invalid', message: check.error.message };
  return check.data === null ? { state: 'valid' } : { state: 'invalid', message: check.data };
}

/** Tab indents instead of leaving the field. */
function indentOnTab(e: KeyboardEvent<HTMLTextAreaElement>, onChange: (v: string) => void) {
  if (e.key !== 'Tab' || e.shiftKey) return;
  e.preventDefault();
  const area = e.currentTarget;
  const { selectionStart: from, selectionEnd: to, value } = area;
  onChange(value.slice(0, from) + '  ' + value.slice(to));
  requestAnimationFrame(() => area.setSelectionRange(from + 2, from + 2));
}

/** The XML of a labeling config, its validation by the server, and the editor it makes on a sample task. */
export function ConfigEditor({ value, onChange, validity }: { value: string; onChange: (v: string) => void; validity: Validity }) {
  const previewConfig = useDebounced(value, 300);
  const sample = useMemo(() => sampleTaskData(previewConfig), [previewConfig]);
  // a fresh store whenever the config changes: old results may name controls that are gone
  const store = useMemo(() => createAnnotationStore(), [previewConfig]);
  return (
    <div className="config-editor">
      <div className="config-code">
        <label htmlFor="label-config">Labeling config (XML)</label>
        <textarea id="label-config" className="mono" spellCheck={false} value={value} rows={18} onChange={(e) => onChange(e.target.value)} onKeyDown={(e) => indentOnTab(e, onChange)} />
        <p className={`validity validity-${validity.state}`} role={validity.state === 'invalid' ? 'alert' : 'status'} data-testid="config-validity">
          {validity.state === 'checking' ? 'Checking…' : validity.state === 'valid' ? 'The config is valid.' : validity.message}
        </p>
      </div>
      <div className="config-preview" aria-label="Preview">
        <h3>Preview</h3>
        <Editor config={previewConfig} data={sample} store={store} />
      </div>
    </div>
  );
}
