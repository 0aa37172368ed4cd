import { useEffect, useMemo, useState } from 'react';
import { resolveValue, styleOf, type ConfigNode } from '../config';
import { useEditor } from '../context';
import { sanitizeHtml } from './sanitize';

/** The HTML to show: the task's value, or with valueType="url" the document it points at. */
function useHtmlSource(node: ConfigNode): { html: string; error: string | null } {
  const { data } = useEditor();
  const value = resolveValue(node.attrs.value, data);
  const raw = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  const byUrl = node.attrs.valueType === 'url';
  const [fetched, setFetched] = useState<{ url: string; html: string; error: string | null } | null>(null);
  useEffect(() => {
    if (!byUrl || !raw) return;
    let live = true;
    fetch(raw)
      .then(async (res) => {
        if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
        const html = await res.text();
        if (live) setFetched({ url: raw, html, error: null });
      })
      .catch((err: Error) => live && setFetched({ url: raw, html: '', error: `The page could not be loaded: ${err.message}` }));
    return () => {
      live = false;
    };
  }, [byUrl, raw]);
  if (!byUrl) return { html: raw, error: null };
  return fetched?.url === raw ? { html: fetched.html, error: fetched.error } : { html: '', error: null };
}

/** <HyperText name value="$html" valueType="text|url">: the task's HTML, sanitized so no script ever runs. */
export function HyperText({ node }: { node: ConfigNode }) {
  const { html, error } = useHtmlSource(node);
  const clean = useMemo(() => sanitizeHtml(html), [html]);
  return (
    <div className="lf-hypertext-tag">
      {error && (
        <p className="lf-hint" role="alert">
          {error}
        </p>
      )}
      <div className="lf-hypertext" data-name={node.attrs.name} style={styleOf(node.attrs.style)} dangerouslySetInnerHTML={{ __html: clean }} />
    </div>
  );
}
