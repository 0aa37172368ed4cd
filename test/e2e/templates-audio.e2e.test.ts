import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeE2E, logIn, openSession, type Session } from './harness.js';
import { createProjectFromGallery, currentTaskId, expectExported, exportJsonInBrowser, importByDrop, openStream, shooter, storedTask, wavFile } from './template-helpers.js';

// a whole new-user path per test: generous on a loaded 2-core machine
describeE2E('the audio template, from an empty server to exported labels in the browser', { timeout: 120_000 }, () => {
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
    const audio = labeling.locator('.lf-audio[data-name="audio"]');
    await expect.poll(() => audio.getAttribute('data-waveform')).toBe('ready');
    expect(Number(await audio.getAttribute('data-duration'))).toBeCloseTo(2, 1);
    await labeling.getByRole('button', { name: 'Play' }).click();
    await expect.poll(() => audio.locator('audio').evaluate((el: HTMLAudioElement) => el.currentTime)).toBeGreaterThan(0);
    await labeling.getByRole('button', { name: 'Pause' }).click();
    await labeling.getByRole('button', { name: 'Play' }).waitFor();
    const field = labeling.getByLabel('Transcription', { exact: true });
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
