/**
 * Label Studio's ML backend protocol, client side (LS `ml/api_connector.py`): JSON over HTTP to the
 * backend's base URL, optional HTTP Basic auth. Any non-2xx answer, a body that is not JSON, a refused
 * connection or a timeout is an `MlCallError` carrying a message fit for `error_message`.
 */
export interface MlEndpoint {
  url: string;
  auth_method: string;
  basic_auth_user: string | null;
  basic_auth_pass: string | null;
  /** seconds, for predictions */
  timeout: number;
}

/** Seconds per call, as Label Studio's defaults (ML_TIMEOUT_*), a little more generous for setup and training. */
export const TIMEOUTS = { health: 5, setup: 30, train: 30, webhook: 30, versions: 10 } as const;

export class MlCallError extends Error {
  readonly status: number | null;
  constructor(message: string, status: number | null = null) {
    super(message);
    this.status = status;
  }
}

const join = (base: string, path: string) => `${base.replace(/\/+$/, '')}/${path}`;

function authHeader(e: MlEndpoint): Record<string, string> {
  if (e.auth_method !== 'BASIC_AUTH' || !e.basic_auth_user) return {};
  return { authorization: `Basic ${Buffer.from(`${e.basic_auth_user}:${e.basic_auth_pass ?? ''}`).toString('base64')}` };
}

const shorten = (text: string) => (text.length > 500 ? `${text.slice(0, 500)}…` : text);

export async function callBackend<T = Record<string, unknown>>(e: MlEndpoint, path: string, body: unknown, timeoutSeconds: number): Promise<T> {
  const url = join(e.url, path);
  let res: Response;
  try {
    res = await fetch(url, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { ...authHeader(e), ...(body === undefined ? {} : { 'content-type': 'application/json' }), accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutSeconds * 1000),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    if ((err as Error).name === 'TimeoutError') throw new MlCallError(`${url}: no answer within ${timeoutSeconds} s`);
    throw new MlCallError(`${url}: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
  }
  const text = await res.text();
  if (!res.ok) throw new MlCallError(`${url}: HTTP ${res.status}${text ? ` ${shorten(text)}` : ''}`, res.status);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new MlCallError(`${url}: the answer is not JSON: ${shorten(text)}`, res.status);
  }
}

export interface HealthAnswer {
  status?: string;
  model_class?: string;
}

export const health = (e: MlEndpoint) => callBackend<HealthAnswer>(e, 'health', undefined, TIMEOUTS.health);

export interface SetupRequest {
  project: string;
  schema: string;
  hostname: string;
  access_token: string;
  model_version: string | null;
  extra_params: unknown;
}

/** A model version as text: label-studio-ml 1.0.x reports a trained model's version as a number (its job id). */
export const versionText = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);

export async function setup(e: MlEndpoint, req: SetupRequest): Promise<{ model_version: string | null }> {
  const answer = await callBackend<{ model_version?: unknown }>(e, 'setup', req, TIMEOUTS.setup);
  return { model_version: versionText(answer.model_version) };
}

export interface PredictRequest {
  tasks: unknown[];
  project: string;
  label_config: string;
  params: { login: string | null; password: string | null; context: unknown };
}

export interface PredictionResult {
  result?: unknown;
  score?: number | null;
  model_version?: string | null;
}

/** `/predict`: one result per task, in order. Newer backends wrap the list in `results`; some answer `predictions`. */
export async function predict(e: MlEndpoint, req: PredictRequest, timeoutSeconds = e.timeout): Promise<{ results: PredictionResult[]; raw: unknown[]; model_version: string | null }> {
  const answer = await callBackend<Record<string, unknown> | unknown[]>(e, 'predict', req, timeoutSeconds);
  const list = Array.isArray(answer) ? answer : (answer.results ?? answer.predictions);
  if (!Array.isArray(list)) throw new MlCallError(`${join(e.url, 'predict')}: the answer has no "results" list`);
  const modelVersion = Array.isArray(answer) ? null : versionText(answer.model_version);
  const results = list.map((r): PredictionResult => {
    if (typeof r !== 'object' || r === null) return {};
    const item = r as Record<string, unknown>;
    return { result: item.result, score: typeof item.score === 'number' ? item.score : null, model_version: versionText(item.model_version) };
  });
  return { results, raw: list, model_version: modelVersion };
}

export const postWebhook = (e: MlEndpoint, body: unknown) => callBackend(e, 'webhook', body, TIMEOUTS.webhook);

export const train = (e: MlEndpoint, body: unknown) => callBackend(e, 'train', body, TIMEOUTS.train);

export const versions = (e: MlEndpoint, project: string) => callBackend<{ versions?: unknown[] }>(e, 'versions', { project }, TIMEOUTS.versions);
