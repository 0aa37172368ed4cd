import type { ResultItem } from '../api/types';
import type { PredictionItem } from '../api/labeling';
import { newRegionId } from '../editor/store';

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** An accepted prediction's result as the start of a new annotation: Label Studio marks each item `origin: "prediction"`. */
export function resultFromPrediction(p: PredictionItem): ResultItem[] {
  return p.result.map((r) => ({ ...structuredClone(r), id: r.id || newRegionId(), origin: 'prediction' }));
}

/**
 * Label Studio's origins for an annotation started from a prediction: an item still equal to the
 * prediction's stays "prediction", one the annotator changed is "prediction-changed", new ones "manual".
 * (Our editor tags rewrite a changed item as "manual"; the prediction tells them apart again.)
 */
export function markPredictionOrigins(results: ResultItem[], prediction: PredictionItem | undefined): ResultItem[] {
  if (!prediction) return results;
  const predicted = new Map(prediction.result.map((r) => [`${r.id}\u0000${r.from_name}`, r]));
  return results.map((r) => {
    const from = predicted.get(`${r.id}\u0000${r.from_name}`);
    if (!from) return r;
    const origin = r.origin !== 'prediction-changed' && sameJson(r.value, from.value) ? 'prediction' : 'prediction-changed';
    return r.origin === origin ? r : { ...r, origin };
  });
}

/** The prediction a restored draft was started from: drafts do not carry `parent_prediction`, their items' ids do. */
export function predictionOfResult(results: ResultItem[], predictions: PredictionItem[]): PredictionItem | undefined {
  const fromPrediction = results.filter((r) => r.origin === 'prediction' || r.origin === 'prediction-changed');
  if (fromPrediction.length === 0) return undefined;
  return predictions.find((p) => fromPrediction.every((r) => p.result.some((q) => q.id === r.id && q.from_name === r.from_name)));
}
