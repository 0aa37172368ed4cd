import { afterEach, beforeEach, expect, it } from 'vitest';
import { screenshot } from './browser.js';
import { openTask, submitAndReadResult, uploadTaskFile } from './editor-helpers.js';
import { makeSineWav } from './media-files.js';
import { describeE2E, logIn, makeProject, openSession, type Session } from './harness.js';

// Label Studio's audio transcription template
const TRANSCRIPTION = `<View>
  <Header value="Listen to the audio"/>
  <Audio name="audio" value="$audio"/>
  <Header value="Write the transcription"/>
  <TextArea name="transcription" toName="audio" rows="4" editable="true" maxSubmissions="1"/>
</View>`;

const SECONDS = 2;

describeE2E('Audio: the transcription template', () => {
  let s: Session;
  beforeEach(async () => {
    s = await openSession();
  });
  afterEach(async () => {
    await s?.close();
  });

  it('draws the waveform, plays, pauses and seeks, and stores the transcription', { timeout: 120_000 }, async () => {
    const { page, server } = s;
    const project = await makeProject(server, { config: TRANSCRIPTION, title: 'Transcription' });
    const taskId = await uploadTaskFile(server, project.id, { name: 'tone.wav', type: 'audio/wav', bytes: makeSineWav(SECONDS, { hz: 1000, swell: true }) });
    expect((await server.api('GET', `/api/tasks/${taskId}`)).body.data.audio).toMatch(/^\/data\/upload\/.*tone\.wav$/);
    await logIn(page, server);

    // the config editor's live preview plays a generated sample
    await page.getByRole('link', { name: 'Create project' }).click();
    await page.getByLabel('Labeling config (XML)').fill(TRANSCRIPTION);
    await expect.poll(() => page.locator('.lf-audio').getAttribute('data-waveform')).toBe('ready');
    expect(Number(await page.locator('.lf-audio').getAttribute('data-duration'))).toBeCloseTo(1, 1);

    await openTask(page, server, project.id, taskId);

    const audio = page.locator('.lf-audio[data-name="audio"]');
    await expect.poll(() => audio.getAttribute('data-waveform')).toBe('ready');
    expect(Number(await audio.getAttribute('data-duration'))).toBeCloseTo(SECONDS, 1);
    // the waveform is drawn: the canvas has painted pixels, more in the loud middle than at the quiet start
    const painted = await audio.locator('canvas').evaluate((c: HTMLCanvasElement) => {
      const g = c.getContext('2d')!;
      const column = (x: number) => {
        const px = g.getImageData(Math.floor(x * c.width), 0, 1, c.height).data;
        let n = 0;
        for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++;
        return n;
      };
      return { start: column(0.02), middle: column(0.5), height: c.height };
    });
    expect(painted.middle).toBeGreaterThan(painted.height * 0.7);
    expect(painted.middle).toBeGreaterThan(painted.start * 3);

    // play, let the time move, pause
    const time = page.getByTestId('audio-time');
    await page.getByRole('button', { name: 'Play' }).click();
    await page.getByRole('button', { name: 'Pause' }).waitFor();
    await expect.poll(() => audio.locator('audio').evaluate((a: HTMLAudioElement) => a.currentTime)).toBeGreaterThan(0.2);
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Play' }).waitFor();
    const pausedAt = await audio.locator('audio').evaluate((a: HTMLAudioElement) => a.currentTime);
    expect(await audio.locator('audio').evaluate((a: HTMLAudioElement) => a.paused)).toBe(true);

    // seek by clicking the waveform at three quarters
    const wave = (await audio.locator('.lf-audio-wave').boundingBox())!;
    await page.mouse.click(wave.x + wave.width * 0.75, wave.y + wave.height / 2);
    await expect.poll(() => audio.locator('audio').evaluate((a: HTMLAudioElement) => a.currentTime)).toBeCloseTo(SECONDS * 0.75, 1);
    expect(pausedAt).not.toBeCloseTo(SECONDS * 0.75, 1);
    await expect.poll(() => time.textContent()).toBe('0:01.5 / 0:02.0');
    const playhead = (await audio.locator('.lf-audio-playhead').boundingBox())!;
    expect(playhead.x + playhead.width / 2).toBeCloseTo(wave.x + wave.width * 0.75, -1);

    await page.getByLabel('Text for transcription').fill('a steady tone');
    await screenshot(page, 'editor-audio');
    // the half-typed line is part of the submitted result
    expect(await submitAndReadResult(page, server, taskId)).toEqual([
      { id: expect.any(String), from_name: 'transcription', to_name: 'audio', type: 'textarea', value: { text: ['a steady tone'] }, origin: 'manual' },
    ]);
  });
});
