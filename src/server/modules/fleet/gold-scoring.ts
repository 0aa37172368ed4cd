/**
 * Scores an annotation against a gold task's expected labels, control by control, each in [0, 1]:
 * - choices (and taxonomy): Jaccard of the chosen sets — exact for single choice, partial credit for multi-choice
 * - labels (text spans): overlap of [start, end) spans, label sets must intersect
 * - rectangles: box IoU; polygons: polygon IoU; keypoints: 1 − distance / KEYPOINT_TOLERANCE (percent units)
 * - textarea: normalized edit similarity; rating and number: 1 − relative difference
 * - anything else: exact equality of the value
 * Several regions of one control are matched greedily, best pair first; unmatched regions on either side
 * count as zero (the sum divides by the larger count). The score is the mean over the expected controls.
 */

export interface Region {
  from_name: string;
  type: string;
  value: Record<string, unknown>;
}

export interface ControlScore {
  fromName: string;
  type: string;
  score: number;
}

export interface GoldScore {
  score: number;
  details: ControlScore[];
}

export interface ScoringOptions {
  /** maxRating per Rating control name (default 5) */
  maxRating?: Record<string, number>;
}

/** How far a keypoint may land from the expected one (in percent of the image) before it scores zero. */
export const KEYPOINT_TOLERANCE = 5;

type Point = [number, number];

const isRegion = (r: unknown): r is Region =>
  !!r && typeof r === 'object' && typeof (r as Region).from_name === 'string' && !!(r as Region).value && typeof (r as Region).value === 'object';

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : null);

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))) : []);

const clamp01 = (x: number) => Math.max(0, Math.min(1, x));

export function jaccard(a: string[], b: string[]): number {
  const A = new Set(a);
  const B = new Set(b);
  if (A.size === 0 && B.size === 0) return 1;
  let inter = 0;
  for (const x of A) if (B.has(x)) inter++;
  return inter / (A.size + B.size - inter);
}

/** Label sets of two regions must share a label (when both carry labels). */
function labelsAgree(type: string, a: Region, b: Region): boolean {
  const la = strings(a.value[type] ?? a.value.labels);
  const lb = strings(b.value[type] ?? b.value.labels);
  if (la.length === 0 || lb.length === 0) return true;
  return la.some((l) => lb.includes(l));
}

export function spanOverlap(a: Region, b: Region): number {
  const [s1, e1, s2, e2] = [num(a.value.start), num(a.value.end), num(b.value.start), num(b.value.end)];
  if (s1 === null || e1 === null || s2 === null || e2 === null) return equalJson(a.value.text, b.value.text) && equalJson(a.value.start, b.value.start) ? 1 : 0;
  const inter = Math.max(0, Math.min(e1, e2) - Math.max(s1, s2));
  const union = Math.max(e1, e2) - Math.min(s1, s2);
  return union <= 0 ? (s1 === s2 && e1 === e2 ? 1 : 0) : inter / union;
}

export function boxIou(a: Region, b: Region): number {
  const box = (r: Region) => [num(r.value.x) ?? 0, num(r.value.y) ?? 0, num(r.value.width) ?? 0, num(r.value.height) ?? 0];
  const [x1, y1, w1, h1] = box(a);
  const [x2, y2, w2, h2] = box(b);
  const iw = Math.max(0, Math.min(x1 + w1, x2 + w2) - Math.max(x1, x2));
  const ih = Math.max(0, Math.min(y1 + h1, y2 + h2) - Math.max(y1, y2));
  const inter = iw * ih;
  const union = w1 * h1 + w2 * h2 - inter;
  return union <= 0 ? 0 : inter / union;
}

const pointsOf = (r: Region): Point[] =>
  Array.isArray(r.value.points) ? (r.value.points as unknown[]).filter((p): p is unknown[] => Array.isArray(p) && p.length >= 2).map((p) => [num(p[0]) ?? 0, num(p[1]) ?? 0]) : [];

function signedArea(poly: Point[]): number {
  let s = 0;
  for (let i = 0; i < poly.length; i++) {
    const [x1, y1] = poly[i];
    const [x2, y2] = poly[(i + 1) % poly.length];
    s += x1 * y2 - x2 * y1;
  }
  return s / 2;
}

const cross = (o: Point, a: Point, b: Point) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);

function isConvex(poly: Point[]): boolean {
  let sign = 0;
  for (let i = 0; i < poly.length; i++) {
    const c = cross(poly[i], poly[(i + 1) % poly.length], poly[(i + 2) % poly.length]);
    if (c !== 0) {
      if (sign !== 0 && Math.sign(c) !== sign) return false;
      sign = Math.sign(c);
    }
  }
  return true;
}

/** Sutherland–Hodgman: the part of `subject` inside the convex `clip`. */
function clipPolygon(subject: Point[], clip: Point[]): Point[] {
  const orient = Math.sign(signedArea(clip)) || 1;
  let out = subject;
  for (let i = 0; i < clip.length && out.length; i++) {
    const a = clip[i];
    const b = clip[(i + 1) % clip.length];
    const inside = (p: Point) => orient * cross(a, b, p) >= 0;
    const intersect = (p: Point, q: Point): Point => {
      const d1 = cross(a, b, p);
      const d2 = cross(a, b, q);
      const t = d1 / (d1 - d2);
      return [p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])];
    };
    const input = out;
    out = [];
    for (let j = 0; j < input.length; j++) {
      const cur = input[j];
      const prev = input[(j + input.length - 1) % input.length];
      if (inside(cur)) {
        if (!inside(prev)) out.push(intersect(prev, cur));
        out.push(cur);
      } else if (inside(prev)) out.push(intersect(prev, cur));
    }
  }
  return out;
}

