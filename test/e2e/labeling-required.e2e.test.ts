import { afterEach, beforeEach, expect, it } from 'vitest';
import { screenshot } from './browser.js';
import { describeE2E, logIn, makeProject, openSession, type Session } from './harness.js';

const CONFIG = `<View><Text name="text" value="$text"/><Choices name="sentiment" toName="text" required="true"><Choice value="Positive"/><Choice value="Negative"/></Choices></View>`;

describeE2E('required controls on the labeling page', () => {
  let s: Session;
  beforeEach(async () => {
    s = await openSession();
  });
  afterEach(async () => {
    await s?.close();
  });

  it('refuses to submit while a required choice is missing, naming it, then submits once it is chosen', { timeout: 120_000 }, async () => {
    const { page, server } = s;
    const project = await makeProject(server, { config: CONFIG, title: 'Required', tasks: [{ text: 'Pick one.' }] });
    const [taskId] = project.taskIds;
    await logIn(page, server);
    await page.goto(`${server.url}/projects/${project.id}/label`);
    const labeling = page.locator('.labeling');
    await labeling.getByText('Pick one.').waitFor();

    await page.getByRole('button', { name: /Submit/ }).click();
    const alert = page.locator('.labeling [role="alert"]').filter({ hasText: 'Choices "sentiment" is required.' });
    await alert.waitFor();
    await screenshot(page, 'labeling-required-refused');
    expect((await server.api('GET', `/api/tasks/${taskId}`)).body.annotations).toEqual([]);

    await labeling.getByLabel('Negative').click();
    await page.getByRole('button', { name: /Submit/ }).click();
    await page.getByRole('status').filter({ hasText: `Task ${taskId} submitted.` }).waitFor();
    const [annotation] = (await server.api('GET', `/api/tasks/${taskId}`)).body.annotations;
    expect(annotation.result).toEqual([{ id: expect.any(String), from_name: 'sentiment', to_name: 'text', type: 'choices', value: { choices: ['Negative'] }, origin: 'manual' }]);
  });
});
