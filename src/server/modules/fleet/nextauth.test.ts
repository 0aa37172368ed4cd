import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../testing/harness.js';
import { ADMIN, signIn, withCookie } from './fleet-fixtures.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => s?.close());

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

async function csrf() {
  const res = await s.request({ method: 'GET', url: '/api/auth/csrf', token: null });
  return { token: res.json().csrfToken as string, cookie: res.cookies.find((c) => c.name === 'next-auth.csrf-token')! };
}

describe('NextAuth credential flow', () => {
  it('hands out a csrf token and its cookie without credentials', async () => {
    const { token, cookie } = await csrf();
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(cookie.value.split('|')[0]).toBe(token);
    expect(cookie.httpOnly).toBe(true);
  });

  it('sets a session cookie that both the LabelFleet and the Label Studio API accept', async () => {
    const cookie = await signIn(s);
    const call = withCookie(s, cookie);
    expect((await call('GET', '/api/annotators')).statusCode).toBe(200);
    expect((await call('GET', '/api/projects')).statusCode).toBe(200);
    expect((await call('GET', '/api/auth/session')).json().user.email).toBe(ADMIN.email);
  });

  it('accepts the token without its cookie, as `curl -c` sends the form', async () => {
    const { token } = await csrf();
    const res = await s.request({ method: 'POST', url: '/api/auth/callback/credentials', token: null, headers: FORM, payload: form({ ...ADMIN, csrfToken: token }) });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/');
    expect(res.cookies.find((c) => c.name === 'sessionid')?.httpOnly).toBe(true);
  });

  it('answers next-auth/react (json=true) with the callback url', async () => {
    const { token } = await csrf();
    const res = await s.request({
      method: 'POST',
      url: '/api/auth/callback/credentials',
      token: null,
      headers: FORM,
      payload: form({ ...ADMIN, csrfToken: token, json: 'true', callbackUrl: 'http://evil.example/x' }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ url: '/' });
  });

  it('refuses a wrong password with 401 and a readable error', async () => {
    const { token } = await csrf();
    const res = await s.request({ method: 'POST', url: '/api/auth/callback/credentials', token: null, headers: FORM, payload: form({ email: ADMIN.email, password: 'nope', csrfToken: token }) });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: 'Invalid email or password' });
    expect(res.cookies.find((c) => c.name === 'sessionid')).toBeUndefined();
  });

  it('refuses a missing, forged or mismatched csrf token', async () => {
    const { token, cookie } = await csrf();
    const forged = token.slice(0, 32) + '0'.repeat(32);
    const other = (await csrf()).token;
    for (const [fields, headers] of [
      [{ ...ADMIN }, FORM],
      [{ ...ADMIN, csrfToken: forged }, FORM],
      [{ ...ADMIN, csrfToken: other }, { ...FORM, cookie: `next-auth.csrf-token=${encodeURIComponent(cookie.value)}` }],
    ] as const) {
      const res = await s.request({ method: 'POST', url: '/api/auth/callback/credentials', token: null, headers, payload: form(fields) });
      expect(res.statusCode).toBe(403);
      expect(res.json().error).toMatch(/CSRF/);
    }
  });

  it('answers 401 {error: "Unauthorized"} without a session, or with an invalid one', async () => {
    for (const headers of [{}, { cookie: 'sessionid=not-a-session' }]) {
      const res = await s.request({ method: 'GET', url: '/api/roles', token: null, headers });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: 'Unauthorized' });
    }
  });

  it('lets API tokens in too, but only a manager may administer', async () => {
    expect((await s.request({ method: 'GET', url: '/api/roles' })).statusCode).toBe(200);
    const annotator = await s.makeUser('annotator');
    const res = await s.request({ method: 'GET', url: '/api/roles', token: annotator.token });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ error: 'Forbidden: the LabelFleet admin API needs a manager' });
  });

  it('signs out with the csrf token', async () => {
    const cookie = await signIn(s);
    const { token } = await csrf();
    const out = await s.request({ method: 'POST', url: '/api/auth/signout', token: null, headers: { ...FORM, cookie }, payload: form({ csrfToken: token }) });
    expect(out.statusCode).toBe(200);
    expect((await withCookie(s, cookie)('GET', '/api/roles')).statusCode).toBe(401);
  });
});
