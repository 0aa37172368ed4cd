import { afterEach, beforeEach, expect, it } from 'vitest';
import { screenshot } from './browser.js';
import { describeE2E, logIn, openSession, type Session } from './harness.js';

describeE2E('signing in and the account page', () => {
  let s: Session;
  beforeEach(async () => {
    s = await openSession();
  });
  afterEach(async () => {
    await s?.close();
  });

  it('sends a visitor to the login form, lands on the projects after login and logs out', async () => {
    const { page, server } = s;
    await page.goto(`${server.url}/projects/1/data`);
    expect(new URL(page.url()).pathname).toBe('/user/login');
    await logIn(page, server);
    expect(new URL(page.url()).pathname).toBe('/projects');
    await page.getByText('No projects yet.').waitFor();
    await screenshot(page, 'projects-empty');

    await page.getByRole('link', { name: 'Log out' }).click();
    await page.waitForURL('**/user/login');
    await page.goto(`${server.url}/projects`);
    expect(new URL(page.url()).pathname).toBe('/user/login');
  });

  it('shows the API token, copies it and resets it', async () => {
    const { page, server, context } = s;
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await logIn(page, server);
    await page.getByRole('link', { name: 'admin@example.com' }).click();
    const field = page.getByLabel('API token');
    await expect.poll(() => field.inputValue()).toBe(server.token);

    await page.getByRole('button', { name: 'Copy' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(server.token);

    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    await page.getByRole('button', { name: 'Reset token' }).click();
    await page.getByText('A new token was created.').waitFor();
    const fresh = await field.inputValue();
    expect(fresh).not.toBe(server.token);
    await screenshot(page, 'account');

    const withOld = await fetch(`${server.url}/api/current-user/whoami`, { headers: { authorization: `Token ${server.token}` } });
    expect(withOld.status).toBe(401);
    const withNew = await fetch(`${server.url}/api/current-user/whoami`, { headers: { authorization: `Token ${fresh}` } });
    expect(withNew.status).toBe(200);
  });
});
