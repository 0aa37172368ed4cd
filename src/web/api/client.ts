/** A failed API call, carrying the message a person should read (Label Studio's `detail` and field errors). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

/** The server-rendered login form; it sends the user back to `/` after logging in. */
export const LOGIN_URL = '/user/login';
export const LOGOUT_URL = '/user/logout';

export function redirectToLogin(): void {
  window.location.assign(LOGIN_URL);
}

/** Label Studio errors (`detail`, `validation_errors`) and LabelFleet errors (`error`) → one readable text. */
export function errorMessage(status: number, body: unknown): string {
  if (body && typeof body === 'object') {
    const b = body as { detail?: unknown; validation_errors?: unknown; error?: unknown };
    const fields = b.validation_errors;
    if (fields && typeof fields === 'object') {
      const lines = Array.isArray(fields)
        ? fields.map(String)
        : Object.entries(fields).flatMap(([field, msgs]) =>
            (Array.isArray(msgs) ? msgs : [msgs]).map((m) => (field === 'non_field_errors' || field === 'label_config' ? String(m) : `${field}: ${String(m)}`)),
          );
      if (lines.length) return lines.join('\n');
    }
    if (typeof b.detail === 'string') return b.detail;
    if (typeof b.error === 'string') return b.error;
  }
  if (typeof body === 'string' && body.trim()) return body.trim().slice(0, 500);
  return `The server answered ${status}`;
}

function parseBody(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  json?: unknown;
  signal?: AbortSignal;
}

/** Calls the API with the session cookie; a 401 sends the browser to the login form. */
export async function request<T>(url: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: string | undefined;
  if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  }
  const res = await fetch(url, { method: opts.method ?? 'GET', headers, body, credentials: 'same-origin', signal: opts.signal });
  if (res.status === 401) {
    redirectToLogin();
    throw new ApiError(401, 'Your session has ended: log in again.', null);
  }
  const data = parseBody(await res.text());
  if (!res.ok) throw new ApiError(res.status, errorMessage(res.status, data), data);
  return data as T;
}

/** A query string from defined values only. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
