import { afterEach, beforeEach, expect, it } from 'vitest';
import { screenshot } from './browser.js';
import { describeE2E, logIn, makeProject, openSession, type Session } from './harness.js';

const CONFIG = `<View><Text name="text" value="$text"/><Choices name="sentiment" toName="text"><Choice value="Positive"/><Choice value="Negative"/><Choice value="Neutral"/></Choices></View>`;
const TEXT = 'The staff were friendly but the room was small.';

const item = (value: string, extra: Record<string, unknown> = {}) => ({ from_name: 'sentiment', to_name: 'text', type: 'choices', value: { choices: [value] }, ...extra });

// several page loads and reloads per test: on a busy machine they outlast the default minute
const SEVERAL_PAGES = { timeout: 150_000 };

describeE2E('the annotations of one task', () => {
  let s: Session;
  beforeEach(async () => {
    s = await openSession();
  });
  afterEach(async () => {
    await s?.close();
  });

  it('lists every annotation, keeps others’ read-only, and adds a second annotation of my own', SEVERAL_PAGES, async () => {
    const { page, server } = s;
    const project = await makeProject(server, { config: CONFIG, title: 'Several', tasks: [{ text: TEXT }] });
    const taskId = project.taskIds[0];
    const other = await server.api('POST', '/api/users', { email: 'bea@example.com', password: 'bea-pass-12' });
    expect(other.status).toBe(201);
    const theirs = await server.api('POST', `/api/tasks/${taskId}/annotations`, { result: [item('Positive', { id: 'bea-1', origin: 'manual' })], completed_by: other.body.id, lead_time: 3 });
    const mine = await server.api('POST', `/api/tasks/${taskId}/annotations`, { result: [item('Negative', { id: 'mine-1', origin: 'manual' })], lead_time: 2 });
    expect([theirs.status, mine.status]).toEqual([201, 201]);

    await logIn(page, server);
    await page.goto(`${server.url}/projects/${project.id}/label?task=${taskId}`);
    const labeling = page.locator('.labeling');
    const list = page.getByRole('complementary', { name: 'Annotations of the task' });
    await labeling.getByText(TEXT).waitFor();
    // my own annotation opens, to update
    expect(await list.locator('[aria-current="true"]').textContent()).toContain(`Annotation #${mine.body.id} by you`);
    expect(await labeling.getByLabel('Negative').isChecked()).toBe(true);
    await page.getByRole('button', { name: /Update/ }).waitFor();

    // theirs: shown, read-only, nothing to submit
    await list.getByRole('button', { name: `Annotation #${theirs.body.id} by bea@example.com` }).click();
    await labeling.getByRole('note').filter({ hasText: 'read-only' }).waitFor();
    expect(await labeling.getByLabel('Positive').isChecked()).toBe(true);
    await labeling.getByLabel('Neutral').click();
    expect(await labeling.getByLabel('Positive').isChecked()).toBe(true);
    expect(await page.getByRole('button', { name: /Update|Submit/ }).count()).toBe(0);
    await screenshot(page, 'labeling-readonly-annotation');

    // a second annotation of mine on the same task
    await list.getByRole('button', { name: '+ New annotation' }).click();
    expect(await labeling.getByLabel('Positive').isChecked()).toBe(false);
    await labeling.getByLabel('Neutral').click();
    await page.getByRole('button', { name: /Submit/ }).click();
    await page.getByRole('status').filter({ hasText: `Task ${taskId} submitted.` }).waitFor();

    const task = (await server.api('GET', `/api/tasks/${taskId}`)).body;
    const stored = task.annotations.map((a: any) => ({ completed_by: a.completed_by, result: a.result, was_cancelled: a.was_cancelled }));
    expect(stored).toEqual([
      { completed_by: other.body.id, result: [item('Positive', { id: 'bea-1', origin: 'manual' })], was_cancelled: false },
      { completed_by: mine.body.completed_by, result: [item('Negative', { id: 'mine-1', origin: 'manual' })], was_cancelled: false },
      { completed_by: mine.body.completed_by, result: [item('Neutral', { id: expect.any(String), origin: 'manual' })], was_cancelled: false },
    ]);
  });
});