function pointInPolygon([x, y]: Point, poly: Point[]): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Two concave polygons: IoU estimated on a 200×200 grid over both. */
function rasterIou(a: Point[], b: Point[]): number {
  const xs = [...a, ...b].map((p) => p[0]);
  const ys = [...a, ...b].map((p) => p[1]);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const N = 200;
  let inter = 0;
  let union = 0;
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      const p: Point = [minX + ((i + 0.5) * (maxX - minX)) / N, minY + ((j + 0.5) * (maxY - minY)) / N];
      const inA = pointInPolygon(p, a);
      const inB = pointInPolygon(p, b);
      if (inA && inB) inter++;
      if (inA || inB) union++;
    }
  }
  return union === 0 ? 0 : inter / union;
}

export function polygonIou(a: Region, b: Region): number {
  const pa = pointsOf(a);
  const pb = pointsOf(b);
  if (pa.length < 3 || pb.length < 3) return 0;
  const areaA = Math.abs(signedArea(pa));
  const areaB = Math.abs(signedArea(pb));
  let inter: number;
  if (isConvex(pb)) inter = Math.abs(signedArea(clipPolygon(pa, pb)));
  else if (isConvex(pa)) inter = Math.abs(signedArea(clipPolygon(pb, pa)));
  else return rasterIou(pa, pb);
  const union = areaA + areaB - inter;
  return union <= 0 ? 0 : inter / union;
}

export function keypointScore(a: Region, b: Region): number {
  const d = Math.hypot((num(a.value.x) ?? 0) - (num(b.value.x) ?? 0), (num(a.value.y) ?? 0) - (num(b.value.y) ?? 0));
  return clamp01(1 - d / KEYPOINT_TOLERANCE);
}

export function editSimilarity(a: string, b: string): number {
  const norm = (s: string) => s.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');
  const x = norm(a);
  const y = norm(b);
  if (x.length === 0 && y.length === 0) return 1;
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return 1 - prev[y.length] / Math.max(x.length, y.length);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}

const equalJson = (a: unknown, b: unknown) => canonical(a) === canonical(b);

/** Best pairs first, each region used once; the sum over the larger side's count. */
function matchRegions(expected: Region[], actual: Region[], pair: (e: Region, a: Region) => number): number {
  if (expected.length === 0 && actual.length === 0) return 1;
  const pairs: { i: number; j: number; s: number }[] = [];
  expected.forEach((e, i) => actual.forEach((a, j) => pairs.push({ i, j, s: pair(e, a) })));
  pairs.sort((p, q) => q.s - p.s);
  const usedE = new Set<number>();
  const usedA = new Set<number>();
  let sum = 0;
  for (const p of pairs) {
    if (usedE.has(p.i) || usedA.has(p.j)) continue;
    usedE.add(p.i);
    usedA.add(p.j);
    sum += p.s;
  }
  return sum / Math.max(expected.length, actual.length);
}

const withLabels = (type: string, f: (e: Region, a: Region) => number) => (e: Region, a: Region) => (labelsAgree(type, e, a) ? f(e, a) : 0);

function scoreControl(type: string, expected: Region[], actual: Region[], opts: ScoringOptions, name: string): number {
  switch (type) {
    case 'choices':
    case 'taxonomy':
      return jaccard(expected.flatMap((r) => strings(r.value[type])), actual.flatMap((r) => strings(r.value[type])));
    case 'labels':
    case 'hypertextlabels':
    case 'paragraphlabels':
      return matchRegions(expected, actual, withLabels(type, spanOverlap));
    case 'rectangle':
    case 'rectanglelabels':
      return matchRegions(expected, actual, withLabels(type, boxIou));
    case 'polygon':
    case 'polygonlabels':
      return matchRegions(expected, actual, withLabels(type, polygonIou));
    case 'keypoint':
    case 'keypointlabels':
      return matchRegions(expected, actual, withLabels(type, keypointScore));
    case 'textarea': {
      const text = (rs: Region[]) => rs.flatMap((r) => strings(r.value.text)).join('\n');
      return editSimilarity(text(expected), text(actual));
    }
    case 'rating': {
      const [e, a] = [num(expected[0]?.value.rating), num(actual[0]?.value.rating)];
      if (e === null || a === null) return e === a ? 1 : 0;
      const max = opts.maxRating?.[name] ?? 5;
      return max <= 1 ? (e === a ? 1 : 0) : clamp01(1 - Math.abs(e - a) / (max - 1));
    }
    case 'number': {
      const [e, a] = [num(expected[0]?.value.number), num(actual[0]?.value.number)];
      if (e === null || a === null) return e === a ? 1 : 0;
      return clamp01(1 - Math.abs(e - a) / Math.max(Math.abs(e), 1));
    }
    default:
      return matchRegions(expected, actual, (e, a) => (equalJson(e.value, a.value) ? 1 : 0));
  }
}

export function scoreAgainstGold(expectedLabels: unknown[], result: unknown[], opts: ScoringOptions = {}): GoldScore {
  const expected = expectedLabels.filter(isRegion);
  const actual = result.filter(isRegion);
  const names = [...new Set(expected.map((r) => r.from_name))];
  const details = names.map((name) => {
    const e = expected.filter((r) => r.from_name === name);
    const type = e[0].type.toLowerCase();
    const a = actual.filter((r) => r.from_name === name);
    return { fromName: name, type, score: a.length === 0 ? 0 : scoreControl(type, e, a, opts, name) };
  });
  const score = details.length === 0 ? 0 : details.reduce((s, d) => s + d.score, 0) / details.length;
  return { score, details };
}
