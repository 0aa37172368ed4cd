import type { ConfigNode } from '../config';

/** Any tag this editor cannot show yet: say which, never a blank screen. */
export function Unsupported({ node }: { node: ConfigNode }) {
  const name = node.attrs.name ? ` (name="${node.attrs.name}")` : '';
  return (
    <div className="lf-unsupported" role="note" data-tag={node.tag}>
      The tag <code>&lt;{node.tag}&gt;</code>
      {name} is not supported by this editor yet.
    </div>
  );
}
