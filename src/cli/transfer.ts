import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import cliProgress from 'cli-progress';

interface RemoteOptions {
  url: string;
  apiKey?: string;
}

function headers(opts: RemoteOptions): Record<string, string> {
  if (!opts.apiKey) throw new Error('an API token is needed: --api-key or LABEL_STUDIO_API_KEY (see `labelfleet token --email you@example.com`)');
  return { Authorization: `Token ${opts.apiKey}` };
}

async function failure(res: Response): Promise<Error> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { detail?: string; validation_errors?: Record<string, string[]> };
    const details = Object.entries(body.validation_errors ?? {}).flatMap(([field, msgs]) => msgs.map((m) => `\n  ${field}: ${m}`));
    return new Error(`${res.status}: ${body.detail ?? text}${details.join('')}`);
  } catch {
    return new Error(`${res.status}: ${text.slice(0, 500)}`);
  }
}

const CONTENT_TYPES: Record<string, string> = { '.json': 'application/json', '.csv': 'text/csv', '.tsv': 'text/tab-separated-values', '.txt': 'text/plain' };

export async function importCommand(projectId: string, source: string, opts: RemoteOptions): Promise<void> {
  const endpoint = `${opts.url.replace(/\/$/, '')}/api/projects/${projectId}/import`;
  let res: Response;
  if (/^https?:\/\//.test(source)) {
    res = await fetch(endpoint, { method: 'POST', headers: { ...headers(opts), 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ url: source }) });
  } else {
    const size = fs.statSync(source).size;
    const bar = new cliProgress.SingleBar({ format: 'upload [{bar}] {percentage}% | {value}/{total} bytes', hideCursor: true }, cliProgress.Presets.shades_classic);
    bar.start(size, 0);
    const file = fs.createReadStream(source);
    file.on('data', (chunk) => bar.increment(chunk.length));
    const type = CONTENT_TYPES[path.extname(source).toLowerCase()] ?? 'application/json';
    try {
      res = await fetch(endpoint, { method: 'POST', headers: { ...headers(opts), 'Content-Type': type, 'Content-Length': String(size) }, body: Readable.toWeb(file) as ReadableStream, duplex: 'half' } as RequestInit);
    } finally {
      bar.stop();
    }
  }
  if (!res.ok) throw await failure(res);
  const summary = (await res.json()) as { task_count: number; annotation_count: number; prediction_count: number; duration: number };
  console.log(`Imported ${summary.task_count} tasks, ${summary.annotation_count} annotations, ${summary.prediction_count} predictions in ${summary.duration}s`);
}

export async function exportCommand(projectId: string, opts: RemoteOptions & { format: string; out: string; all: boolean }): Promise<void> {
  const base = opts.url.replace(/\/$/, '');
  const project = await fetch(`${base}/api/projects/${projectId}`, { headers: headers(opts) });
  if (!project.ok) throw await failure(project);
  const { task_number: total } = (await project.json()) as { task_number: number };
  const res = await fetch(`${base}/api/projects/${projectId}/export?exportType=${encodeURIComponent(opts.format)}&download_all_tasks=${opts.all}`, { headers: headers(opts) });
  if (!res.ok || !res.body) throw await failure(res);
  const bar = new cliProgress.SingleBar({ format: 'export [{bar}] {value} bytes written (project has {tasks} tasks)', hideCursor: true }, cliProgress.Presets.shades_classic);
  bar.start(0, 0, { tasks: total });
  const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream);
  let written = 0;
  body.on('data', (chunk: Buffer) => {
    written += chunk.length;
    bar.setTotal(written);
    bar.update(written, { tasks: total });
  });
  try {
    await pipeline(body, fs.createWriteStream(opts.out));
  } finally {
    bar.stop();
  }
  console.log(`Wrote ${opts.out} (${written} bytes)`);
}
