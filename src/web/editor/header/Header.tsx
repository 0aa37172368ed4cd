import { resolveValue, styleOf, type ConfigNode } from '../config';
import { useEditor } from '../context';

/** <Header value="…" size="1–6">: a heading; the value may be a `$field`. */
export function Header({ node }: { node: ConfigNode }) {
  const { data } = useEditor();
  const text = String(resolveValue(node.attrs.value, data) ?? '');
  const size = Math.min(6, Math.max(1, Number(node.attrs.size) || 4));
  const Tag = `h${size}` as 'h4';
  const underline = node.attrs.underline === 'true';
  return (
    <Tag className="lf-header" style={{ ...styleOf(node.attrs.style), textDecoration: underline ? 'underline' : undefined }}>
      {text}
    </Tag>
  );
}
