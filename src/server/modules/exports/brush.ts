import { crc32, deflateSync } from 'node:zlib';
import { annotatorOf, type ConvertContext, type ConversionItem, type OutputValue } from './items.js';
import type { ZipEntry } from './zip-stream.js';

/** Reads big-endian bit fields, as Label Studio's brush RLE (thi.ng rle-pack) packs them. */
function bitReader(data: ArrayLike<number>) {
  let pos = 0;
  return (size: number): number => {
    if (pos + size > data.length * 8) throw new Error('brush RLE ends early');
    let v = 0;
    for (let i = 0; i < size; i++, pos++) v = v * 2 + ((data[pos >> 3] >> (7 - (pos & 7))) & 1);
    return v;
  };
}

/** Decodes Label Studio's brush RLE into its flat RGBA bytes. */
export function decodeRle(rle: ArrayLike<number>): Uint8Array {
  const read = bitReader(rle);
  const num = read(32);
  const wordSize = read(5) + 1;
  const rleSizes = [0, 1, 2, 3].map(() => read(4) + 1);
  const out = new Uint8Array(num);
  let i = 0;
  while (i < num) {
    const repeated = read(1);
    const j = Math.min(num, i + 1 + read(rleSizes[read(2)]));
    if (repeated) {
      out.fill(read(wordSize), i, j);
      i = j;
    } else {
      for (; i < j; i++) out[i] = read(wordSize);
    }
  }
  return out;
}

/** The alpha channel of a decoded brush: an H×W mask, row by row. */
export function brushMask(rgba: Uint8Array, width: number, height: number): Uint8Array {
  if (rgba.length !== width * height * 4) throw new Error(`brush RLE holds ${rgba.length} values, not ${width}x${height}x4`);
  const mask = new Uint8Array(width * height);
  for (let p = 0; p < mask.length; p++) mask[p] = rgba[p * 4 + 3];
  return mask;
}

/** A .npy file (format 1.0) of a 2-D uint8 array, with the header NumPy writes, padding included. */
export function npyBytes(mask: Uint8Array, width: number, height: number): Buffer {
  // NumPy leaves room to grow the first axis in place (21 digits), then pads to a multiple of 64
  const dict = `{'descr': '|u1', 'fortran_order': False, 'shape': (${height}, ${width}), }`;
  const header = dict + ' '.repeat(21 - String(height).length);
  const hlen = header.length + 1;
  const pad = 64 - ((10 + hlen) % 64);
  const prefix = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0, 0]);
  prefix.writeUInt16LE(hlen + pad, 8);
  return Buffer.concat([prefix, Buffer.from(`${header}${' '.repeat(pad)}\n`, 'latin1'), mask]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An 8-bit greyscale PNG of the mask (what Pillow's Image.fromarray makes of a uint8 array). */
export function pngBytes(mask: Uint8Array, width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8);
  const rows = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) rows.set(mask.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(rows)), pngChunk('IEND', Buffer.alloc(0))]);
}

/** The converter's layer names for one control: "<from_name>-<labels>-<n>", n counting repeats. */
function layers(fromName: string, results: OutputValue[]): { name: string; mask: Uint8Array; width: number; height: number }[] {
  const counters = new Map<string, number>();
  const out = [];
  for (const r of results) {
    const type = r.type.toLowerCase();
    const key = type === 'brushlabels' ? 'brushlabels' : type === 'labels' ? 'labels' : null;
    if (!key || !Array.isArray(r.rle)) continue;
    const width = r.original_width;
    const height = r.original_height;
    if (typeof width !== 'number' || typeof height !== 'number') continue;
    const labels = Array.isArray(r[key]) ? (r[key] as unknown[]).map(String) : ['no_label'];
    const base = `${fromName}-${labels.join('-')}`;
    const n = counters.get(base) ?? 0;
    counters.set(base, n + 1);
    let mask: Uint8Array;
    try {
      mask = brushMask(decodeRle(r.rle as number[]), width, height);
    } catch {
      continue; // a brush that does not decode to its image size has no mask to give
    }
    out.push({ name: `${base}-${n}`, mask, width, height });
  }
  return out;
}

// the converter keeps letters, digits, "@" and "." of the annotator's email
const fileSafeEmail = (email: string) => Array.from(email).filter((c) => /[\p{L}\p{N}@.]/u.test(c)).join('');

/** BRUSH_TO_NUMPY / BRUSH_TO_PNG: task-<id>-annotation-<id>-by-<annotator>-<from_name>-<labels>-<n>.npy|.png per brush. */
export async function* brushEntries(pages: AsyncIterable<ConversionItem[][]>, _ctx: ConvertContext, format: 'numpy' | 'png'): AsyncGenerator<ZipEntry> {
  for await (const page of pages) {
    for (const item of page.flat()) {
      const by = fileSafeEmail(annotatorOf(item, ''));
      for (const [fromName, results] of item.output) {
        for (const layer of layers(fromName, results)) {
          const name = `task-${item.id}-annotation-${item.annotation_id}-by-${by}-${layer.name.replace(/[/\\]/g, '-')}`;
          if (format === 'numpy') yield { name: `${name}.npy`, content: [npyBytes(layer.mask, layer.width, layer.height)] };
          else yield { name: `${name}.png`, content: [pngBytes(layer.mask, layer.width, layer.height)] };
        }
      }
    }
  }
}
