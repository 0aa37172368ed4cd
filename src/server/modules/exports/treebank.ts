/**
 * NLTK's TreebankWordTokenizer with the punctuation rules Label Studio's converter installs (it also
 * splits on "/"), and span_tokenize's alignment of tokens back onto the text. CONLL2003 tags depend
 * on exactly these token boundaries.
 */

// Python's `$` also matches before a final newline.
const END = '(?=\\n?$)';

const STARTING_QUOTES: [RegExp, string][] = [
  [/^"/, '``'],
  [/(``)/g, ' $1 '],
  [/([ ([{<])("|'{2})/g, '$1 `` '],
];

const PUNCTUATION: [RegExp, string][] = [
  [/([:,])([^\d])/g, ' $1 $2'],
  [new RegExp(`([:,])${END}`, 'g'), ' $1 '],
  [/\.\.\./g, ' ... '],
  [/[;@#$\/%&]/g, ' $& '],
  [new RegExp(`([^.])(\\.)([\\])}>"']*)\\s*${END}`, 'g'), '$1 $2$3 '],
  [/[?!]/g, ' $& '],
  [/([^'])' /g, "$1 ' "],
];

const PARENS_BRACKETS: [RegExp, string] = [/[\][(){}<>]/g, ' $& '];
const DOUBLE_DASHES: [RegExp, string] = [/--/g, ' -- '];

const ENDING_QUOTES: [RegExp, string][] = [
  [/''/g, " '' "],
  [/"/g, " '' "],
  [/([^' ])('[sS]|'[mM]|'[dD]|') /g, '$1 $2 '],
  [/([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) /g, '$1 $2 '],
];

const CONTRACTIONS: RegExp[] = [
  /\b(can)(not)\b/gi,
  /\b(d)('ye)\b/gi,
  /\b(gim)(me)\b/gi,
  /\b(gon)(na)\b/gi,
  /\b(got)(ta)\b/gi,
  /\b(lem)(me)\b/gi,
  /\b(more)('n)\b/gi,
  /\b(wan)(na)(?=\s)/gi,
  / ('t)(is)\b/gi,
  / ('t)(was)\b/gi,
];

function tokenize(input: string): string[] {
  let text = input;
  for (const [rx, sub] of STARTING_QUOTES) text = text.replace(rx, sub);
  for (const [rx, sub] of PUNCTUATION) text = text.replace(rx, sub);
  text = text.replace(...PARENS_BRACKETS);
  text = text.replace(...DOUBLE_DASHES);
  text = ` ${text} `;
  for (const [rx, sub] of ENDING_QUOTES) text = text.replace(rx, sub);
  for (const rx of CONTRACTIONS) text = text.replace(rx, ' $1 $2 ');
  return text.split(/\s+/).filter(Boolean);
}

/** Start and end offsets of each token in the text (NLTK's span_tokenize). */
export function spanTokenize(text: string): [number, number][] {
  let tokens = tokenize(text);
  if (text.includes('"') || text.includes("''")) {
    // the tokenizer rewrote quotes as `` and ''; put back the ones the text has, in order
    const quotes = text.match(/``|'{2}|"/g) ?? [];
    let q = 0;
    tokens = tokens.map((t) => (t === '"' || t === '``' || t === "''" ? (quotes[q++] ?? t) : t));
  }
  const spans: [number, number][] = [];
  let point = 0;
  for (const token of tokens) {
    const start = text.indexOf(token, point);
    if (start < 0) throw new Error(`substring "${token}" not found in "${text}"`);
    point = start + token.length;
    spans.push([start, point]);
  }
  return spans;
}
