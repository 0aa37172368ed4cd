#!/usr/bin/env node
// Builds the web app (src/web → dist/web) when dist/web is missing or older than its sources.
// `npm start` runs it first (prestart), so a fresh `npm ci && npm start` serves the app; with nothing
// changed it only compares file times. `--force` always builds.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtAt, newestMtime } from './source-times.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const builtMarker = path.join(root, 'dist/web/index.html');
const inputs = ['src/web', 'vite.config.ts', 'package-lock.json'].map((p) => path.join(root, p));

const force = process.argv.includes('--force');
const sources = Math.max(...inputs.map(newestMtime));
const built = builtAt(builtMarker);
if (!force && built >= sources) {
  process.exit(0);
}
console.log(built ? 'The web app changed since its last build: building it…' : 'Building the web app (first start)…');
const started = Date.now();
const { build } = await import('vite');
await build({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });
console.log(`Built the web app into dist/web in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
