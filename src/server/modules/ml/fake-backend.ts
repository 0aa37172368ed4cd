import { startReceiver, type Received } from '../webhooks/test-receiver.js';

/**
 * A stand-in ML backend for the API tests, speaking Label Studio's protocol on a real 127.0.0.1 port:
 * /health, /setup, /predict, /webhook, /train, /versions. Its answers are steered through `state`;
 * `calls(path)` is what it received. (The real label-studio-ml backend is tested by compat/.)
 */
export interface FakeBackendState {
  /** label-studio-ml 1.0 reports a trained model's version as a number */
  version: string | number;
  /** the next N /predict calls answer 500 */
  failPredict: number;
  /** /predict answers one result whatever the number of tasks */
  oneResultOnly: boolean;
  /** /predict answers results that are not lists of regions */
  invalidResults: boolean;
  /** /setup answers 500 */
  failSetup: boolean;
  /** no /webhook endpoint (a backend older than Label Studio 1.4.1) */
  legacy: boolean;
}

const choice = (value: string) => ({ from_name: 'sentiment', to_name: 'text', type: 'choices', value: { choices: [value] } });

/** "good" in the text means positive; the score is the task's own `score` field, else 0.5. */
function predictionFor(task: { data: Record<string, unknown> }, state: FakeBackendState) {
  if (state.invalidResults) return { result: ['not a region'], score: 0.5 };
  const text = String(task.data.text ?? '');
  return { result: [choice(text.includes('good') ? 'positive' : 'negative')], score: typeof task.data.score === 'number' ? task.data.score : 0.5 };
}

function answer(r: Received, state: FakeBackendState): { status: number; body: unknown } {
  switch (r.path) {
    case '/health':
      return { status: 200, body: { status: 'UP', model_class: 'FakeModel' } };
    case '/setup':
      return state.failSetup ? { status: 500, body: { error: 'setup broke' } } : { status: 200, body: { model_version: state.version } };
    case '/predict': {
      if (state.failPredict > 0) {
        state.failPredict--;
        return { status: 500, body: { error: 'model crashed' } };
      }
      const tasks = (r.body.tasks as { data: Record<string, unknown> }[]) ?? [];
      const results = tasks.map((t) => predictionFor(t, state));
      return { status: 200, body: { results: state.oneResultOnly ? results.slice(0, 1) : results, model_version: state.version } };
    }
    case '/webhook':
      return state.legacy ? { status: 404, body: { error: 'not found' } } : { status: 201, body: { status: 'ok' } };
    case '/train':
      return { status: 201, body: { job: 'job-1' } };
    case '/versions':
      return { status: 200, body: { versions: [state.version] } };
    default:
      return { status: 404, body: { error: `no ${r.path}` } };
  }
}

export async function startFakeBackend(initial: Partial<FakeBackendState> = {}) {
  const state: FakeBackendState = { version: 'fake-v1', failPredict: 0, oneResultOnly: false, invalidResults: false, failSetup: false, legacy: false, ...initial };
  const receiver = await startReceiver({ respond: (r) => answer(r, state) });
  return {
    url: receiver.url,
    state,
    calls: (path: string) => receiver.requests.filter((r) => r.path === path),
    close: receiver.close,
  };
}

export type FakeBackend = Awaited<ReturnType<typeof startFakeBackend>>;
