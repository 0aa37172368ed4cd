import { afterEach, beforeEach, expect, it } from 'vitest';
import { screenshot } from './browser.js';
import { apiTasks, eventually, headers, settledTotal, shownIds, TEXT_CONFIG, viewsOf } from './dm-helpers.js';
import { describeE2E, logIn, makeProject, openSession, type Session } from './harness.js';

const ROWS = 10_000;
const words = ['apple', 'banana', 'cherry', 'damson'];
const tasks = Array.from({ length: ROWS }, (_, i) => ({ text: `${words[i % 4]} review ${i + 1}`, score: i % 100 }));

describeE2E('Data Manager filters, ordering, tabs and columns over 10,000 tasks', () => {
  let s: Session;
  // generous limits: these runs share two cores with other suites
  beforeEach(async () => {
    s = await openSession();
  }, 120_000);
  afterEach(async () => {
    await s?.close();
  }, 60_000);

  it('filters and orders as the API does, and keeps both in the tab after a reload', async () => {
    const { page, server } = s;
    const project = await makeProject(server, { config: TEXT_CONFIG, title: 'Ten thousand', tasks });
    await logIn(page, server);
    await page.goto(`${server.url}/projects/${project.id}/data`);
    expect(await settledTotal(page)).toBe(ROWS);
    expect(await page.getByTestId('dm-total').textContent()).toBe('10,000 tasks');

    // $score < 10 and $text contains "banana"
    await page.getByRole('button', { name: 'Filters' }).click();
    const panel = page.getByRole('dialog', { name: 'Filters' });
    await panel.getByRole('button', { name: '+ Add filter' }).click();
    const first = panel.getByTestId('filter-row').nth(0);
    await first.getByLabel('Column').selectOption({ label: '$score' });
    await first.getByLabel('Operator').selectOption({ label: '<' });
    await first.getByLabel('Value').fill('10');
    await panel.getByRole('button', { name: '+ Add filter' }).click();
    const second = panel.getByTestId('filter-row').nth(1);
    await second.getByLabel('Column').selectOption({ label: '$text' });
    await second.getByLabel('Operator').selectOption({ label: 'contains' });
    await second.getByLabel('Value').fill('banana');
    const filters = {
      conjunction: 'and',
      items: [
        { filter: 'filter:tasks:data.score', operator: 'less', type: 'Number', value: 10 },
        { filter: 'filter:tasks:data.text', operator: 'contains', type: 'String', value: 'banana' },
      ],
    };
    const expected = await apiTasks(server, project.id, { filters });
    expect(expected.total).toBe(300); // of each 100 scores, 1, 5 and 9 are bananas
    await eventually(() => settledTotal(page), (n) => expect(n).toBe(expected.total));
    expect(await shownIds(page, 30)).toEqual(expected.ids);
    expect(await page.getByTestId('dm-total').textContent()).toBe(`${expected.total} tasks`);
    await screenshot(page, 'dm-filters-panel');

    // "or" widens the match to either condition
    await second.getByLabel('Conjunction').selectOption('or');
    const either = await apiTasks(server, project.id, { filters: { ...filters, conjunction: 'or' } });
    expect(either.total).toBe(ROWS / 10 + ROWS / 4 - 300);
    await eventually(() => settledTotal(page), (n) => expect(n).toBe(either.total));
    await second.getByLabel('Conjunction').selectOption('and');
    await eventually(() => settledTotal(page), (n) => expect(n).toBe(expected.total));
    await page.keyboard.press('Escape');

    // ordering: one click ascending, a second descending, by the column header
    await page.getByRole('columnheader', { name: '$text' }).getByRole('button').click();
    const ascending = await apiTasks(server, project.id, { filters, ordering: ['tasks:data.text'] });
    await eventually(() => shownIds(page, 30), (ids) => expect(ids).toEqual(ascending.ids));
    expect(await page.getByRole('columnheader', { name: '$text' }).getAttribute('aria-sort')).toBe('ascending');
    await page.getByRole('columnheader', { name: '$text' }).getByRole('button').click();
    const descending = await apiTasks(server, project.id, { filters, ordering: ['-tasks:data.text'] });
    expect(descending.ids).not.toEqual(ascending.ids);
    await eventually(() => shownIds(page, 30), (ids) => expect(ids).toEqual(descending.ids));
    expect(await page.getByRole('columnheader', { name: '$text' }).getAttribute('aria-sort')).toBe('descending');
    await screenshot(page, 'dm-filtered-sorted');

    // the tab keeps both, on the server and after a reload
    const [saved] = await eventually(
      () => viewsOf(server, project.id),
      (views) => expect(views[0].data).toMatchObject({ filters, ordering: ['-tasks:data.text'] }),
    );
    expect(saved.data.filters).toEqual(filters);
    await page.reload();
    expect(await settledTotal(page)).toBe(expected.total);
    expect(await shownIds(page, 30)).toEqual(descending.ids);
    expect(await page.getByRole('button', { name: 'Filters' }).textContent()).toBe('Filters (2)');

    // the scroll reaches the last filtered row
    await page.getByTestId('task-scroll').evaluate((el) => (el.scrollTop = el.scrollHeight));
    const last = await apiTasks(server, project.id, { filters, ordering: ['-tasks:data.text'] }, expected.total);
    await page.locator(`[data-task-id="${last.ids[last.ids.length - 1]}"]`).waitFor();
  }, 180_000);

  it('keeps tabs with their own filters: add, rename, duplicate, switch, delete, and after a reload', async () => {
    const { page, server } = s;
    const project = await makeProject(server, { config: TEXT_CONFIG, title: 'Tabs', tasks });
    await logIn(page, server);
    await page.goto(`${server.url}/projects/${project.id}/data`);
    await settledTotal(page);
    const tabs = page.getByRole('tablist', { name: 'Views' });
    expect(await tabs.getByRole('tab').allTextContents()).toEqual(['Default']);

    await page.getByRole('button', { name: 'Add tab' }).click();
    await expect.poll(() => tabs.getByRole('tab').allTextContents()).toEqual(['Default', 'Tab 2']);
    expect(await tabs.getByRole('tab', { name: 'Tab 2' }).getAttribute('aria-selected')).toBe('true');
    // rename by double click
    await tabs.getByRole('tab', { name: 'Tab 2' }).dblclick();
    await page.getByLabel('Tab name').fill('Cherries');
    await page.getByLabel('Tab name').press('Enter');
    // a filter on this tab only
    await page.getByRole('button', { name: 'Filters' }).click();
    const panel = page.getByRole('dialog', { name: 'Filters' });
    await panel.getByRole('button', { name: '+ Add filter' }).click();
    await panel.getByLabel('Column').selectOption({ label: '$text' });
    await panel.getByLabel('Value').fill('cherry');
    await page.keyboard.press('Escape');
    await eventually(() => settledTotal(page), (n) => expect(n).toBe(ROWS / 4));

    // duplicate it: the copy has the same filter
    await page.getByRole('button', { name: 'Tab Cherries options' }).click();
    await page.getByRole('menuitem', { name: 'Duplicate' }).click();
    await expect.poll(() => tabs.getByRole('tab').allTextContents()).toEqual(['Default', 'Cherries', 'Cherries (copy)']);
    expect(await settledTotal(page)).toBe(ROWS / 4);

    await tabs.getByRole('tab', { name: 'Default' }).click();
    await eventually(() => settledTotal(page), (n) => expect(n).toBe(ROWS));
    await screenshot(page, 'dm-tabs');

    // delete the copy, with a confirmation
    await tabs.getByRole('tab', { name: 'Cherries (copy)' }).click();
    await page.getByRole('button', { name: 'Tab Cherries (copy) options' }).click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    await page.getByRole('dialog', { name: 'Delete tab' }).getByRole('button', { name: 'Delete tab' }).click();
    await expect.poll(() => tabs.getByRole('tab').allTextContents()).toEqual(['Default', 'Cherries']);

    const saved = await eventually(
      () => viewsOf(server, project.id),
      (views) => expect(views.map((v) => [v.data.title, v.data.filters?.items.length ?? 0])).toEqual([['Default', 0], ['Cherries', 1]]),
    );
    // a reload comes back to the same tabs, on the one last chosen, with its filter
    await tabs.getByRole('tab', { name: 'Cherries' }).click();
    await eventually(() => settledTotal(page), (n) => expect(n).toBe(ROWS / 4));
    await page.reload();
    await expect.poll(() => tabs.getByRole('tab').allTextContents()).toEqual(['Default', 'Cherries']);
    expect(await tabs.getByRole('tab', { name: 'Cherries' }).getAttribute('aria-selected')).toBe('true');
    expect(await settledTotal(page)).toBe(ROWS / 4);
    expect(new URL(page.url()).searchParams.get('tab')).toBe(String(saved[1].id));
  }, 180_000);

  it('shows and hides columns with the picker, per tab, after a reload', async () => {
    const { page, server } = s;
    const project = await makeProject(server, { config: TEXT_CONFIG, title: 'Columns', tasks: tasks.slice(0, 500) });
    await logIn(page, server);
    await page.goto(`${server.url}/projects/${project.id}/data`);
    await settledTotal(page);
    expect(await headers(page)).toEqual(['ID', '$text', '$score', 'Annotations', 'Skipped', 'Predictions', 'Completed']);

    await page.getByRole('button', { name: 'Columns' }).click();
    const picker = page.getByRole('dialog', { name: 'Columns' });
    await picker.getByLabel('$score').uncheck();
    await picker.getByLabel('Skipped').uncheck();
    await picker.getByLabel('Inner ID').check();
    await picker.getByLabel('Created').check();
    expect(await picker.getByLabel('ID', { exact: true }).isDisabled()).toBe(true);
    await screenshot(page, 'dm-column-picker');
    await page.keyboard.press('Escape');
    const shown = ['ID', 'Inner ID', '$text', 'Annotations', 'Predictions', 'Completed', 'Created'];
    expect(await headers(page)).toEqual(shown);
    const firstRow = page.locator(`[data-task-id="${project.taskIds[0]}"]`);
    expect(await firstRow.getByRole('cell').nth(1).textContent()).toBe('1');
    expect(await firstRow.getByRole('cell').nth(2).textContent()).toBe('apple review 1');

    await eventually(
      () => viewsOf(server, project.id),
      (views) => expect(new Set(views[0].data.hiddenColumns?.explore)).toEqual(new Set(['tasks:data.score', 'tasks:cancelled_annotations', 'tasks:annotators', 'tasks:ground_truth', 'tasks:updated_at'])),
    );
    await page.reload();
    await settledTotal(page);
    expect(await headers(page)).toEqual(shown);

    // every column at once overflows sideways: header and cells stay lined up when scrolled
    await page.getByRole('button', { name: 'Columns' }).click();
    for (const box of await picker.getByRole('checkbox').all()) if (!(await box.isDisabled())) await box.check();
    await page.keyboard.press('Escape');
    expect(await headers(page)).toHaveLength(12);
    const scroller = page.getByTestId('task-scroll');
    expect(await scroller.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    await scroller.evaluate((el) => (el.scrollLeft = el.scrollWidth));
    const lastHeader = await page.getByRole('columnheader', { name: 'Updated' }).boundingBox();
    const lastCell = await firstRow.getByRole('cell').last().boundingBox();
    expect(lastHeader && lastCell && Math.abs(lastHeader.x - lastCell.x)).toBeLessThan(1);
    expect(lastHeader && lastCell && Math.abs(lastHeader.width - lastCell.width)).toBeLessThan(1);
    expect(lastHeader!.x + lastHeader!.width).toBeLessThanOrEqual((await scroller.boundingBox())!.x + (await scroller.boundingBox())!.width + 1);
    await screenshot(page, 'dm-all-columns-scrolled');
  }, 180_000);

  it('filters by a number range, a date, a boolean and emptiness, as the API counts them', async () => {
    const { page, server } = s;
    const project = await makeProject(server, { config: TEXT_CONFIG, title: 'Kinds', tasks: tasks.slice(0, 60) });
    const result = [{ id: 'r', from_name: 'sentiment', to_name: 'text', type: 'choices', value: { choices: ['Positive'] }, origin: 'manual' }];
    for (const [i, id] of project.taskIds.slice(0, 6).entries()) {
      expect((await server.api('POST', `/api/tasks/${id}/annotations`, { result, ground_truth: i === 0 })).status).toBe(201);
    }
    const before = new Date(Date.now() - 60 * 60_000);
    await logIn(page, server);
    await page.goto(`${server.url}/projects/${project.id}/data`);
    await settledTotal(page);
    await page.getByRole('button', { name: 'Filters' }).click();
    const panel = page.getByRole('dialog', { name: 'Filters' });
    await panel.getByRole('button', { name: '+ Add filter' }).click();
    const row = panel.getByTestId('filter-row');
    const expectCount = async (filter: Record<string, unknown>, count: number) => {
      const api = await apiTasks(server, project.id, { filters: { conjunction: 'and', items: [filter] } });
      expect(api.total).toBe(count);
      await eventually(() => settledTotal(page), (n) => expect(n).toBe(count));
      expect(await shownIds(page, 30)).toEqual(api.ids);
    };

    await row.getByLabel('Column').selectOption({ label: '$score' });
    await row.getByLabel('Operator').selectOption({ label: 'is between' });
    await row.getByLabel('From', { exact: true }).fill('10');
    await row.getByLabel('To', { exact: true }).fill('19');
    await expectCount({ filter: 'filter:tasks:data.score', operator: 'in', type: 'Number', value: { min: 10, max: 19 } }, 10);

    await row.getByLabel('Column').selectOption({ label: 'Completed' });
    await row.getByLabel('Operator').selectOption({ label: 'is after' });
    const local = new Date(before.getTime() - before.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await row.getByLabel('Value').fill(local);
    const iso = new Date(local).toISOString();
    await expectCount({ filter: 'filter:tasks:completed_at', operator: 'greater', type: 'Datetime', value: iso }, 6);
    await screenshot(page, 'dm-filter-date');

    await row.getByLabel('Operator').selectOption({ label: 'is empty' });
    await expectCount({ filter: 'filter:tasks:completed_at', operator: 'empty', type: 'Datetime', value: true }, 54);

    await row.getByLabel('Column').selectOption({ label: 'Ground truth' });
    await expectCount({ filter: 'filter:tasks:ground_truth', operator: 'equal', type: 'Boolean', value: true }, 1);
    await row.getByLabel('Value').selectOption('false');
    await expectCount({ filter: 'filter:tasks:ground_truth', operator: 'equal', type: 'Boolean', value: false }, 59);
  }, 180_000);
});
