import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { E2EServer } from './harness.js';

/** Uploads a media file through the import API; the server makes one task pointing at /data/upload/…. */
export async function uploadTaskFile(server: E2EServer, projectId: number, file: { name: string; type: string; bytes: Buffer }): Promise<number> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
  const res = await fetch(`${server.url}/api/projects/${projectId}/import?return_task_ids=true`, { method: 'POST', headers: { authorization: `Token ${server.token}` }, body: form });
  expect(res.status).toBe(201);
  return ((await res.json()) as { task_ids: number[] }).task_ids[0];
}

/** Opens a task in the labeling page and waits for the editor. */
export async function openTask(page: Page, server: E2EServer, projectId: number, taskId: number): Promise<void> {
  await page.goto(`${server.url}/projects/${projectId}/label?task=${taskId}`);
  await page.locator('.lf-editor').waitFor();
}

/** Clicks Submit and returns the result the server stored for the task. */
export async function submitAndReadResult(page: Page, server: E2EServer, taskId: number): Promise<unknown[]> {
  await page.getByRole('button', { name: /^Submit/ }).click();
  await page.getByRole('status').filter({ hasText: `Task ${taskId} submitted.` }).waitFor();
  const task = (await server.api('GET', `/api/tasks/${taskId}`)).body;
  expect(task.annotations).toHaveLength(1);
  return task.annotations[0].result;
}

/** An SVG image of a known size as a data URL: a task image that needs no upload. */
export function svgImage(width: number, height: number): string {
  const svg = `<svg xmlns='http://www.w3.org/2000/svg' width='${width}' height='${height}'><rect width='${width}' height='${height}' fill='#9ab'/><path d='M0 0L${width} ${height}' stroke='#fff'/></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

/** src/web/editor/validate.ts built for the browser (it parses configs with DOMParser), exposed as `window.lfValidate`. */
export async function bundleValidate(): Promise<string> {
  const { build } = await import('esbuild');
  const out = await build({
    entryPoints: [path.resolve('src/web/editor/validate.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: 'lfValidate',
    platform: 'browser',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  return out.outputFiles[0].text;
}
