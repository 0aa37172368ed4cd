import { memo } from 'react';
import type { ResultItem } from '../../api/types';
import { percentToPx, type Rect, type Size } from './geometry';

export type Point = { x: number; y: number };

export const CORNERS = ['nw', 'ne', 'sw', 'se'] as const;
export type Corner = (typeof CORNERS)[number];

export function cornerPoint(r: Rect, c: Corner): Point {
  return { x: c.endsWith('w') ? r.x : r.x + r.width, y: c.startsWith('n') ? r.y : r.y + r.height };
}

export function rectPx(v: Record<string, unknown>, size: Size): Rect {
  const [x, y] = percentToPx(Number(v.x), Number(v.y), size);
  const [width, height] = percentToPx(Number(v.width), Number(v.height), size);
  return { x, y, width, height };
}

export function setRectAttrs(el: Element, r: Rect): void {
  el.setAttribute('x', String(r.x));
  el.setAttribute('y', String(r.y));
  el.setAttribute('width', String(r.width));
  el.setAttribute('height', String(r.height));
}

export function labelsOf(r: ResultItem): string[] {
  return (r.value[r.type] as string[] | undefined) ?? [];
}

/** One region, drawn in original-image pixels; memoized so moving one box re-renders no other. */
export const Region = memo(function Region({ region, size, selected, color }: { region: ResultItem; size: Size; selected: boolean; color: string }) {
  const v = region.value;
  const common = { className: 'lf-shape', stroke: color, fill: color, vectorEffect: 'non-scaling-stroke' as const };
  let shape;
  let handles = null;
  if (region.type === 'rectanglelabels') {
    const r = rectPx(v, size);
    shape = <rect {...common} x={r.x} y={r.y} width={r.width} height={r.height} />;
    if (selected) handles = CORNERS.map((c) => {
      const p = cornerPoint(r, c);
      return <circle key={c} className={`lf-handle lf-handle-${c}`} data-handle={c} cx={p.x} cy={p.y} />;
    });
  } else if (region.type === 'polygonlabels') {
    const pts = ((v.points as [number, number][]) ?? []).map(([x, y]) => percentToPx(x, y, size).join(',')).join(' ');
    shape = <polygon {...common} points={pts} />;
  } else {
    const [cx, cy] = percentToPx(Number(v.x), Number(v.y), size);
    shape = <circle {...common} className="lf-shape lf-keypoint" cx={cx} cy={cy} />;
  }
  return (
    <g className={`lf-region${selected ? ' lf-region-active' : ''}`} data-region-id={region.id} data-type={region.type} data-label={labelsOf(region).join(', ')}>
      {shape}
      {handles}
    </g>
  );
});

/** Regions per group: a change re-renders one group, and the layer only compares item references. */
const GROUP = 100;

type GroupProps = { regions: ResultItem[]; size: Size; skipId: string | null; colorOf: (r: ResultItem) => string };

const sameGroup = (a: GroupProps, b: GroupProps) =>
  a.size === b.size && a.skipId === b.skipId && a.colorOf === b.colorOf && a.regions.length === b.regions.length && a.regions.every((r, i) => r === b.regions[i]);

const RegionGroup = memo(function RegionGroup({ regions, size, skipId, colorOf }: GroupProps) {
  return regions.map((r) => (r.id === skipId ? null : <Region key={r.id} region={r} size={size} selected={false} color={colorOf(r)} />));
}, sameGroup);

/**
 * The regions at rest, one memoized Region each, keyed by id, in memoized groups of a hundred: selecting a
 * region or moving one re-renders only the group that holds it. `skipId` is the selected region, which the
 * active layer draws.
 */
export function RegionLayer({ regions, size, skipId, colorOf }: GroupProps) {
  const groups = [];
  for (let at = 0; at < regions.length; at += GROUP) {
    const slice = regions.slice(at, at + GROUP);
    groups.push(<RegionGroup key={at} regions={slice} size={size} skipId={slice.some((r) => r.id === skipId) ? skipId : null} colorOf={colorOf} />);
  }
  return groups;
}
