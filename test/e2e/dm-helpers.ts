import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { E2EServer } from './harness.js';

/** Shared by the Data Manager suites: what the table shows, and what the API says for the same query. */

export const TEXT_CONFIG = `<View><Text name="text" value="$text"/><Choices name="sentiment" toName="text"><Choice value="Positive"/><Choice value="Negative"/></Choices></View>`;

/** Waits until the table shows the answer to its current query, and returns how many tasks it says match. */
export async function settledTotal(page: Page): Promise<number> {
  const table = page.locator('[role="table"][aria-label="Tasks"][aria-busy="false"][data-total]');
  await table.waitFor();
  return Number(await table.getAttribute('data-total'));
}

/** The ids of the first `n` rows, in the order shown (rows are absolutely placed: order by aria-rowindex). */
export async function shownIds(page: Page, n: number): Promise<number[]> {
  await settledTotal(page);
  await page.locator('[role="row"][data-task-id]').first().waitFor();
  const ids = await page.locator('[data-testid="task-scroll"]').evaluate((el) =>
    [...el.querySelectorAll<HTMLElement>('[role="row"][data-task-id]')]
      .sort((a, b) => Number(a.getAttribute('aria-rowindex')) - Number(b.getAttribute('aria-rowindex')))
      .map((r) => Number(r.dataset.taskId)),
  );
  return ids.slice(0, n);
}

export interface ApiQuery {
  filters?: unknown;
  ordering?: string[];
}

/** What GET /api/tasks answers for a Data Manager query: the total and the first page's ids. */
export async function apiTasks(server: E2EServer, projectId: number, q: ApiQuery, pageSize = 30): Promise<{ total: number; ids: number[] }> {
  const query = encodeURIComponent(JSON.stringify({ filters: q.filters ?? { conjunction: 'and', items: [] }, ordering: q.ordering ?? [] }));
  const res = await server.api<{ total: number; tasks: { id: number }[] }>('GET', `/api/tasks?project=${projectId}&page_size=${pageSize}&fields=task_only&query=${query}`);
  expect(res.status).toBe(200);
  return { total: res.body.total, ids: res.body.tasks.map((t) => t.id) };
}

export interface ViewBody {
  id: number;
  data: { title: string; filters?: { conjunction: string; items: unknown[] }; ordering?: string[]; hiddenColumns?: { explore?: string[] } };
}

export async function viewsOf(server: E2EServer, projectId: number): Promise<ViewBody[]> {
  const res = await server.api<ViewBody[]>('GET', `/api/dm/views?project=${projectId}`);
  expect(res.status).toBe(200);
  return res.body;
}

/** Polls until `check` passes: views are saved in the background, a moment after the change. */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => void, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    try {
      check(value);
      return value;
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export async function headers(page: Page): Promise<string[]> {
  return page.getByRole('table', { name: 'Tasks' }).getByRole('columnheader').allTextContents();
}
