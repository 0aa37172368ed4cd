import fs from 'node:fs';
import path from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { waitFor, type TestServer } from '../../testing/harness.js';

/** Test helpers for the LabelFleet API: sign in the NextAuth way, call with the cookie, seed storage, wait. */

export const ADMIN = { email: 'admin@example.com', password: 'admin-pass-1' };

const cookiesOf = (res: LightMyRequestResponse) => res.cookies.map((c) => `${c.name}=${c.value}`);

/** GET /api/auth/csrf, then POST the credentials form; returns the Cookie header a browser would send. */
export async function signIn(s: TestServer, who = ADMIN): Promise<string> {
  const csrf = await s.request({ method: 'GET', url: '/api/auth/csrf', token: null });
  const { csrfToken } = csrf.json();
  const res = await s.request({
    method: 'POST',
    url: '/api/auth/callback/credentials',
    token: null,
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookiesOf(csrf).join('; ') },
    payload: new URLSearchParams({ email: who.email, password: who.password, csrfToken }).toString(),
  });
  if (res.statusCode !== 302) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  const session = res.cookies.find((c) => c.name === 'sessionid');
  if (!session) throw new Error('no session cookie');
  return `sessionid=${session.value}`;
}

export type Call = (method: InjectOptions['method'], url: string, payload?: unknown) => Promise<LightMyRequestResponse>;

/** Calls with the session cookie only (no token), as the curl examples do. */
export const withCookie =
  (s: TestServer, cookie: string): Call =>
  (method, url, payload) =>
    s.request({ method, url, token: null, headers: { cookie }, ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }) });

/** Calls the Label Studio API with someone's own token. */
export const withToken =
  (s: TestServer, token: string): Call =>
  (method, url, payload) =>
    s.request({ method, url, token, ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }) });

/** Files under the default local bucket (`<data dir>/storage/labelfleet/<folder>`). */
export function seedFiles(s: TestServer, folder: string, names: string[]): void {
  const dir = path.join(s.dataDir, 'storage', 'labelfleet', folder);
  fs.mkdirSync(dir, { recursive: true });
  for (const n of names) fs.writeFileSync(path.join(dir, n), `image ${folder}/${n}`);
}

export const numbered = (n: number, ext = 'jpg') => Array.from({ length: n }, (_, i) => `img_${String(i + 1).padStart(3, '0')}.${ext}`);

export function readBucketFile(s: TestServer, key: string): string {
  return fs.readFileSync(path.join(s.dataDir, 'storage', 'labelfleet', key), 'utf8');
}

export { waitFor };

export const IMAGE_CHOICES = `<View><Image name="image" value="$image"/><Choices name="label" toName="image"><Choice value="cat"/><Choice value="dog"/></Choices></View>`;

export const catOrDog = (v: 'cat' | 'dog') => [{ from_name: 'label', to_name: 'image', type: 'choices', value: { choices: [v] } }];

/** Starts an annotator's workspace and waits until it is active. */
export async function startAnnotator(call: Call, id: number): Promise<void> {
  const res = await call('POST', `/api/annotators/${id}/start`);
  if (res.statusCode !== 200) throw new Error(`start failed: ${res.statusCode} ${res.body}`);
  await waitFor(async () => (await call('GET', `/api/annotators/${id}/status`)).json().status === 'active', `annotator ${id} active`);
}

/** Labels every task of a batch through the Label Studio API's label stream with the caller's own token; returns the task ids in the order served. */
export async function labelAll(call: Call, projectId: number, result: (taskId: number) => unknown[], leadTime = 4): Promise<number[]> {
  const done: number[] = [];
  for (;;) {
    const next = await call('GET', `/api/projects/${projectId}/next`);
    if (next.statusCode === 404) return done;
    if (next.statusCode !== 200) throw new Error(`next task: ${next.statusCode} ${next.body}`);
    const task = next.json();
    const res = await call('POST', `/api/tasks/${task.id}/annotations`, { result: result(task.id), lead_time: leadTime });
    if (res.statusCode !== 201) throw new Error(`annotation: ${res.statusCode} ${res.body}`);
    done.push(task.id);
  }
}
