import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeE2E, logIn, openSession, type Session } from './harness.js';
import { createProjectFromGallery, currentTaskId, expectExported, exportJsonInBrowser, importByDrop, openStream, shooter, storedTask, wavFile } from './template-helpers.js';

describeE2E('the audio template, from an empty server to exported labels in the browser', () => {
  let s: Session;
  beforeEach(async () => {
    s = await openSession();
  });
  afterEach(async () => {
    await s?.close();
  });

  it('Audio Transcription: a dropped WAV played, its transcription typed', async () => {
    const { page, server } = s;
    const shot = shooter(page, 'audio-transcription');
    await logIn(page, server);
    const projectId = await createProjectFromGallery(page, 'Calls', 'Audio Transcription', shot);
    await importByDrop(page, [wavFile('call.wav', 2)], 1, shot);

    const labeling = await openStream(page);
    const taskId = await currentTaskId(page);
    const audio = labeling.locator('audio');
    await expect.poll(() => audio.evaluate((el: HTMLAudioElement) => el.readyState)).toBeGreaterThanOrEqual(1);
    expect(await audio.evaluate((el: HTMLAudioElement) => el.duration)).toBeCloseTo(2, 1);
    await labeling.getByRole('button', { name: /play/i }).first().click();
    await expect.poll(() => audio.evaluate((el: HTMLAudioElement) => el.currentTime)).toBeGreaterThan(0);
    await labeling.getByRole('button', { name: /pause/i }).first().click();
    const field = labeling.getByLabel('Transcription');
    await field.click();
    await page.keyboard.type('Hello, I would like to cancel my order.');
    await shot('typed');
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('stream-done').waitFor();

    const stored = await storedTask(server, taskId);
    expect(stored.data.audio).toMatch(/^\/data\/upload\/\d+\/.*call\.wav$/);
    expect(stored.annotations[0].result).toEqual([
      { id: expect.any(String), from_name: 'transcription', to_name: 'audio', type: 'textarea', value: { text: ['Hello, I would like to cancel my order.'] }, origin: 'manual' },
    ]);

    expectExported(await exportJsonInBrowser(page, projectId, shot), stored);
  });
});
