import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { CHROMIUM } from './browser.js';

/** The suite tests the built app: build it when src/web changed, as `npm start` does. */
export default function setup(): void {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  // vitest sets NODE_ENV=test, which would give a development React build that `npm start` later serves as is
  const built = spawnSync(process.execPath, ['scripts/build-web.mjs'], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  if (built.status !== 0) throw new Error('building the web app failed');
}
