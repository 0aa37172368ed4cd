import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, startTestServer, type TestServer } from '../../testing/harness.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => s?.close());

const LS_ERROR = { id: expect.stringMatching(/^[0-9a-f-]{36}$/), status_code: 401, version: expect.any(String), detail: expect.any(String), exc_info: null };

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as Record<string, unknown>;

const bearer = (access: string, url = '/api/current-user') => s.request({ method: 'GET', url, token: null, headers: { authorization: `Bearer ${access}` } });

const refresh = (token: string) => s.request({ method: 'POST', url: '/api/token/refresh/', payload: { refresh: token }, token: null });

/** A user of their own, so that creating or revoking tokens does not disturb other tests. */
async function freshUser() {
  const u = await s.makeUser('manager');
  const pat = await s.request({ method: 'POST', url: '/api/token/', token: u.token });
  expect(pat.statusCode).toBe(201);
  return { ...u, pat: pat.json().token as string };
}

describe('legacy token authentication', () => {
  it('accepts "Authorization: Token <key>" and answers as that user', async () => {
    const res = await s.request({ method: 'GET', url: '/api/current-user' });
    expect(res.statusCode).toBe(200);
    expect(res.json().email).toBe('admin@example.com');
  });

  it('accepts the scheme name in any case', async () => {
    const res = await s.request({ method: 'GET', url: '/api/current-user', token: null, headers: { authorization: `token ${s.adminToken}` } });
    expect(res.statusCode).toBe(200);
  });

  it('answers 401 in Label Studio error shape for a wrong key', async () => {
    const res = await s.request({ method: 'GET', url: '/api/projects', token: 'f'.repeat(40) });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual(LS_ERROR);
    expect(res.json().detail).toBe('Invalid token.');
  });

  it('answers 401 "Authentication credentials were not provided." without any credentials', async () => {
    const res = await s.request({ method: 'GET', url: '/api/projects', token: null });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ ...LS_ERROR, detail: 'Authentication credentials were not provided.' });
  });

  it('refuses anonymous requests however the /api path is spelled', async () => {
    for (const url of ['/api/users', '/api/users/', '//api/users', '/api//users', '/%61pi/users', '//api/projects/not-a-number']) {
      const res = await s.request({ method: 'GET', url, token: null });
      expect(res.statusCode, url).toBe(401);
    }
  });

  it('refuses an unknown authorization scheme and a scheme without a credential', async () => {
    for (const authorization of ['Basic YWRtaW46cGFzcw==', 'Token', 'Bearer']) {
      const res = await s.request({ method: 'GET', url: '/api/current-user', token: null, headers: { authorization } });
      expect(res.statusCode, authorization).toBe(401);
      expect(res.json().status_code).toBe(401);
    }
  });

  it('refuses the key of a deactivated user', async () => {
    const u = await s.makeUser('annotator');
    await s.ctx.db.query('UPDATE users SET is_active = false WHERE id = $1', [u.id]);
    expect((await s.request({ method: 'GET', url: '/api/current-user', token: u.token })).statusCode).toBe(401);
  });

  it('lets public endpoints answer without credentials', async () => {
    expect((await s.request({ method: 'GET', url: '/api/version', token: null })).statusCode).toBe(200);
    expect((await s.request({ method: 'GET', url: '/health', token: null })).statusCode).toBe(200);
  });
});

