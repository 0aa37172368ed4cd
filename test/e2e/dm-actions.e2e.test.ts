import { afterEach, beforeEach, expect, it } from 'vitest';
import { screenshot } from './browser.js';
import { apiTasks, eventually, settledTotal, shownIds, TEXT_CONFIG } from './dm-helpers.js';
import { describeE2E, logIn, makeProject, openSession, type E2EServer, type Session } from './harness.js';

const fruits = ['apple', 'banana', 'cherry', 'damson'];
const tasks = Array.from({ length: 20 }, (_, i) => ({ text: `${fruits[i % 4]} ${i + 1}` }));
const choice = (value: string) => [{ id: `r-${value}`, from_name: 'sentiment', to_name: 'text', type: 'choices', value: { choices: [value] }, origin: 'manual' }];

async function annotate(server: E2EServer, taskId: number, value = 'Positive') {
  expect((await server.api('POST', `/api/tasks/${taskId}/annotations`, { result: choice(value), lead_time: 2.5 })).status).toBe(201);
}
const annotationCount = async (server: E2EServer, taskId: number) => (await server.api<unknown[]>('GET', `/api/tasks/${taskId}/annotations`)).body.length;

describeE2E('Data Manager selection, actions and preview', () => {
  let s: Session;
  // generous limits: these runs share two cores with other suites
  beforeEach(async () => {
    s = await openSession();
  }, 120_000);
  afterEach(async () => {
    await s?.close();
  }, 60_000);

  it('deletes the ticked tasks after a confirmation, and nothing when cancelled', async () => {
    const { page, server } = s;
    const project = await makeProject(server, { config: TEXT_CONFIG, title: 'Delete some', tasks });
    const [, second, third] = project.taskIds;
    await logIn(page, server);
    await page.goto(`${server.url}/projects/${project.id}/data`);
    expect(await settledTotal(page)).toBe(20);

    await page.getByLabel(`Select task ${second}`, { exact: true }).check();
    await page.getByLabel(`Select task ${third}`, { exact: true }).check();
    expect(await page.getByTestId('dm-total').textContent()).toBe('2 of 20 tasks selected');
    await page.getByRole('button', { name: 'Task actions' }).click();
    await page.getByRole('menuitem', { name: 'Delete tasks' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete tasks' });
    await dialog.getByText('2 tasks selected').waitFor();
    await screenshot(page, 'dm-delete-confirm');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await apiTasks(server, project.id, {})).total).toBe(20);

    await page.getByRole('button', { name: 'Task actions' }).click();
    await page.getByRole('menuitem', { name: 'Delete tasks' }).click();
    await dialog.getByRole('button', { name: 'Delete tasks' }).click();
    await page.getByRole('status').filter({ hasText: 'Deleted 2 tasks' }).waitFor();
    const after = await apiTasks(server, project.id, {}, 100);
    expect(after.total).toBe(18);
    expect(after.ids).toEqual(project.taskIds.filter((id) => id !== second && id !== third));
    await eventually(() => settledTotal(page), (n) => expect(n).toBe(18));
    expect(await shownIds(page, 100)).toEqual(after.ids);
    expect(await page.getByTestId('dm-total').textContent()).toBe('18 tasks');
    expect(await page.getByTestId('project-counts').textContent()).toContain('18 tasks');
  }, 180_000);

  it('selects every task the filter matches, minus one unticked, and deletes their annotations', async () => {
    const { page, server } = s;
    const project = await makeProject(server, { config: TEXT_CONFIG, title: 'Select all', tasks });
    for (const id of project.taskIds) await annotate(server, id);
    await logIn(page, server);
    await page.goto(`${server.url}/projects/${project.id}/data`);
    await settledTotal(page);

    await page.getByRole('button', { name: 'Filters' }).click();
    const panel = page.getByRole('dialog', { name: 'Filters' });
    await panel.getByRole('button', { name: '+ Add filter' }).click();
    await panel.getByLabel('Column').selectOption({ label: '$text' });
    await panel.getByLabel('Value').fill('apple');
    await page.keyboard.press('Escape');
    const apples = project.taskIds.filter((_, i) => i % 4 === 0);
    await eventually(() => settledTotal(page), (n) => expect(n).toBe(apples.length));

    await page.getByLabel('Select all tasks').check();
    expect(await page.getByTestId('dm-total').textContent()).toBe('5 of 5 tasks selected');
    await page.getByLabel(`Select task ${apples[1]}`, { exact: true }).uncheck();
    expect(await page.getByTestId('dm-total').textContent()).toBe('4 of 5 tasks selected');
    expect(await page.getByLabel('Select all tasks').evaluate((el) => (el as HTMLInputElement).indeterminate)).toBe(true);
    await page.getByRole('button', { name: 'Task actions' }).click();
    await page.getByRole('menuitem', { name: 'Delete annotations' }).click();
    await page.getByRole('dialog', { name: 'Delete annotations' }).getByRole('button', { name: 'Delete annotations' }).click();
    await page.getByRole('status').filter({ hasText: 'Deleted 4 annotations' }).waitFor();

    for (const [i, id] of project.taskIds.entries()) {
      const cleared = i % 4 === 0 && id !== apples[1];
      expect(await annotationCount(server, id), `task ${i + 1}`).toBe(cleared ? 0 : 1);
    }
    // the table shows the new counters and the selection is gone
    const row = page.locator(`[data-task-id="${apples[0]}"]`);
    await expect.poll(() => row.getByRole('cell').nth(2).textContent()).toBe('0');
    expect(await page.locator(`[data-task-id="${apples[1]}"]`).getByRole('cell').nth(2).textContent()).toBe('1');
    expect(await page.getByLabel('Select all tasks').isChecked()).toBe(false);
  }, 180_000);

  it('previews a task with its data, annotations and predictions, and opens it for labeling', async () => {
    const { page, server } = s;
    const project = await makeProject(server, { config: TEXT_CONFIG, title: 'Preview', tasks });
    const taskId = project.taskIds[5];
    await annotate(server, taskId, 'Positive');
    expect((await server.api('POST', '/api/predictions', { task: taskId, result: choice('Negative'), score: 0.8, model_version: 'model-7' })).status).toBe(201);
    await logIn(page, server);
    await page.goto(`${server.url}/projects/${project.id}/data`);
    await settledTotal(page);

    await page.getByRole('button', { name: `Preview task ${taskId}`, exact: true }).click();
    const drawer = page.getByRole('complementary', { name: `Task ${taskId}`, exact: true });
    await drawer.getByTestId('preview-annotation').waitFor();
    expect(await drawer.getByRole('region', { name: 'Data' }).textContent()).toContain('banana 6');
    const annotation = drawer.getByTestId('preview-annotation');
    expect(await annotation.textContent()).toContain('sentiment: Positive');
    expect(await annotation.textContent()).toContain('by admin@example.com');
    expect(await annotation.textContent()).toContain('2.5 s');
    const prediction = drawer.getByTestId('preview-prediction');
    expect(await prediction.textContent()).toContain('model-7 · score 0.8');
    expect(await prediction.textContent()).toContain('sentiment: Negative');
    expect(await page.locator(`[data-task-id="${taskId}"]`).getAttribute('class')).toContain('task-row-previewed');
    await screenshot(page, 'dm-preview-drawer');

    // the "Annotated by" column names who annotated
    await page.getByRole('button', { name: 'Columns' }).click();
    await page.getByRole('dialog', { name: 'Columns' }).getByLabel('Annotated by').check();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator(`[data-task-id="${taskId}"]`).getByRole('cell').last().textContent()).toBe('admin@example.com');
    expect(await page.locator(`[data-task-id="${project.taskIds[0]}"]`).getByRole('cell').last().textContent()).toBe('');

    // another row's preview replaces it; Escape closes it
    await page.getByRole('button', { name: `Preview task ${project.taskIds[0]}`, exact: true }).click();
    await page.getByRole('complementary', { name: `Task ${project.taskIds[0]}`, exact: true }).getByText('Not annotated yet.').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('complementary').waitFor({ state: 'detached' });

    await page.getByRole('button', { name: `Preview task ${taskId}`, exact: true }).click();
    await drawer.getByRole('link', { name: 'Label this task' }).click();
    await page.waitForURL(`**/projects/${project.id}/label?task=${taskId}`);
    await page.locator('.labeling').getByText('banana 6').waitFor();
  }, 180_000);

  it('opens the labeling stream from "Label all tasks"', async () => {
    const { page, server } = s;
    const project = await makeProject(server, { config: TEXT_CONFIG, title: 'Stream', tasks: tasks.slice(0, 3) });
    await logIn(page, server);
    await page.goto(`${server.url}/projects/${project.id}/data`);
    await settledTotal(page);
    await page.getByRole('link', { name: 'Label all tasks' }).click();
    await page.waitForURL(`**/projects/${project.id}/label`);
    await page.locator('.labeling').getByText('apple 1').waitFor();
  }, 180_000);
});
