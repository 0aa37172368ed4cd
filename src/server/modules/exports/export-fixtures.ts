import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { expect } from 'vitest';
import type { TestServer } from '../../testing/harness.js';

/** Test helpers for the converter formats: downloads, unzipping, and comparing with the golden files. */

const GOLDEN = path.join(path.dirname(new URL(import.meta.url).pathname), 'golden');

/** Golden files hold {{name}} where an id or a stored file name differs from run to run. */
export const fill = (text: string, vars: Record<string, string | number>) => text.replace(/\{\{(\w+)\}\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));

export async function download(s: TestServer, url: string): Promise<Buffer> {
  const res = await s.request({ method: 'GET', url });
  if (res.statusCode !== 200) throw new Error(`export failed: ${res.statusCode} ${res.body}`);
  return res.rawPayload;
}

export const unzip = (zip: Buffer): Record<string, Buffer> => Object.fromEntries(Object.entries(unzipSync(zip)).map(([name, bytes]) => [name, Buffer.from(bytes)]));

function goldenFiles(dir: string, prefix = ''): string[] {
  return fs.readdirSync(path.join(GOLDEN, dir, prefix), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? goldenFiles(dir, `${prefix}${e.name}/`) : [`${prefix}${e.name}`]));
}

/** A golden file's bytes as latin1 text (so binary files compare byte for byte), templates filled in. */
export const golden = (file: string, vars: Record<string, string | number> = {}) => fill(fs.readFileSync(path.join(GOLDEN, file), 'latin1'), vars);

/**
 * The zip holds exactly the golden folder's files (names and text filled in with `vars`) plus the
 * listed folders and `extra` entries, byte for byte.
 */
export function expectZipLike(zip: Record<string, Buffer>, dir: string, vars: Record<string, string | number>, folders: string[], extra: Record<string, Buffer> = {}) {
  const expected: Record<string, string> = {};
  for (const f of goldenFiles(dir)) expected[fill(f, vars)] = golden(`${dir}/${f}`, vars);
  expect(Object.keys(zip).sort()).toEqual([...Object.keys(expected), ...folders, ...Object.keys(extra)].sort());
  for (const [name, text] of Object.entries(expected)) expect({ name, text: zip[name].toString('latin1') }).toEqual({ name, text });
  for (const [name, bytes] of Object.entries(extra)) expect(zip[name].equals(bytes)).toBe(true);
  for (const name of folders) expect(zip[name].length).toBe(0);
}

/** Reads an 8-bit greyscale PNG written with filter 0 as a plain PGM text ("P2 w h 255" and rows). */
export function pngAsPgm(png: Buffer): string {
  expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  let at = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (at < png.length) {
    const len = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([...data.subarray(8)]).toEqual([8, 0, 0, 0, 0]); // 8-bit greyscale, no interlace
    }
    if (type === 'IDAT') idat.push(data);
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const rows = Array.from({ length: height }, (_, y) => {
    expect(raw[y * (width + 1)]).toBe(0);
    return [...raw.subarray(y * (width + 1) + 1, (y + 1) * (width + 1))].join(' ');
  });
  return `P2\n${width} ${height}\n255\n${rows.join('\n')}\n`;
}

/** Uploads a media file through the import endpoint (one task), returning the task id and the stored name. */
export async function uploadMedia(s: TestServer, projectId: number, name: string, bytes: Buffer, type: string): Promise<{ taskId: number; stored: string; url: string }> {
  const boundary = `----labelfleet${randomBytes(8).toString('hex')}`;
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const res = await s.request({ method: 'POST', url: `/api/projects/${projectId}/import?return_task_ids=true`, payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
  if (res.statusCode !== 201) throw new Error(`upload failed: ${res.statusCode} ${res.body}`);
  const taskId = res.json().task_ids[0] as number;
  const task = (await s.request({ method: 'GET', url: `/api/tasks/${taskId}` })).json();
  const url = Object.values(task.data as Record<string, string>)[0];
  return { taskId, stored: url.slice(url.lastIndexOf('/') + 1), url };
}

/** A region of the image configs' results, in Label Studio's result shape. */
export const shape = (id: string, from: string, type: string, size: [number, number], value: Record<string, unknown>) => ({ id, from_name: from, to_name: 'image', type, original_width: size[0], original_height: size[1], image_rotation: 0, value });

export const BOXES_CONFIG = `<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="label" toName="image">
    <Label value="Car"/>
    <Label value="Person" category="7"/>
  </RectangleLabels>
  <PolygonLabels name="poly" toName="image">
    <Label value="Road"/>
  </PolygonLabels>
</View>`;

export const VGA: [number, number] = [640, 480];

export const rect = (id: string, size: [number, number], label: string, x: number, y: number, width: number, height: number, rotation = 0) =>
  shape(id, 'label', 'rectanglelabels', size, { x, y, width, height, rotation, rectanglelabels: [label] });