describe('personal access tokens (JWT)', () => {
  it('creates a PAT with 201: a refresh JWT with exp, and refuses a second one with 409', async () => {
    const u = await s.makeUser('annotator');
    const res = await s.request({ method: 'POST', url: '/api/token/', token: u.token });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toEqual({ token: expect.any(String), created_at: expect.any(String), expires_at: expect.any(String) });
    const claims = claimsOf(body.token);
    expect(claims).toMatchObject({ token_type: 'refresh', user_id: u.id, exp: expect.any(Number), jti: expect.any(String) });
    expect(claims.exp as number).toBeGreaterThan(Date.now() / 1000 + 365 * 86400);
    const again = await s.request({ method: 'POST', url: '/api/token', token: u.token });
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toBe('You already have a valid token. Please revoke it before creating a new one.');
  });

  it('trades a PAT for an access token without an Authorization header', async () => {
    const { pat } = await freshUser();
    const res = await refresh(pat);
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json())).toEqual(['access']);
    const claims = claimsOf(res.json().access);
    expect(claims.token_type).toBe('access');
    expect(claims.exp as number).toBeLessThanOrEqual(Date.now() / 1000 + 5 * 60 + 1);
  });

  it('accepts the access token as Bearer and answers as the PAT owner', async () => {
    const u = await freshUser();
    const access = (await refresh(u.pat)).json().access as string;
    const res = await bearer(access);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: u.id, email: u.email });
  });

  it('refuses a PAT sent directly as Bearer', async () => {
    const { pat } = await freshUser();
    const res = await bearer(pat);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ status_code: 401, code: 'token_not_valid' });
  });

  it('refuses a tampered access token', async () => {
    const { pat, id } = await freshUser();
    const access = (await refresh(pat)).json().access as string;
    const [header, , signature] = access.split('.');
    const forged = Buffer.from(JSON.stringify({ ...claimsOf(access), user_id: id - 1 })).toString('base64url');
    expect((await bearer(`${header}.${forged}.${signature}`)).statusCode).toBe(401);
  });

  it('refuses to refresh with garbage or an access token: 401 token_not_valid', async () => {
    const { pat } = await freshUser();
    const access = (await refresh(pat)).json().access as string;
    for (const token of ['garbage', 'a.b.c', access]) {
      const res = await refresh(token);
      expect(res.statusCode, token).toBe(401);
      expect(res.json()).toMatchObject({ status_code: 401, detail: 'Token is invalid or expired', code: 'token_not_valid' });
    }
  });

  it('answers 400 when the refresh field is missing', async () => {
    const res = await s.request({ method: 'POST', url: '/api/token/refresh', payload: {}, token: null });
    expect(res.statusCode).toBe(400);
    expect(res.json().validation_errors).toHaveProperty('refresh');
  });

  it('lists live PATs as header.payload previews, never the signature', async () => {
    const u = await freshUser();
    const res = await s.request({ method: 'GET', url: '/api/token', token: u.token });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([{ token: u.pat.split('.').slice(0, 2).join('.'), created_at: expect.any(String), expires_at: expect.any(String) }]);
  });

  it('blacklists a PAT with 204; it then no longer refreshes, and may be replaced', async () => {
    const u = await freshUser();
    const res = await s.request({ method: 'POST', url: '/api/token/blacklist/', payload: { refresh: u.pat }, token: u.token });
    expect(res.statusCode).toBe(204);
    expect((await refresh(u.pat)).statusCode).toBe(401);
    expect((await s.request({ method: 'GET', url: '/api/token', token: u.token })).json()).toEqual([]);
    const again = await s.request({ method: 'POST', url: '/api/token/blacklist', payload: { refresh: u.pat }, token: u.token });
    expect(again.statusCode).toBe(404);
    expect(again.json().detail).toBe('Token is invalid or already blacklisted.');
    expect((await s.request({ method: 'POST', url: '/api/token', token: u.token })).statusCode).toBe(201);
  });

  it("refuses to blacklist another user's PAT", async () => {
    const owner = await freshUser();
    const other = await s.makeUser('manager');
    const res = await s.request({ method: 'POST', url: '/api/token/blacklist', payload: { refresh: owner.pat }, token: other.token });
    expect(res.statusCode).toBe(404);
    expect((await refresh(owner.pat)).statusCode).toBe(200);
  });

  it('rotates a PAT: the old one stops refreshing, the new one works', async () => {
    const u = await freshUser();
    const res = await s.request({ method: 'POST', url: '/api/token/rotate/', payload: { refresh: u.pat }, token: u.token });
    expect(res.statusCode).toBe(200);
    const next = res.json().refresh as string;
    expect(next).not.toBe(u.pat);
    expect(claimsOf(next).token_type).toBe('refresh');
    expect((await refresh(u.pat)).statusCode).toBe(401);
    const access = (await refresh(next)).json().access as string;
    expect((await bearer(access)).json().id).toBe(u.id);
  });

  it('refuses to rotate a revoked or foreign PAT with 400', async () => {
    const u = await freshUser();
    const other = await s.makeUser('manager');
    expect((await s.request({ method: 'POST', url: '/api/token/rotate', payload: { refresh: u.pat }, token: other.token })).statusCode).toBe(400);
    await s.request({ method: 'POST', url: '/api/token/blacklist', payload: { refresh: u.pat }, token: u.token });
    expect((await s.request({ method: 'POST', url: '/api/token/rotate', payload: { refresh: u.pat }, token: u.token })).statusCode).toBe(400);
  });

  it('keeps token management behind authentication', async () => {
    expect((await s.request({ method: 'GET', url: '/api/token', token: null })).statusCode).toBe(401);
    expect((await s.request({ method: 'POST', url: '/api/token', token: null })).statusCode).toBe(401);
  });
});

describe('the legacy key of the current user', () => {
  it('returns the key the user authenticates with', async () => {
    const u = await s.makeUser('annotator');
    const res = await s.request({ method: 'GET', url: '/api/current-user/token', token: u.token });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ token: u.token });
  });

  it('resets the key: the old one stops working and the new one works', async () => {
    const u = await s.makeUser('annotator');
    const res = await s.request({ method: 'POST', url: '/api/current-user/reset-token/', token: u.token });
    expect(res.statusCode).toBe(200);
    const fresh = res.json().token as string;
    expect(fresh).toMatch(/^[0-9a-f]{40}$/);
    expect(fresh).not.toBe(u.token);
    expect((await s.request({ method: 'GET', url: '/api/current-user', token: u.token })).statusCode).toBe(401);
    const me = await s.request({ method: 'GET', url: '/api/current-user', token: fresh });
    expect(me.statusCode).toBe(200);
    expect(me.json().id).toBe(u.id);
    expect((await s.request({ method: 'GET', url: '/api/current-user/token', token: fresh })).json().token).toBe(fresh);
  });
});

