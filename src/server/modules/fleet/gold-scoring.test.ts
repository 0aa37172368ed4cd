import { describe, expect, it } from 'vitest';
import { editSimilarity, KEYPOINT_TOLERANCE, scoreAgainstGold } from './gold-scoring.js';

const region = (from_name: string, type: string, value: Record<string, unknown>) => ({ from_name, to_name: 'x', type, value });
const choices = (...c: string[]) => region('label', 'choices', { choices: c });
const box = (x: number, y: number, width: number, height: number, label = 'car') => region('box', 'rectanglelabels', { x, y, width, height, rotation: 0, rectanglelabels: [label] });
const span = (start: number, end: number, label = 'PER') => region('ner', 'labels', { start, end, text: '', labels: [label] });
const poly = (points: number[][], label = 'road') => region('area', 'polygonlabels', { points, polygonlabels: [label] });
const point = (x: number, y: number) => region('kp', 'keypointlabels', { x, y, width: 1, keypointlabels: ['eye'] });
const score = (expected: unknown[], actual: unknown[], opts = {}) => scoreAgainstGold(expected, actual, opts).score;

describe('scoring against gold', () => {
  it('scores a single choice exactly', () => {
    expect(score([choices('cat')], [choices('cat')])).toBe(1);
    expect(score([choices('cat')], [choices('dog')])).toBe(0);
    expect(score([choices('cat')], [])).toBe(0);
  });

  it('gives partial credit for multi-choice (Jaccard)', () => {
    expect(score([choices('a', 'b')], [choices('a')])).toBe(0.5);
    expect(score([choices('a', 'b')], [choices('a', 'c')])).toBeCloseTo(1 / 3);
    expect(score([choices('a', 'b')], [choices('b', 'a')])).toBe(1);
  });

  it('scores text spans by overlap, requiring the same label', () => {
    expect(score([span(0, 10)], [span(0, 10)])).toBe(1);
    expect(score([span(0, 10)], [span(5, 15)])).toBeCloseTo(5 / 15);
    expect(score([span(0, 10)], [span(0, 10, 'ORG')])).toBe(0);
    // a missing span counts as zero: two expected, one found
    expect(score([span(0, 10), span(20, 30)], [span(0, 10)])).toBe(0.5);
  });

  it('scores rectangles by IoU and matches several boxes pairwise', () => {
    expect(score([box(0, 0, 10, 10)], [box(0, 0, 10, 10)])).toBe(1);
    expect(score([box(0, 0, 10, 10)], [box(5, 0, 10, 10)])).toBeCloseTo(50 / 150);
    expect(score([box(0, 0, 10, 10), box(50, 50, 10, 10)], [box(50, 50, 10, 10), box(0, 0, 10, 10)])).toBe(1);
    expect(score([box(0, 0, 10, 10)], [box(0, 0, 10, 10), box(50, 50, 10, 10)])).toBe(0.5);
    expect(score([box(0, 0, 10, 10)], [box(0, 0, 10, 10, 'person')])).toBe(0);
  });

  it('scores polygons by polygon IoU, concave ones included', () => {
    const square = [[0, 0], [10, 0], [10, 10], [0, 10]];
    const shifted = [[5, 0], [15, 0], [15, 10], [5, 10]];
    expect(score([poly(square)], [poly(square)])).toBeCloseTo(1);
    expect(score([poly(square)], [poly(shifted)])).toBeCloseTo(1 / 3);
    const triangle = [[0, 0], [10, 0], [0, 10]];
    expect(score([poly(square)], [poly(triangle)])).toBeCloseTo(0.5);
    const ell = [[0, 0], [10, 0], [10, 5], [5, 5], [5, 10], [0, 10]]; // area 75, concave
    const ell2 = [[0, 0], [10, 0], [10, 10], [5, 10], [5, 5], [0, 5]]; // area 75, concave, overlap 50
    expect(score([poly(ell)], [poly(ell2)])).toBeCloseTo(50 / 100, 1);
  });

  it('scores keypoints by distance, zero beyond the tolerance', () => {
    expect(score([point(10, 10)], [point(10, 10)])).toBe(1);
    expect(score([point(10, 10)], [point(10 + KEYPOINT_TOLERANCE / 2, 10)])).toBeCloseTo(0.5);
    expect(score([point(10, 10)], [point(30, 30)])).toBe(0);
  });

  it('scores text areas by normalized edit similarity', () => {
    expect(editSimilarity('Hello  World', 'hello world')).toBe(1);
    expect(editSimilarity('kitten', 'sitting')).toBeCloseTo(1 - 3 / 7);
    expect(score([region('t', 'textarea', { text: ['a cat'] })], [region('t', 'textarea', { text: ['a bat'] })])).toBeCloseTo(0.8);
  });

  it('scores rating and number by their difference', () => {
    const rating = (r: number) => region('stars', 'rating', { rating: r });
    expect(score([rating(5)], [rating(5)])).toBe(1);
    expect(score([rating(5)], [rating(4)])).toBe(0.75);
    expect(score([rating(10)], [rating(9)], { maxRating: { stars: 10 } })).toBeCloseTo(1 - 1 / 9);
    const num = (n: number) => region('count', 'number', { number: n });
    expect(score([num(10)], [num(8)])).toBeCloseTo(0.8);
    expect(score([num(0)], [num(3)])).toBe(0);
  });

  it('averages over the expected controls and reports each', () => {
    const result = scoreAgainstGold([choices('cat'), box(0, 0, 10, 10)], [choices('cat'), box(5, 0, 10, 10), region('extra', 'choices', { choices: ['x'] })]);
    expect(result.details).toEqual([
      { fromName: 'label', type: 'choices', score: 1 },
      { fromName: 'box', type: 'rectanglelabels', score: expect.closeTo(1 / 3) },
    ]);
    expect(result.score).toBeCloseTo((1 + 1 / 3) / 2);
  });
});
