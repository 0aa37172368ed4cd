import { afterEach, beforeEach, expect, it } from 'vitest';
import { screenshot } from './browser.js';
import { describeE2E, logIn, makeProject, openSession, type Session } from './harness.js';

const CONFIG = `<View><Text name="text" value="$text"/><Choices name="sentiment" toName="text"><Choice value="Positive"/><Choice value="Negative"/><Choice value="Neutral"/></Choices><TextArea name="comment" toName="text" placeholder="Comment"/></View>`;
const TEXT = 'The hotel was fine, the breakfast was cold.';

const comment = (text: string) => ({ id: expect.any(String), from_name: 'comment', to_name: 'text', type: 'textarea', value: { text: [text] }, origin: 'manual' });
const choice = (value: string) => ({ id: expect.any(String), from_name: 'sentiment', to_name: 'text', type: 'choices', value: { choices: [value] }, origin: 'manual' });

// several page loads and reloads per test: on a busy machine they outlast the default minute
const SEVERAL_PAGES = { timeout: 150_000 };

describeE2E('drafts in the labeling stream', () => {
  let s: Session;
  beforeEach(async () => {
    s = await openSession();
  });
  afterEach(async () => {
    await s?.close();
  });

  it('saves a draft as the annotator works, restores it after a reload and after leaving, and drops it on submit', SEVERAL_PAGES, async () => {
    const { page, server } = s;
    const project = await makeProject(server, { config: CONFIG, title: 'Drafts', tasks: [{ text: TEXT }, { text: 'Second task.' }] });
    const taskId = project.taskIds[0];
    const drafts = async () => (await server.api<any[]>('GET', `/api/tasks/${taskId}/drafts`)).body;
    await logIn(page, server);

    await page.goto(`${server.url}/projects/${project.id}/label`);
    const labeling = page.locator('.labeling');
    await labeling.getByText(TEXT).waitFor();
    // a comment typed but not yet added is part of the work too
    await labeling.getByLabel('Comment').fill('cold breakfast');
    await labeling.getByLabel('Negative').click();
    await page.getByTestId('draft-status').filter({ hasText: 'Draft saved' }).waitFor();
    await screenshot(page, 'labeling-draft-saved');
    await expect.poll(async () => (await drafts()).map((d) => d.result)).toEqual([[choice('Negative'), comment('cold breakfast')]]);
    const [saved] = await drafts();
    expect(saved).toMatchObject({ task: taskId, annotation: null });
    expect(saved.lead_time).toBeGreaterThan(0);

    // a reload restores the draft as the annotator's unsubmitted work
    await page.reload();
    await labeling.getByText(TEXT).waitFor();
    await page.getByTestId('draft-status').filter({ hasText: 'Draft restored' }).waitFor();
    expect(await labeling.getByLabel('Negative').isChecked()).toBe(true);
    expect(await labeling.locator('.lf-lines li').allTextContents()).toEqual(['cold breakfast×']);
    await screenshot(page, 'labeling-draft-restored');

    // a change made just before leaving the page is saved on the way out, into the same draft
    await labeling.getByLabel('Neutral').click();
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Drafts' }).click();
    await page.getByRole('table', { name: 'Tasks' }).waitFor();
    await expect.poll(async () => (await drafts()).map((d) => [d.id, d.result[0]?.value])).toEqual([[saved.id, { choices: ['Neutral'] }]]);

    // lead time accumulates over sessions: the restored draft's time counts
    expect((await server.api('PATCH', `/api/drafts/${saved.id}`, { lead_time: 100 })).status).toBe(200);
    await page.getByRole('link', { name: 'Label all tasks' }).click();
    await labeling.getByText(TEXT).waitFor();
    expect(await labeling.getByLabel('Neutral').isChecked()).toBe(true);
    await page.getByRole('button', { name: /Submit/ }).click();
    await labeling.getByText('Second task.').waitFor();

    const task = (await server.api('GET', `/api/tasks/${taskId}`)).body;
    expect(task.annotations).toHaveLength(1);
    const [annotation] = task.annotations;
    expect(annotation.result).toEqual([{ ...choice('Neutral'), id: saved.result[0].id }, { ...comment('cold breakfast'), id: saved.result[1].id }]);
    expect(annotation).toMatchObject({ was_cancelled: false, parent_prediction: null });
    expect(annotation.draft_created_at).toBe(saved.created_at);
    expect(annotation.lead_time).toBeGreaterThan(100);
    expect(annotation.lead_time).toBeLessThan(160);
    expect(await drafts()).toEqual([]);
  });

  it('keeps a draft of an existing annotation apart from it until the update, which drops the draft', SEVERAL_PAGES, async () => {
    const { page, server } = s;
    const project = await makeProject(server, { config: CONFIG, title: 'Annotation drafts', tasks: [{ text: TEXT }] });
    const taskId = project.taskIds[0];
    const created = await server.api('POST', `/api/tasks/${taskId}/annotations`, { result: [{ ...choice('Positive'), id: 'keep-id' }], lead_time: 5 });
    expect(created.status).toBe(201);
    const drafts = async () => (await server.api<any[]>('GET', `/api/tasks/${taskId}/drafts`)).body;
    await logIn(page, server);

    await page.goto(`${server.url}/projects/${project.id}/label?task=${taskId}`);
    const labeling = page.locator('.labeling');
    await labeling.getByText(TEXT).waitFor();
    await labeling.getByLabel('Negative').click();
    await page.getByTestId('draft-status').filter({ hasText: 'Draft saved' }).waitFor();
    const [draft] = await drafts();
    expect(draft).toMatchObject({ annotation: created.body.id, result: [{ ...choice('Negative'), id: 'keep-id' }] });
    // the annotation itself is untouched until the annotator updates it
    expect((await server.api('GET', `/api/annotations/${created.body.id}`)).body.result).toEqual([{ ...choice('Positive'), id: 'keep-id' }]);

    expect((await server.api('PATCH', `/api/drafts/${draft.id}`, { lead_time: 100 })).status).toBe(200);
    await page.reload();
    await labeling.getByText(TEXT).waitFor();
    await page.getByTestId('draft-status').filter({ hasText: 'Draft restored' }).waitFor();
    expect(await labeling.getByLabel('Negative').isChecked()).toBe(true);
    await page.getByRole('button', { name: /Update/ }).click();
    await page.getByRole('status').filter({ hasText: `Task ${taskId} updated.` }).waitFor();

    const task = (await server.api('GET', `/api/tasks/${taskId}`)).body;
    expect(task.annotations.map((a: any) => [a.id, a.result])).toEqual([[created.body.id, [{ ...choice('Negative'), id: 'keep-id' }]]]);
    // 5 s already on the annotation, plus the draft's 100 s, plus this session's
    expect(task.annotations[0].lead_time).toBeGreaterThan(105);
    expect(task.annotations[0].lead_time).toBeLessThan(165);
    expect(await drafts()).toEqual([]);
  });
});
