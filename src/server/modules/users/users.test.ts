import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, startTestServer, type TestServer } from '../../testing/harness.js';
import { insertOrganization } from './queries.js';

let s: TestServer;
let adminId: number;
beforeAll(async () => {
  s = await startTestServer();
  adminId = (await s.request({ method: 'GET', url: '/api/current-user' })).json().id;
});
afterAll(async () => s?.close());

const USER_FIELDS = ['id', 'first_name', 'last_name', 'username', 'email', 'last_activity', 'avatar', 'initials', 'phone', 'active_organization', 'allow_newsletters', 'date_joined', 'custom_hotkeys'];
const DRF_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

let seq = 0;
const newEmail = () => `person${++seq}-${Date.now()}@example.com`;

const createUser = (payload: Record<string, unknown>, token?: string) => s.request({ method: 'POST', url: '/api/users/', payload, token });

describe('users of the organization', () => {
  it('lists the users as a plain array in Label Studio user shape', async () => {
    const res = await s.request({ method: 'GET', url: '/api/users' });
    expect(res.statusCode).toBe(200);
    const list = res.json();
    expect(Array.isArray(list)).toBe(true);
    const admin = list.find((u: { id: number }) => u.id === adminId);
    for (const field of USER_FIELDS) expect(admin, field).toHaveProperty(field);
    expect(admin).toMatchObject({ email: 'admin@example.com', first_name: 'Admin', avatar: null, custom_hotkeys: {} });
    expect(admin.date_joined).toMatch(DRF_TIME);
    expect(admin.last_activity).toMatch(DRF_TIME);
  });

  it('creates a user with 201 and lists them afterwards', async () => {
    const email = newEmail();
    const res = await createUser({ email, username: 'jdoe', first_name: 'Jane', last_name: 'Doe', phone: '+1 555' });
    expect(res.statusCode).toBe(201);
    const u = res.json();
    expect(u).toMatchObject({ email, username: 'jdoe', first_name: 'Jane', last_name: 'Doe', phone: '+1 555', initials: 'jd', active_organization: expect.any(Number) });
    expect(u).not.toHaveProperty('password');
    expect(u).not.toHaveProperty('password_hash');
    const listed = (await s.request({ method: 'GET', url: '/api/users' })).json();
    expect(listed.map((x: { id: number }) => x.id)).toContain(u.id);
  });

  it('uses the email as username when none is given', async () => {
    const email = newEmail();
    expect((await createUser({ email })).json().username).toBe(email);
  });

  it('refuses a duplicate email, in any case, with a 400 whose text says "already exists"', async () => {
    const email = newEmail();
    expect((await createUser({ email })).statusCode).toBe(201);
    for (const again of [email, email.toUpperCase()]) {
      const res = await createUser({ email: again });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('already exists');
      expect(res.json().validation_errors.email).toBeDefined();
    }
  });

  it('creates a user only once when the same email arrives concurrently', async () => {
    const email = newEmail();
    const replies = await Promise.all(Array.from({ length: 4 }, () => createUser({ email, password: 'long-enough-1' })));
    const codes = replies.map((r) => r.statusCode).sort();
    expect(codes).toEqual([201, 400, 400, 400]);
    for (const r of replies.filter((x) => x.statusCode === 400)) expect(r.body).toContain('already exists');
  });

  it('refuses an invalid email and a short password with field errors', async () => {
    const res = await createUser({ email: 'not-an-email', password: 'short' });
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json().validation_errors).sort()).toEqual(['email', 'password']);
  });

  it('gets, patches and deletes a user', async () => {
    const id = (await createUser({ email: newEmail() })).json().id;
    const got = await s.request({ method: 'GET', url: `/api/users/${id}/` });
    expect(got.statusCode).toBe(200);
    expect(got.json().id).toBe(id);
    const patched = await s.request({ method: 'PATCH', url: `/api/users/${id}`, payload: { first_name: 'Ada', last_name: 'Lovelace', allow_newsletters: 'true' } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ first_name: 'Ada', last_name: 'Lovelace', initials: 'al', allow_newsletters: true });
    expect((await s.request({ method: 'GET', url: `/api/users/${id}` })).json().first_name).toBe('Ada');
    expect((await s.request({ method: 'DELETE', url: `/api/users/${id}/` })).statusCode).toBe(204);
    expect((await s.request({ method: 'GET', url: `/api/users/${id}` })).statusCode).toBe(404);
  });

  it('answers 404 for a user id that does not exist', async () => {
    const res = await s.request({ method: 'GET', url: '/api/users/999999' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ status_code: 404, exc_info: null });
  });

  it('keeps the annotations of a deleted user', async () => {
    const { id: project, taskIds } = await makeProject(s, { tasks: 1 });
    const u = await s.makeUser('manager');
    const ann = await s.request({ method: 'POST', url: `/api/tasks/${taskIds[0]}/annotations`, payload: { result: [] }, token: u.token });
    expect(ann.statusCode).toBe(201);
    expect((await s.request({ method: 'DELETE', url: `/api/users/${u.id}` })).statusCode).toBe(204);
    expect((await s.request({ method: 'GET', url: `/api/projects/${project}` })).json().total_annotations_number).toBe(1);
    expect((await s.request({ method: 'GET', url: '/api/current-user', token: u.token })).statusCode).toBe(401);
  });

  it('refuses to let a user delete themselves', async () => {
    const res = await s.request({ method: 'DELETE', url: `/api/users/${adminId}` });
    expect(res.statusCode).toBe(400);
    expect((await s.request({ method: 'GET', url: '/api/current-user' })).statusCode).toBe(200);
  });
});

