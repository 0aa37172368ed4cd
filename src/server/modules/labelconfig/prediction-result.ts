import { validationError } from '../../errors.js';
import type { ControlTag, LabelConfig } from './parse.js';
import { pyStr, pyTypeName } from './python-format.js';

export type ResultItem = Record<string, unknown>;

// Controls a bare string or integer can fill, with the Python type Label Studio requires of the value.
// Number wants a float, which a JSON integer never is in Python, so only Rating takes integers.
const SINGLE_VALUED: Record<string, 'str' | 'int' | 'float'> = {
  choices: 'str',
  rating: 'int',
  number: 'float',
  textarea: 'str',
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function wrap(c: ControlTag, value: Record<string, unknown>): ResultItem[] {
  return [{ from_name: c.name, to_name: c.toName.join(','), type: c.tag.toLowerCase(), value }];
}

function incorrect(result: unknown, why = ''): Error {
  return validationError('result', `Incorrect format <class '${pyTypeName(result)}'> for prediction result ${pyStr(result)}${why}`);
}

/**
 * Label Studio's shortcuts for a prediction's `result`: a list is kept; a dict is the `value` of the first control
 * whose type it names; a string or integer fills the first single-valued control (`"Class A"` → choices).
 */
export function normalizePredictionResult(cfg: LabelConfig, result: unknown): ResultItem[] {
  if (Array.isArray(result)) {
    if (!result.every(isPlainObject)) throw validationError('result', 'Each item in prediction result should be dict');
    return result;
  }
  if (isPlainObject(result)) {
    const control = cfg.controls.find((c) => Object.hasOwn(result, c.tag.toLowerCase()));
    if (control) return wrap(control, result);
    throw incorrect(result, ': no control of the labeling config has a matching type key');
  }
  const pyType = pyTypeName(result);
  if (pyType === 'str' || pyType === 'int') {
    const control = cfg.controls.find((c) => {
      const type = c.tag.toLowerCase();
      return Object.hasOwn(SINGLE_VALUED, type) && SINGLE_VALUED[type] === pyType;
    });
    if (control) return wrap(control, { [control.tag.toLowerCase()]: [result] });
    throw incorrect(result, ': no single-valued control of the labeling config takes it');
  }
  throw incorrect(result);
}