describe('session login', () => {
  const cookieOf = (res: { cookies: { name: string; value: string }[] }, name: string) => res.cookies.find((c) => c.name === name);

  async function loginForm() {
    const page = await s.request({ method: 'GET', url: '/user/login', token: null });
    const csrf = cookieOf(page, 'csrftoken')!.value;
    return { page, csrf };
  }

  function postLogin(fields: Record<string, string>, csrf: string) {
    return s.request({
      method: 'POST',
      url: '/user/login/',
      token: null,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `csrftoken=${csrf}`, referer: 'http://localhost/' },
      payload: new URLSearchParams({ ...fields, csrfmiddlewaretoken: csrf }).toString(),
    });
  }

  async function loggedIn(email: string, password: string) {
    const { csrf } = await loginForm();
    const res = await postLogin({ email, password }, csrf);
    return { res, session: cookieOf(res, 'sessionid')?.value };
  }

  const asSession = (session: string, url = '/api/current-user') => s.request({ method: 'GET', url, token: null, headers: { cookie: `sessionid=${session}` } });

  it('serves the login form with a csrftoken cookie that the form carries', async () => {
    const { page, csrf } = await loginForm();
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(csrf).toMatch(/^[0-9a-f]{48}$/);
    expect(page.body).toContain(`name="csrfmiddlewaretoken" value="${csrf}"`);
    expect(page.body).toMatch(/<input name="email"/);
    expect(page.body).toMatch(/<input name="password" type="password"/);
  });

  it('logs in with the right password: 302 and a sessionid cookie that authenticates /api', async () => {
    const { res, session } = await loggedIn('admin@example.com', 'admin-pass-1');
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/');
    expect(cookieOf(res, 'sessionid')).toMatchObject({ httpOnly: true, path: '/' });
    const me = await asSession(session!);
    expect(me.statusCode).toBe(200);
    expect(me.json().email).toBe('admin@example.com');
    const token = await asSession(session!, '/api/current-user/token');
    expect(token.json().token).toBe(s.adminToken);
  });

  it('matches the email regardless of case', async () => {
    const { res } = await loggedIn('ADMIN@example.com', 'admin-pass-1');
    expect(res.statusCode).toBe(302);
  });

  it('follows a local "next" but never redirects off the site', async () => {
    const { csrf } = await loginForm();
    const local = await postLogin({ email: 'admin@example.com', password: 'admin-pass-1', next: '/projects/1' }, csrf);
    expect(local.headers.location).toBe('/projects/1');
    for (const next of ['//evil.example', 'https://evil.example/', '/\\evil.example', '/\\/evil.example', '/\t/evil.example']) {
      const res = await postLogin({ email: 'admin@example.com', password: 'admin-pass-1', next }, csrf);
      expect(res.headers.location, next).toBe('/');
    }
  });

  it('answers 401 with the form again and sets no session for a wrong password', async () => {
    const { res, session } = await loggedIn('admin@example.com', 'wrong-password');
    expect(res.statusCode).toBe(401);
    expect(session).toBeUndefined();
    expect(res.body).toContain('do not match');
    const unknown = await loggedIn('nobody@example.com', 'admin-pass-1');
    expect(unknown.res.statusCode).toBe(401);
    expect(unknown.session).toBeUndefined();
  });

  it('refuses a login whose form token does not match the csrftoken cookie', async () => {
    const res = await s.request({
      method: 'POST',
      url: '/user/login',
      token: null,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: 'csrftoken=aaaa' },
      payload: 'email=admin%40example.com&password=admin-pass-1&csrfmiddlewaretoken=bbbb',
    });
    expect(res.statusCode).toBe(403);
    expect(cookieOf(res, 'sessionid')).toBeUndefined();
  });

  it('logs in a user created through the API with a password', async () => {
    const created = await s.request({ method: 'POST', url: '/api/users', payload: { email: 'login-me@example.com', password: 'secret-pass-9' } });
    expect(created.statusCode).toBe(201);
    const { session } = await loggedIn('login-me@example.com', 'secret-pass-9');
    expect((await asSession(session!)).json().id).toBe(created.json().id);
  });

  it('ends the session on /user/logout', async () => {
    const { session } = await loggedIn('admin@example.com', 'admin-pass-1');
    const out = await s.request({ method: 'GET', url: '/user/logout/', token: null, headers: { cookie: `sessionid=${session}` } });
    expect(out.statusCode).toBe(302);
    expect(out.headers.location).toBe('/user/login');
    expect(cookieOf(out, 'sessionid')?.value).toBe('');
    const after = await asSession(session!);
    expect(after.statusCode).toBe(401);
    expect(after.json().detail).toBe('Authentication credentials were not provided.');
  });

  it('lets a session reach project data like a token does', async () => {
    const { id } = await makeProject(s, { tasks: 1 });
    const { session } = await loggedIn('admin@example.com', 'admin-pass-1');
    const res = await asSession(session!, `/api/projects/${id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().task_number).toBe(1);
  });
});
