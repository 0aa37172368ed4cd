import type { ReactNode } from 'react';
import { styleOf, type ConfigNode } from '../config';

/** <View display="block|inline">: a layout box; `style` and `className` as written in the config. */
export function View({ node, children }: { node: ConfigNode; children?: ReactNode }) {
  const inline = node.attrs.display === 'inline';
  return (
    <div className={['lf-view', inline && 'lf-view-inline', node.attrs.className].filter(Boolean).join(' ')} style={styleOf(node.attrs.style)}>
      {children}
    </div>
  );
}
