import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ResultItem } from '../api/types';
import { createAnnotationStore, setClassification } from '../editor/store';

const api = vi.hoisted(() => ({ createDraft: vi.fn(), updateDraft: vi.fn(), sendDraftOnExit: vi.fn() }));
vi.mock('../api/labeling', () => api);
const { createDraftSaver } = await import('./draft-saver');

const SENTIMENT = { fromName: 'sentiment', toName: 'text', type: 'choices' };
const draftReply = (id: number) => ({ id, updated_at: '2026-01-01T00:00:00.000Z' });

function setup(draft: { id: number; updatedAt: string } | null = null) {
  const store = createAnnotationStore();
  const saver = createDraftSaver({ taskId: 7, annotationId: null, draft, store, body: () => ({ result: store.getState().results, lead_time: 1 }) }, 100, 1000);
  const choose = (value: string) => store.update((s) => setClassification(s, SENTIMENT, { choices: [value] }));
  return { store, saver, choose };
}

describe('the draft saver', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    api.createDraft.mockReset().mockResolvedValue(draftReply(41));
    api.updateDraft.mockReset().mockResolvedValue(draftReply(41));
  });
  afterEach(() => vi.useRealTimers());

  it('creates the draft after a pause in the edits, then updates that draft', async () => {
    const { saver, choose } = setup();
    saver.start();
    choose('A');
    await vi.advanceTimersByTimeAsync(50);
    choose('B');
    await vi.advanceTimersByTimeAsync(50);
    expect(api.createDraft).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(60);
    expect(api.createDraft).toHaveBeenCalledTimes(1);
    expect(api.createDraft.mock.calls[0][0]).toBe(7);
    expect(api.createDraft.mock.calls[0][1]).toBeNull();
    expect((api.createDraft.mock.calls[0][2].result as ResultItem[])[0].value).toEqual({ choices: ['B'] });
    expect(saver.status()).toMatchObject({ state: 'saved', restored: false });
    choose('C');
    await vi.advanceTimersByTimeAsync(150);
    expect(api.updateDraft).toHaveBeenCalledWith(41, expect.objectContaining({ lead_time: 1 }));
  });

  it('saves nothing for a selection change, nor once a submit has begun', async () => {
    const { store, saver, choose } = setup();
    saver.start();
    store.update((s) => ({ ...s, selectedRegionId: 'x' }));
    await vi.advanceTimersByTimeAsync(500);
    expect(saver.status()).toEqual({ state: 'clean' });
    choose('A');
    await saver.settle();
    await vi.advanceTimersByTimeAsync(500);
    saver.discard();
    await saver.stop();
    expect(api.createDraft).not.toHaveBeenCalled();
  });

  it('runs one save at a time: a change during a save is saved after it, into the same draft', async () => {
    let finish: (v: unknown) => void = () => undefined;
    api.createDraft.mockReturnValueOnce(new Promise((resolve) => (finish = resolve)));
    const { saver, choose } = setup();
    saver.start();
    choose('A');
    await vi.advanceTimersByTimeAsync(150);
    choose('B');
    await vi.advanceTimersByTimeAsync(150);
    expect(api.updateDraft).not.toHaveBeenCalled();
    finish(draftReply(41));
    await vi.advanceTimersByTimeAsync(150);
    expect(api.createDraft).toHaveBeenCalledTimes(1);
    expect(api.updateDraft).toHaveBeenCalledTimes(1);
    expect((api.updateDraft.mock.calls[0][1].result as ResultItem[])[0].value).toEqual({ choices: ['B'] });
  });

  it('tries a failed save again a while later', async () => {
    api.createDraft.mockRejectedValueOnce(new Error('The server answered 502'));
    const { saver, choose } = setup();
    saver.start();
    choose('A');
    await vi.advanceTimersByTimeAsync(150);
    expect(saver.status()).toEqual({ state: 'failed', message: 'The server answered 502' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(api.createDraft).toHaveBeenCalledTimes(2);
    expect(saver.status()).toMatchObject({ state: 'saved' });
  });

  it('saves what is unsaved when stopped (the annotator leaves the task)', async () => {
    const { saver, choose } = setup({ id: 9, updatedAt: '2026-01-01T00:00:00.000Z' });
    expect(saver.status()).toMatchObject({ state: 'saved', restored: true });
    saver.start();
    choose('A');
    await saver.stop();
    expect(api.updateDraft).toHaveBeenCalledWith(9, expect.anything());
  });
});
