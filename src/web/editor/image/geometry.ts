/** Geometry helpers: regions are stored in percent of the original image, drawn in original pixels. */
export interface Size {
  width: number;
  height: number;
}

export const round = (v: number) => Math.round(v * 1e4) / 1e4;
export const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A rectangle between two pixel points, in pixels, kept inside the image. */
export function rectBetween(a: { x: number; y: number }, b: { x: number; y: number }, size: Size): Rect {
  const x1 = clamp(Math.min(a.x, b.x), 0, size.width);
  const y1 = clamp(Math.min(a.y, b.y), 0, size.height);
  const x2 = clamp(Math.max(a.x, b.x), 0, size.width);
  const y2 = clamp(Math.max(a.y, b.y), 0, size.height);
  return { x: x1, y: y1, width: x2 - x1, height: y2 - y1 };
}

export function rectToPercent(r: Rect, size: Size): Rect {
  return { x: round((r.x / size.width) * 100), y: round((r.y / size.height) * 100), width: round((r.width / size.width) * 100), height: round((r.height / size.height) * 100) };
}

export function percentToPx(x: number, y: number, size: Size): [number, number] {
  return [(x / 100) * size.width, (y / 100) * size.height];
}
