import { AppError } from '../../errors.js';

/**
 * Splits a JSON document arriving in chunks into the texts of its top-level array elements,
 * without holding the whole document: a 1M-task import never becomes one string.
 * A top-level object yields itself as the only element. The texts are parsed by JSON.parse later.
 */
export async function* jsonElements(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  let mode: 'start' | 'array' | 'object' | 'end' = 'start';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let current = '';
  let line = 1;
  let index = 0;
  const fail = (msg: string) => {
    throw new AppError('invalid', `JSON parse error at line ${line}: ${msg}`);
  };
  for await (const chunk of chunks) {
    let start = -1; // where the element in progress begins inside this chunk
    if (mode === 'array' && depth > 0) start = 0;
    if (mode === 'object') start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === 10) line++;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 92) escaped = true;
        else if (c === 34) inString = false;
        continue;
      }
      if (c === 32 || c === 10 || c === 13 || c === 9) continue;
      if (mode === 'start') {
        if (c === 0xfeff) continue;
        if (c === 91) mode = 'array';
        else if (c === 123) {
          mode = 'object';
          depth = 1;
          start = i;
        } else fail(`expected a list of tasks or one task object, found "${chunk[i]}"`);
        continue;
      }
      if (mode === 'end') fail('unexpected data after the end of the document');
      if (mode === 'array' && depth === 0) {
        if (c === 44) continue; // comma between elements
        if (c === 93) {
          mode = 'end';
          continue;
        }
        if (c !== 123) fail(`item ${index} must be a task object, found "${chunk[i]}"`);
        start = i;
      }
      if (c === 34) inString = true;
      else if (c === 123 || c === 91) depth++;
      else if (c === 125 || c === 93) {
        depth--;
        if (depth < 0) fail('unbalanced brackets');
      }
      if (depth === 0 && (c === 125 || c === 93)) {
        current += chunk.slice(start, i + 1);
        index++;
        yield current;
        current = '';
        start = -1;
        if (mode === 'object') mode = 'end';
      }
    }
    if (start >= 0) current += chunk.slice(start);
  }
  if (mode === 'start') throw new AppError('invalid', 'No tasks found: the file is empty');
  if (mode !== 'end') fail('the document ends before its closing bracket');
}
