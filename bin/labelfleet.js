#!/usr/bin/env node
// Runs the bundled server (dist/server, built by `npm start`) when it is up to date with the sources,
// otherwise the TypeScript sources directly through tsx; either way no manual build step is needed.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SERVER_BUNDLE, serverBundleFresh } from '../scripts/source-times.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (serverBundleFresh(root)) {
  await import(pathToFileURL(path.join(root, SERVER_BUNDLE)).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