describe('who may manage users', () => {
  it('forbids an annotator to create users', async () => {
    const annotator = await s.makeUser('annotator');
    const email = newEmail();
    const res = await createUser({ email }, annotator.token);
    expect(res.statusCode).toBe(403);
    expect(res.json().status_code).toBe(403);
    const emails = (await s.request({ method: 'GET', url: '/api/users' })).json().map((u: { email: string }) => u.email);
    expect(emails).not.toContain(email);
  });

  it('forbids an annotator to patch or delete someone else, but lets them patch themselves', async () => {
    const annotator = await s.makeUser('annotator');
    const other = await s.makeUser('annotator');
    expect((await s.request({ method: 'PATCH', url: `/api/users/${other.id}`, payload: { first_name: 'X' }, token: annotator.token })).statusCode).toBe(403);
    expect((await s.request({ method: 'DELETE', url: `/api/users/${other.id}`, token: annotator.token })).statusCode).toBe(403);
    const self = await s.request({ method: 'PATCH', url: `/api/users/${annotator.id}`, payload: { first_name: 'Me' }, token: annotator.token });
    expect(self.statusCode).toBe(200);
    expect(self.json().first_name).toBe('Me');
  });

  it('lets only an owner create an owner', async () => {
    const manager = await s.makeUser('manager');
    expect((await createUser({ email: newEmail(), role: 'owner' }, manager.token)).statusCode).toBe(403);
    expect((await createUser({ email: newEmail(), role: 'owner' })).statusCode).toBe(201);
  });

  it('forbids a manager to create an admin, or to patch or delete a user above them', async () => {
    const manager = await s.makeUser('manager');
    const admin = await s.makeUser('admin');
    expect((await createUser({ email: newEmail(), role: 'admin' }, manager.token)).statusCode).toBe(403);
    expect((await s.request({ method: 'PATCH', url: `/api/users/${admin.id}`, payload: { first_name: 'Taken' }, token: manager.token })).statusCode).toBe(403);
    expect((await s.request({ method: 'DELETE', url: `/api/users/${adminId}`, token: manager.token })).statusCode).toBe(403);
    expect((await s.request({ method: 'GET', url: '/api/current-user' })).statusCode).toBe(200);
    const annotator = await s.makeUser('annotator');
    expect((await s.request({ method: 'DELETE', url: `/api/users/${annotator.id}`, token: manager.token })).statusCode).toBe(204);
  });
});

