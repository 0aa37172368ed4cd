import { describe, expect, it } from 'vitest';
import { markPredictionOrigins, predictionOfResult, resultFromPrediction } from './prediction-origin';

describe('origins of work started from a prediction', () => {
  const prediction = { id: 3, model_version: 'v1', score: 0.5, created_at: '', result: [{ id: 'p1', from_name: 'sentiment', to_name: 'text', type: 'choices', value: { choices: ['A'] }, origin: 'manual' as const }] };

  it('keeps "prediction" for items as predicted and marks changed ones "prediction-changed"', () => {
    const same = { ...prediction.result[0], origin: 'prediction' as const };
    const changed = { ...same, value: { choices: ['B'] }, origin: 'manual' as const };
    const added = { ...same, id: 'new', from_name: 'other', origin: 'manual' as const };
    expect(markPredictionOrigins([same, added], prediction).map((r) => r.origin)).toEqual(['prediction', 'manual']);
    expect(markPredictionOrigins([changed], prediction).map((r) => r.origin)).toEqual(['prediction-changed']);
  });

  it('starts an accepted annotation from the prediction, marked "prediction"', () => {
    expect(resultFromPrediction(prediction)).toEqual([{ ...prediction.result[0], origin: 'prediction' }]);
  });

  it('finds the prediction a restored draft came from by its items', () => {
    expect(predictionOfResult([{ ...prediction.result[0], origin: 'prediction-changed' }], [prediction])).toBe(prediction);
    expect(predictionOfResult([{ ...prediction.result[0], origin: 'manual' }], [prediction])).toBeUndefined();
  });
});
