import { dataKeysOfConfig, type ConvertContext, type ConversionItem, type OutputValue } from './items.js';
import { spanTokenize } from './treebank.js';

interface Span {
  start: number;
  end: number;
  labels?: unknown;
}

const hasLabels = (s: Span) => Array.isArray(s.labels) && s.labels.length > 0;

/**
 * The converter's create_tokens_and_tags, quirks included: spans are walked once in start order, a
 * token takes B-/I- of the current span when they overlap, and a span the walk has passed is dropped.
 */
export function tokensAndTags(text: string, spans: OutputValue[] | undefined): { tokens: string[]; tags: string[] } {
  const tokens = spanTokenize(text).map(([start, end]) => ({ token: text.slice(start, end), start }));
  const usable = spans && spans.every((s) => s.start !== undefined && s.start !== null && s.end !== undefined && s.end !== null);
  if (!spans || spans.length === 0 || !usable) return { tokens: tokens.map((t) => t.token), tags: tokens.map(() => 'O') };
  const queue = (spans as unknown as Span[]).slice().sort((a, b) => a.start - b.start);
  let span = queue.shift()!;
  let spanStart = span.start;
  let spanEnd = span.end - 1;
  let prefix = 'B-';
  const tags: string[] = [];
  for (const { token, start } of tokens) {
    const tokenEnd = start + token.length - 1;
    if (start > spanEnd) {
      while (queue.length) {
        span = queue.shift()!;
        spanStart = span.start;
        spanEnd = span.end - 1;
        prefix = 'B-';
        if (start <= spanEnd) break;
      }
    }
    if (tokenEnd < spanStart || !hasLabels(span)) tags.push('O');
    else if (spanStart <= tokenEnd && spanEnd >= start) {
      tags.push(prefix + String((span.labels as unknown[])[0]));
      prefix = 'I-';
    } else tags.push('O');
  }
  return { tokens: tokens.map((t) => t.token), tags };
}

/** CONLL2003 as Label Studio writes it: one file, a "token -X- _ tag" line per token, a blank line per annotation. */
export async function* conllText(pages: AsyncIterable<ConversionItem[][]>, ctx: ConvertContext): AsyncGenerator<string> {
  const key = dataKeysOfConfig(ctx.config)[0];
  yield '-DOCSTART- -X- O\n';
  for await (const page of pages) {
    let out = '';
    for (const item of page.flat()) {
      const spans = [...item.output.values()].find((values) => values[0].type.toLowerCase() === 'labels');
      const { tokens, tags } = tokensAndTags(String(item.input[key] ?? ''), spans);
      out += tokens.map((t, i) => `${t} -X- _ ${tags[i]}\n`).join('') + '\n';
    }
    yield out;
  }
}
