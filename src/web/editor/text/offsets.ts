import type { ResultItem } from '../../api/types';

export interface Span {
  start: number;
  end: number;
}

/**
 * Character offsets of a DOM selection inside `container`, counted in the task text's own units
 * (UTF-16, as Label Studio's editor counts them). The container must hold only the text: label
 * captions are drawn with CSS so they never count.
 */
export function selectionOffsets(container: HTMLElement, range: Range): Span | null {
  if (!range.intersectsNode(container)) return null;
  const whole = document.createRange();
  whole.selectNodeContents(container);
  const clipped = range.cloneRange();
  if (clipped.compareBoundaryPoints(Range.START_TO_START, whole) < 0) clipped.setStart(whole.startContainer, whole.startOffset);
  if (clipped.compareBoundaryPoints(Range.END_TO_END, whole) > 0) clipped.setEnd(whole.endContainer, whole.endOffset);
  if (clipped.collapsed) return null;
  const before = document.createRange();
  before.setStart(whole.startContainer, whole.startOffset);
  before.setEnd(clipped.startContainer, clipped.startOffset);
  const start = before.toString().length;
  return { start, end: start + clipped.toString().length };
}

const WORD = /[\p{L}\p{N}_'-]/u;

/** `granularity="word"`: widen a span to whole words. */
export function expandToWords(text: string, span: Span): Span {
  let { start, end } = span;
  while (start > 0 && WORD.test(text[start - 1]) && WORD.test(text[start])) start--;
  while (end < text.length && WORD.test(text[end]) && WORD.test(text[end - 1])) end++;
  return { start, end };
}

export interface Segment extends Span {
  /** regions covering this piece, oldest first */
  regions: ResultItem[];
}

/** Cuts the text at every region boundary so each piece is covered by one fixed set of regions. */
export function segmentsOf(text: string, regions: ResultItem[]): Segment[] {
  const spans = regions.map((r) => ({ r, start: Number(r.value.start), end: Number(r.value.end) })).filter((s) => s.start < s.end);
  const cuts = new Set([0, text.length]);
  for (const s of spans) {
    cuts.add(Math.max(0, Math.min(text.length, s.start)));
    cuts.add(Math.max(0, Math.min(text.length, s.end)));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: Segment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i];
    const end = points[i + 1];
    out.push({ start, end, regions: spans.filter((s) => s.start <= start && s.end >= end).map((s) => s.r) });
  }
  return out;
}
