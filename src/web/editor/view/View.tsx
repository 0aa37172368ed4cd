import type { ReactNode } from 'react';
import { styleOf, type ConfigNode } from '../config';

/** <View>: a layout box; `style` and `className` as written in the config. */
export function View({ node, children }: { node: ConfigNode; children?: ReactNode }) {
  return (
    <div className={['lf-view', node.attrs.className].filter(Boolean).join(' ')} style={styleOf(node.attrs.style)}>
      {children}
    </div>
  );
}
