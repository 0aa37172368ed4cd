import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { expect } from 'vitest';
import type { TestServer } from '../../testing/harness.js';

export const IMAGE_CONFIG = '<View><Image name="image" value="$image"/><Choices name="label" toName="image"><Choice value="cat"/><Choice value="dog"/></Choices></View>';

/** A 1×1 PNG. */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

export interface Upload {
  name: string;
  content: string | Buffer;
  type?: string;
}

/** A multipart/form-data body built by hand, one `file` field per upload. */
export function multipart(files: Upload[]) {
  const boundary = `----labelfleet${randomBytes(8).toString('hex')}`;
  const parts = files.flatMap((f) => [
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${f.name}"\r\nContent-Type: ${f.type ?? 'application/octet-stream'}\r\n\r\n`),
    Buffer.from(f.content),
    Buffer.from('\r\n'),
  ]);
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

type Body = string | Buffer | object;

export function importInto(s: TestServer, project: number, body: Body | undefined, opts: { query?: string; type?: string; token?: string | null; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.type) headers['content-type'] = opts.type;
  return s.request({ method: 'POST', url: `/api/projects/${project}/import${opts.query ?? ''}`, payload: body as string, headers, token: opts.token });
}

export function importFiles(s: TestServer, project: number, files: Upload[], query = '', token?: string) {
  const { payload, headers } = multipart(files);
  return importInto(s, project, payload, { query, headers, token });
}

export interface TaskOut {
  id: number;
  data: Record<string, unknown>;
  meta: Record<string, unknown>;
}

export async function tasksOf(s: TestServer, project: number): Promise<TaskOut[]> {
  const res = await s.request({ method: 'GET', url: `/api/tasks?project=${project}&page_size=100000&fields=all` });
  expect(res.statusCode).toBe(200);
  return res.json().tasks;
}

export async function projectOf(s: TestServer, project: number) {
  return (await s.request({ method: 'GET', url: `/api/projects/${project}` })).json();
}

/** The project holds exactly these texts (and its counter agrees), whatever failed in between. */
export async function expectTexts(s: TestServer, project: number, texts: string[]) {
  const tasks = await tasksOf(s, project);
  expect(tasks.map((t) => t.data.text).sort()).toEqual([...texts].sort());
  expect((await projectOf(s, project)).task_number).toBe(texts.length);
}

export const fileUploadsOf = (s: TestServer, project: number) => s.ctx.db.query<{ file: string }>('SELECT file FROM file_uploads WHERE project_id = $1', [project]);

export function uploadedFiles(s: TestServer, project: number): string[] {
  const dir = path.join(s.dataDir, 'upload', String(project));
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

/** Nothing of a failed import is left behind: no tasks beyond `texts`, no upload records, no stored files. */
export async function expectNothingStored(s: TestServer, project: number, texts: string[]) {
  await expectTexts(s, project, texts);
  expect(await fileUploadsOf(s, project)).toEqual([]);
  expect(uploadedFiles(s, project)).toEqual([]);
}

/** A 400 in Label Studio's shape whose detail or validation messages match `pattern`. */
export function expectInvalid(res: { statusCode: number; json: () => { detail: string; validation_errors?: Record<string, string[]> } }, pattern: RegExp) {
  const body = res.json();
  expect(res.statusCode, body.detail).toBe(400);
  expect(body).toMatchObject({ status_code: 400, exc_info: null });
  expect([body.detail, ...Object.values(body.validation_errors ?? {}).flat()].join('\n')).toMatch(pattern);
}

const addresses = new WeakMap<TestServer, Promise<string>>();

/** The test server on a real port, for what inject cannot show (connection handling). */
export function listening(s: TestServer): Promise<string> {
  if (!addresses.has(s)) addresses.set(s, s.app.listen({ port: 0, host: '127.0.0.1' }));
  return addresses.get(s)!;
}

/** A POST over a real socket; settles once the whole body has been sent and the whole reply read. */
export function postOverSocket(url: string, headers: Record<string, string>, pieces: Buffer[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers });
    const sent = new Promise<void>((done) => req.on('finish', done));
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => void sent.then(() => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() })));
    });
    for (const piece of pieces.slice(0, -1)) req.write(piece);
    req.end(pieces.at(-1));
  });
}
