import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { loadConfig } from '../../src/server/config.js';
import { startServer } from '../../src/server/main.js';
import { launchBrowser } from './browser.js';

/** Browser suites run under `npm run test:e2e` (vitest.e2e.config.ts); the API suite's config excludes test/e2e. */
export const describeE2E = describe;

export const ADMIN = { email: 'admin@example.com', password: 'admin-pass-1' };

export interface ApiReply<T = unknown> {
  status: number;
  body: T;
}

export interface E2EServer {
  url: string;
  token: string;
  /** calls the API with the admin's token */
  api: <T = any>(method: string, url: string, body?: unknown) => Promise<ApiReply<T>>;
  stop: () => Promise<void>;
}

/** A real server (HTTP on a free port) on a fresh embedded database in a temporary data dir. */
export async function startE2EServer(): Promise<E2EServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelfleet-e2e-'));
  const token = randomBytes(20).toString('hex');
  const env = { LABELFLEET_DATA_DIR: dataDir, LOG_LEVEL: 'silent', LABELFLEET_USERNAME: ADMIN.email, LABELFLEET_PASSWORD: ADMIN.password, LABELFLEET_USER_TOKEN: token };
  const running = await startServer(loadConfig(env, { port: 0, host: '127.0.0.1' }));
  const api = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(running.url + url, {
      method,
      headers: { authorization: `Token ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  return {
    url: running.url,
    token,
    api,
    stop: async () => {
      await running.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** One helper for the usual setup: a project with a config and text tasks, through the API. */
export async function makeProject(s: E2EServer, opts: { config: string; title?: string; tasks?: Record<string, unknown>[] }): Promise<{ id: number; taskIds: number[] }> {
  const created = await s.api<{ id: number }>('POST', '/api/projects', { title: opts.title ?? 'E2E project', label_config: opts.config });
  expect(created.status).toBe(201);
  let taskIds: number[] = [];
  if (opts.tasks?.length) {
    const imported = await s.api<{ task_ids: number[] }>('POST', `/api/projects/${created.body.id}/import?return_task_ids=true`, opts.tasks);
    expect(imported.status).toBe(201);
    taskIds = imported.body.task_ids;
  }
  return { id: created.body.id, taskIds };
}

export interface Session {
  server: E2EServer;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  close: () => Promise<void>;
}

/** A server, a browser and a page whose errors fail the test. */
export async function openSession(): Promise<Session> {
  const [server, browser] = await Promise.all([startE2EServer(), launchBrowser()]);
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  return {
    server,
    browser,
    context,
    page,
    close: async () => {
      await browser.close();
      await server.stop();
      expect(errors, 'errors thrown in the page').toEqual([]);
    },
  };
}

/** Logs in through the server-rendered form, as a person does, and waits for the projects page. */
export async function logIn(page: Page, server: E2EServer): Promise<void> {
  await page.goto(`${server.url}/projects`);
  await page.waitForURL('**/user/login');
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Projects' }).waitFor();
}
