import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

/** Debian's Chromium (apt-get install chromium); playwright-core drives it, no downloaded browser. */
export const CHROMIUM = process.env.LABELFLEET_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.resolve('test-results/e2e');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/**
 * Selects characters [start, end) of the text shown in `container` with the mouse: press on the left half
 * of the first character, drag to the right half of the last, release, as a person would.
 */
export async function selectTextWithMouse(page: Page, container: Locator, start: number, end: number): Promise<void> {
  const box = await container.evaluate(
    (el, [from, to]) => {
      const charRect = (offset: number) => {
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        let seen = 0;
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const len = (node as Text).data.length;
          if (offset < seen + len) {
            const range = document.createRange();
            range.setStart(node, offset - seen);
            range.setEnd(node, offset - seen + 1);
            const rects = range.getClientRects();
            return rects[rects.length - 1] ?? range.getBoundingClientRect();
          }
          seen += len;
        }
        throw new Error(`offset ${offset} is past the end of the text`);
      };
      const a = charRect(from);
      const b = charRect(to - 1);
      return { x1: a.left + 1, y1: a.top + a.height / 2, x2: b.right - 1, y2: b.top + b.height / 2 };
    },
    [start, end] as const,
  );
  await page.mouse.move(box.x1, box.y1);
  await page.mouse.down();
  await page.mouse.move(box.x2, box.y2, { steps: 8 });
  await page.mouse.up();
}

/** Drops files on an element through a real DataTransfer, as a drag from the desktop does. */
export async function dropFiles(page: Page, target: Locator, files: { name: string; type: string; content: string }[]): Promise<void> {
  const transfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([f.content], f.name, { type: f.type }));
    return dt;
  }, files);
  await target.dispatchEvent('dragenter', { dataTransfer: transfer });
  await target.dispatchEvent('dragover', { dataTransfer: transfer });
  await target.dispatchEvent('drop', { dataTransfer: transfer });
}
