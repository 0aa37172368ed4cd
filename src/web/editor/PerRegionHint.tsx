import type { ConfigNode } from './config';

/** What a per-region control shows while no region is selected: it edits the selected region's attribute. */
export function PerRegionHint({ node }: { node: ConfigNode }) {
  return (
    <p className="lf-hint lf-per-region-hint" data-name={node.attrs.name}>
      Select a region to set <strong>{node.attrs.name}</strong>.
    </p>
  );
}
