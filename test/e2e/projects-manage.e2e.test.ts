import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { screenshot } from './browser.js';
import { settledTotal, TEXT_CONFIG } from './dm-helpers.js';
import { describeE2E, logIn, makeProject, openSession, type E2EServer, type Session } from './harness.js';

const tasks = [{ text: 'first' }, { text: 'second' }, { text: 'third' }];
const result = [{ id: 'r1', from_name: 'sentiment', to_name: 'text', type: 'choices', value: { choices: ['Positive'] }, origin: 'manual' }];

const projectOf = (server: E2EServer, id: number) => server.api<Record<string, unknown>>('GET', `/api/projects/${id}`);
const projectTitles = async (server: E2EServer) => (await server.api<{ results: { id: number; title: string }[] }>('GET', '/api/projects?page_size=100')).body.results.map((p) => p.title).sort();

describeE2E('projects: settings, duplicate, delete and import by URL', () => {
  let s: Session;
  // generous limits: these runs share two cores with other suites
  beforeEach(async () => {
    s = await openSession();
  }, 120_000);
  afterEach(async () => {
    await s?.close();
  }, 60_000);

  it('edits the settings and the labeling config, and shows the server’s refusal inline', async () => {
    const { page, server } = s;
    const project = await makeProject(server, { config: TEXT_CONFIG, title: 'Reviews', tasks });
    expect((await server.api('POST', `/api/tasks/${project.taskIds[0]}/annotations`, { result })).status).toBe(201);
    await logIn(page, server);
    await page.goto(`${server.url}/projects/${project.id}/data`);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.waitForURL(`**/projects/${project.id}/settings`);
    const form = page.getByRole('form', { name: 'Project settings' });
    expect(await form.getByLabel('Project name').inputValue()).toBe('Reviews');
    expect(await form.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);

    await form.getByLabel('Project name').fill('Product reviews');
    await form.getByLabel('Description').fill('Sentiment of each review');
    await form.getByLabel('Instructions for annotators (HTML)').fill('<p>Read it twice.</p>');
    await form.getByLabel('Show the instructions before labeling').check();
    await form.getByLabel('Show the Skip button').uncheck();
    await form.getByLabel('Annotations per task').fill('2');
    const config = TEXT_CONFIG.replace('<Choice value="Negative"/>', '<Choice value="Negative"/><Choice value="Neutral"/>');
    await form.getByLabel('Labeling config (XML)').fill(config);
    await expect.poll(() => form.getByTestId('config-validity').textContent()).toBe('The config is valid.');
    await screenshot(page, 'project-settings');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect((await projectOf(server, project.id)).body).toMatchObject({
      title: 'Product reviews',
      description: 'Sentiment of each review',
      expert_instruction: '<p>Read it twice.</p>',
      show_instruction: true,
      show_skip_button: false,
      maximum_annotations: 2,
      label_config: config,
    });

    // renaming the control would orphan the annotation: the server refuses, the page says why
    await form.getByLabel('Labeling config (XML)').fill(config.replace('name="sentiment"', 'name="mood"'));
    await expect.poll(() => form.getByTestId('config-validity').textContent()).toBe('The config is valid.');
    await form.getByRole('button', { name: 'Save' }).click();
    const refusal = form.getByRole('alert').filter({ hasText: 'sentiment' });
    await refusal.waitFor();
    await screenshot(page, 'project-settings-refused');
    expect((await projectOf(server, project.id)).body.label_config).toBe(config);

    await page.reload();
    expect(await form.getByLabel('Project name').inputValue()).toBe('Product reviews');
    expect(await form.getByLabel('Show the Skip button').isChecked()).toBe(false);
    expect(await form.getByLabel('Annotations per task').inputValue()).toBe('2');
  }, 180_000);

  it('duplicates a project with its tasks from the settings page, and without from the projects list', async () => {
    const { page, server } = s;
    const project = await makeProject(server, { config: TEXT_CONFIG, title: 'Original', tasks });
    await logIn(page, server);
    await page.goto(`${server.url}/projects/${project.id}/settings`);
    await page.getByRole('button', { name: 'Duplicate project' }).click();
    const dialog = page.getByRole('dialog', { name: 'Duplicate project' });
    expect(await dialog.getByLabel('New project name').inputValue()).toBe('Original (copy)');
    await dialog.getByLabel('New project name').fill('Original with tasks');
    await dialog.getByLabel('Settings and tasks (without annotations)').check();
    await screenshot(page, 'project-duplicate');
    await dialog.getByRole('button', { name: 'Duplicate' }).click();
    await page.getByRole('heading', { name: 'Original with tasks' }).waitFor();
    const copyId = Number(new URL(page.url()).pathname.split('/')[2]);
    expect(copyId).not.toBe(project.id);
    expect(await settledTotal(page)).toBe(3);
    expect((await projectOf(server, copyId)).body).toMatchObject({ title: 'Original with tasks', task_number: 3, label_config: TEXT_CONFIG });

    await page.getByRole('link', { name: 'Projects' }).first().click();
    await page.getByRole('button', { name: 'Original options', exact: true }).click();
    await page.getByRole('menuitem', { name: 'Duplicate' }).click();
    await page.getByRole('dialog', { name: 'Duplicate project' }).getByRole('button', { name: 'Duplicate' }).click();
    await page.getByRole('heading', { name: 'Original (copy)' }).waitFor();
    await page.getByText('This project has no tasks yet.').waitFor();
    expect(await projectTitles(server)).toEqual(['Original', 'Original (copy)', 'Original with tasks']);
  }, 180_000);

  it('deletes a project only after the confirmation, from the list and from the settings page', async () => {
    const { page, server } = s;
    const keep = await makeProject(server, { config: TEXT_CONFIG, title: 'Keep me', tasks });
    const doomed = await makeProject(server, { config: TEXT_CONFIG, title: 'Delete me', tasks });
    const alsoDoomed = await makeProject(server, { config: TEXT_CONFIG, title: 'Delete me too' });
    await logIn(page, server);
    const cards = page.getByRole('list', { name: 'Projects' });
    await cards.getByRole('link', { name: 'Delete me', exact: true }).waitFor();

    await page.getByRole('button', { name: 'Delete me options', exact: true }).click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete project' });
    expect(await dialog.textContent()).toContain('Delete Delete me and its 3 tasks with their annotations?');
    await screenshot(page, 'project-delete-confirm');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect((await projectOf(server, doomed.id)).status).toBe(200);

    await page.getByRole('button', { name: 'Delete me options', exact: true }).click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    await dialog.getByRole('button', { name: 'Delete project' }).click();
    await cards.getByRole('link', { name: 'Delete me', exact: true }).waitFor({ state: 'detached' });
    expect((await projectOf(server, doomed.id)).status).toBe(404);

    await page.goto(`${server.url}/projects/${alsoDoomed.id}/settings`);
    await page.getByRole('button', { name: 'Delete project' }).click();
    await dialog.getByRole('button', { name: 'Delete project' }).click();
    await page.waitForURL('**/projects');
    expect((await projectOf(server, alsoDoomed.id)).status).toBe(404);
    expect(await projectTitles(server)).toEqual(['Keep me']);
    expect((await projectOf(server, keep.id)).body.task_number).toBe(3);
    expect(await cards.getByRole('listitem').count()).toBe(1);
  }, 180_000);

  it('imports tasks from a URL into a new project, and shows the server’s errors inline', async () => {
    const { page, server } = s;
    const files: Record<string, string> = {
      '/tasks.json': JSON.stringify([{ text: 'from the web 1' }, { text: 'from the web 2' }]),
      '/tasks.csv': 'text\nfrom a csv 1\nfrom a csv 2\nfrom a csv 3\n',
      '/broken.json': '[{"text": "never closed"',
    };
    const files_server = http.createServer((req, res) => {
      const body = files[req.url ?? ''];
      if (body === undefined) return void res.writeHead(404).end('not here');
      res.writeHead(200, { 'content-type': req.url?.endsWith('.csv') ? 'text/csv' : 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => files_server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(files_server.address() as AddressInfo).port}`;
    try {
      await logIn(page, server);
      await page.getByRole('link', { name: 'Create project' }).first().click();
      await page.getByLabel('Project name').fill('From URLs');
      await page.getByRole('button', { name: 'Create project' }).click();
      const dialog = page.getByRole('dialog', { name: 'Import data' });
      const url = dialog.getByLabel('URL of a task file');
      const uploads = dialog.getByRole('list', { name: 'Uploads' });

      await url.fill(`${base}/tasks.json`);
      await dialog.getByRole('button', { name: 'Import URL' }).click();
      await uploads.getByText('Imported 2 tasks').waitFor();
      await url.fill(`${base}/tasks.csv`);
      await url.press('Enter');
      await uploads.getByText('Imported 3 tasks').waitFor();
      await url.fill(`${base}/missing.json`);
      await url.press('Enter');
      await uploads.getByRole('alert').filter({ hasText: `Could not download ${base}/missing.json: HTTP 404` }).waitFor();
      await url.fill(`${base}/broken.json`);
      await url.press('Enter');
      await expect.poll(() => uploads.getByRole('alert').count()).toBe(2);
      const broken = await uploads.getByRole('listitem').nth(3).textContent();
      expect(broken).toContain(`${base}/broken.json`);
      expect(broken).not.toContain('Imported');
      expect(broken).toContain('JSON parse error');
      await screenshot(page, 'import-by-url');

      await dialog.getByRole('button', { name: 'Done' }).click();
      expect(await settledTotal(page)).toBe(5);
      const projectId = Number(new URL(page.url()).pathname.split('/')[2]);
      const listed = await server.api<{ tasks: { data: { text: string } }[] }>('GET', `/api/tasks?project=${projectId}&page_size=10`);
      expect(listed.body.tasks.map((t) => t.data.text)).toEqual(['from the web 1', 'from the web 2', 'from a csv 1', 'from a csv 2', 'from a csv 3']);
    } finally {
      files_server.close();
    }
  }, 180_000);
});