describe('the current user', () => {
  it('answers /api/current-user in user shape and patches it', async () => {
    const u = await s.makeUser('annotator');
    const res = await s.request({ method: 'GET', url: '/api/current-user', token: u.token });
    expect(res.statusCode).toBe(200);
    for (const field of USER_FIELDS) expect(res.json(), field).toHaveProperty(field);
    expect(res.json()).toMatchObject({ id: u.id, email: u.email });
    const patched = await s.request({ method: 'PATCH', url: '/api/current-user', payload: { first_name: 'Grace', phone: '123' }, token: u.token });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ id: u.id, first_name: 'Grace', phone: '123' });
    expect((await s.request({ method: 'GET', url: '/api/current-user', token: u.token })).json().first_name).toBe('Grace');
  });

  it('answers whoami with the organization and membership fields the SDK and frontend read', async () => {
    const u = await s.makeUser('reviewer');
    const res = await s.request({ method: 'GET', url: '/api/current-user/whoami/', token: u.token });
    expect(res.statusCode).toBe(200);
    const me = res.json();
    for (const field of USER_FIELDS) expect(me, field).toHaveProperty(field);
    const org = (await s.request({ method: 'GET', url: '/api/organizations' })).json()[0];
    expect(me).toMatchObject({
      id: u.id,
      email: u.email,
      active_organization: org.id,
      active_organization_meta: { title: org.title, email: expect.any(String) },
      organization_membership: { role: 'REVIEWER', active: true, organization_id: org.id },
      org_membership: [{ role: 'REVIEWER', active: true, organization_id: org.id }],
      permissions: expect.any(Array),
    });
  });

  it('refuses /api/current-user without credentials', async () => {
    expect((await s.request({ method: 'GET', url: '/api/current-user/whoami', token: null })).statusCode).toBe(401);
  });
});

describe('organizations', () => {
  it('lists the caller organization and shows it by id', async () => {
    const list = (await s.request({ method: 'GET', url: '/api/organizations/' })).json();
    expect(list).toEqual([{ id: expect.any(Number), title: expect.any(String), contact_info: expect.any(String), created_at: expect.stringMatching(DRF_TIME) }]);
    const one = await s.request({ method: 'GET', url: `/api/organizations/${list[0].id}` });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ id: list[0].id, title: list[0].title });
  });
});

describe('a user of another organization', () => {
  async function outsider() {
    const orgId = await insertOrganization(s.ctx.db, `Other org ${++seq}`);
    return { orgId, ...(await s.makeUser('owner', undefined, orgId)) };
  }

  it("answers 404 on this organization's project, as if it did not exist", async () => {
    const { id } = await makeProject(s, { tasks: 1 });
    const o = await outsider();
    const res = await s.request({ method: 'GET', url: `/api/projects/${id}`, token: o.token });
    expect(res.statusCode).toBe(404);
    const missing = await s.request({ method: 'GET', url: '/api/projects/999999', token: o.token });
    expect(res.json().detail).toBe(missing.json().detail);
    const list = (await s.request({ method: 'GET', url: '/api/projects', token: o.token })).json();
    expect(list.results.map((p: { id: number }) => p.id)).not.toContain(id);
    expect((await s.request({ method: 'PATCH', url: `/api/projects/${id}`, payload: { title: 'mine now' }, token: o.token })).statusCode).toBe(404);
    expect((await s.request({ method: 'GET', url: `/api/projects/${id}` })).json().title).not.toBe('mine now');
  });

  it("answers 404 on this organization's users and sees only their own", async () => {
    const o = await outsider();
    const list = (await s.request({ method: 'GET', url: '/api/users', token: o.token })).json();
    expect(list.map((u: { id: number }) => u.id)).toEqual([o.id]);
    expect((await s.request({ method: 'GET', url: `/api/users/${adminId}`, token: o.token })).statusCode).toBe(404);
    expect((await s.request({ method: 'PATCH', url: `/api/users/${adminId}`, payload: { first_name: 'Pwned' }, token: o.token })).statusCode).toBe(404);
    expect((await s.request({ method: 'DELETE', url: `/api/users/${adminId}`, token: o.token })).statusCode).toBe(404);
    expect((await s.request({ method: 'GET', url: `/api/users/${adminId}` })).json().first_name).toBe('Admin');
    expect((await s.request({ method: 'GET', url: `/api/users/${o.id}` })).statusCode).toBe(404);
  });

  it("answers 404 on this organization's record and creates users in their own organization", async () => {
    const o = await outsider();
    const ours = (await s.request({ method: 'GET', url: '/api/organizations' })).json()[0].id;
    expect((await s.request({ method: 'GET', url: `/api/organizations/${ours}`, token: o.token })).statusCode).toBe(404);
    const created = await createUser({ email: newEmail() }, o.token);
    expect(created.json().active_organization).toBe(o.orgId);
    expect((await s.request({ method: 'GET', url: `/api/users/${created.json().id}` })).statusCode).toBe(404);
  });
});
