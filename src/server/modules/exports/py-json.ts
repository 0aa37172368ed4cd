/**
 * Label Studio's converter writes its files with Python: floats keep their `.0`, COCO and YOLO notes
 * go through ujson (`\/`, short exponents) and the ASR manifest through the json module. These
 * functions print values the same way, so the files match byte for byte.
 */

/** A number Python holds as a float (it prints `64.0`, not `64`). */
export type PyFloat = { readonly pyFloat: number };
export const float = (n: number): PyFloat => ({ pyFloat: n });

/** The shortest digits and decimal exponent of a finite number, as repr() finds them. */
function digitsOf(n: number): { sign: string; digits: string; exp: number } {
  const [mantissa, e] = Math.abs(n).toExponential().split('e');
  return { sign: n < 0 || Object.is(n, -0) ? '-' : '', digits: mantissa.replace('.', ''), exp: Number(e) };
}

/** Python's repr() of a float: fixed notation from 1e-4 up to 1e16, else `1e-05` / `1e+16`. */
export function pyFloat(n: number, padExponent = true): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  const { sign, digits, exp } = digitsOf(n);
  if (exp < -4 || exp >= 16) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = String(Math.abs(exp)).padStart(padExponent ? 2 : 1, '0');
    return `${sign}${mantissa}e${exp < 0 ? '-' : '+'}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const whole = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const fraction = digits.slice(exp + 1) || '0';
  return `${sign}${whole}.${fraction}`;
}

/** Python's str() of a number that is an int when integral and not marked as a float. */
export const pyNumber = (v: number | PyFloat): string => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : pyFloat(v)) : pyFloat(v.pyFloat));

const asciiOnly = (json: string) => json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** A string as Python's json.dumps writes it (ensure_ascii). */
export const pyJsonString = (s: string): string => asciiOnly(JSON.stringify(s));

const isPyFloat = (v: unknown): v is PyFloat => typeof v === 'object' && v !== null && 'pyFloat' in v;

export type PyJson = null | boolean | number | string | PyFloat | PyJson[] | { [key: string]: PyJson | undefined };

/**
 * ujson.dumps(value, indent=2) at nesting `level`: "/" escaped, non-ASCII as \u escapes, floats with
 * short exponents. Pieces of one document rendered at their level join into the whole document.
 */
export function ujsonDumps(value: PyJson, level = 0, indent = 2): string {
  const pad = (l: number) => ' '.repeat(l * indent);
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pyFloat(value, false);
  if (typeof value === 'string') return pyJsonString(value).replace(/\//g, '\\/');
  if (isPyFloat(value)) return pyFloat(value.pyFloat, false);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => pad(level + 1) + ujsonDumps(v, level + 1, indent)).join(',\n')}\n${pad(level)}]`;
  }
  const entries = Object.entries(value).filter((e): e is [string, PyJson] => e[1] !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${pad(level + 1)}${ujsonDumps(k)}: ${ujsonDumps(v, level + 1, indent)}`).join(',\n')}\n${pad(level)}}`;
}

/** json.dumps(value) with Python's default separators and ensure_ascii, on one line. */
export function pyJsonDumps(value: PyJson): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' || isPyFloat(value)) return pyNumber(value);
  if (typeof value === 'string') return pyJsonString(value);
  if (Array.isArray(value)) return `[${value.map(pyJsonDumps).join(', ')}]`;
  const entries = Object.entries(value).filter((e): e is [string, PyJson] => e[1] !== undefined);
  return `{${entries.map(([k, v]) => `${pyJsonString(k)}: ${pyJsonDumps(v)}`).join(', ')}}`;
}

/** Python's round(): halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** `str(datetime.now())` in local time: `2024-05-01 12:34:56.789000`. */
export function pyNow(at: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const ms = at.getMilliseconds();
  const base = `${at.getFullYear()}-${p(at.getMonth() + 1)}-${p(at.getDate())} ${p(at.getHours())}:${p(at.getMinutes())}:${p(at.getSeconds())}`;
  return ms ? `${base}.${p(ms, 3)}000` : base;
}
