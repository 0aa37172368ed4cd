import { afterEach, beforeEach, expect, it } from 'vitest';
import { dropFiles, screenshot } from './browser.js';
import { describeE2E, logIn, makeProject, openSession, type Session } from './harness.js';

const TASKS = [{ text: 'I love this phone, the screen is gorgeous.' }, { text: 'The battery died after an hour.' }, { text: 'It is a phone.' }];

const choice = (value: string) => ({ id: expect.any(String), from_name: 'sentiment', to_name: 'text', type: 'choices', value: { choices: [value] }, origin: 'manual' });

describeE2E('a text classification project from creation to labels', () => {
  let s: Session;
  beforeEach(async () => {
    s = await openSession();
  });
  afterEach(async () => {
    await s?.close();
  });

  it('creates the project from the gallery, imports a dropped file, labels by mouse and by hotkey, and skips', async () => {
    const { page, server } = s;
    await logIn(page, server);

    // create: name, the Text Classification template, the server says the config is valid
    await page.getByRole('link', { name: 'Create project' }).first().click();
    await page.getByLabel('Project name').fill('Reviews');
    await page.getByRole('radio', { name: /Text Classification/ }).click();
    await page.getByText('The config is valid.').waitFor();
    await screenshot(page, 'create-project');
    await page.getByRole('button', { name: 'Create project' }).click();

    // import: a file that fails shows the server's message inline, then a good one
    const dialog = page.getByRole('dialog', { name: 'Import data' });
    await dialog.waitFor();
    const dropzone = dialog.getByTestId('dropzone');
    await dropFiles(page, dropzone, [{ name: 'wrong.json', type: 'application/json', content: JSON.stringify([{ review: 'no text key' }]) }]);
    await dialog.getByRole('alert').filter({ hasText: '"text" key is expected in task data' }).waitFor();
    await dropFiles(page, dropzone, [{ name: 'reviews.json', type: 'application/json', content: JSON.stringify(TASKS) }]);
    await dialog.getByText('Imported 3 tasks').waitFor();
    await screenshot(page, 'import-dialog');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('table', { name: 'Tasks' }).getByRole('row').filter({ hasText: TASKS[2].text }).waitFor();
    await screenshot(page, 'data-manager-small');

    const projects = await server.api<{ results: { id: number; title: string }[] }>('GET', '/api/projects');
    const project = projects.body.results.find((p) => p.title === 'Reviews')!;
    const tasks = await server.api<{ tasks: { id: number; data: { text: string } }[] }>('GET', `/api/tasks?project=${project.id}`);
    const idOf = (text: string) => tasks.body.tasks.find((t) => t.data.text === text)!.id;

    // label: the stream serves the tasks in order
    await page.getByRole('link', { name: 'Label all tasks' }).click();
    const labeling = page.locator('.labeling');
    await labeling.getByText(TASKS[0].text).waitFor();
    await labeling.getByLabel('Positive').click();
    await screenshot(page, 'labeling-choice');
    await page.getByRole('button', { name: /Submit/ }).click();

    await labeling.getByText(TASKS[1].text).waitFor();
    await page.keyboard.press('2');
    expect(await labeling.getByLabel('Negative').isChecked()).toBe(true);
    await page.keyboard.press('Control+Enter');

    await labeling.getByText(TASKS[2].text).waitFor();
    await page.getByRole('button', { name: 'Skip' }).click();
    await page.getByTestId('stream-done').waitFor();

    // the task's own view lists skipped annotations too (the annotations list leaves them out, as Label Studio does)
    const annotationsOf = async (text: string) => (await server.api<{ annotations: any[] }>('GET', `/api/tasks/${idOf(text)}`)).body.annotations;
    const [first] = await annotationsOf(TASKS[0].text);
    expect(first.result).toEqual([choice('Positive')]);
    expect(first.was_cancelled).toBe(false);
    expect(first.lead_time).toBeGreaterThan(0);
    const [second] = await annotationsOf(TASKS[1].text);
    expect(second.result).toEqual([choice('Negative')]);
    const [skipped] = await annotationsOf(TASKS[2].text);
    expect(skipped).toMatchObject({ was_cancelled: true, result: [] });
    expect(skipped.lead_time).toBeGreaterThan(0);

    const counts = (await server.api('GET', `/api/projects/${project.id}`)).body;
    expect(counts).toMatchObject({ task_number: 3, skipped_annotations_number: 1, total_annotations_number: 2 });

    // the projects list shows the same counts
    await page.getByRole('link', { name: 'Projects', exact: true }).first().click();
    const card = page.getByRole('link', { name: 'Reviews' });
    await expect.poll(() => card.locator('[data-count="tasks"]').textContent()).toBe('3');
    await expect.poll(() => card.locator('[data-count="skipped"]').textContent()).toBe('1');
    await screenshot(page, 'projects-list');
  });

  it('opens an annotated task from the Data Manager and updates its annotation', async () => {
    const { page, server } = s;
    const config = `<View><Text name="text" value="$text"/><Choices name="sentiment" toName="text"><Choice value="Positive"/><Choice value="Negative"/></Choices></View>`;
    const project = await makeProject(server, { config, title: 'Update me', tasks: [TASKS[0]] });
    const taskId = project.taskIds[0];
    const created = await server.api('POST', `/api/tasks/${taskId}/annotations`, { result: [{ ...choice('Positive'), id: 'keep-id' }], lead_time: 2 });
    expect(created.status).toBe(201);

    await logIn(page, server);
    await page.goto(`${server.url}/projects/${project.id}/data`);
    await page.locator(`[data-task-id="${taskId}"]`).click();
    const labeling = page.locator('.labeling');
    await labeling.getByText(TASKS[0].text).waitFor();
    expect(await labeling.getByLabel('Positive').isChecked()).toBe(true);
    await labeling.getByLabel('Negative').click();
    await page.getByRole('button', { name: /Update/ }).click();
    await page.getByRole('status').filter({ hasText: `Task ${taskId} updated.` }).waitFor();

    const task = (await server.api('GET', `/api/tasks/${taskId}`)).body;
    expect(task.annotations).toHaveLength(1);
    expect(task.annotations[0].id).toBe(created.body.id);
    expect(task.annotations[0].result).toEqual([{ ...choice('Negative'), id: 'keep-id' }]);
  });
});
