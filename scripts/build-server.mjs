#!/usr/bin/env node
// Bundles the server and CLI (src/cli/main.ts → dist/server/labelfleet.mjs, packages left external) when
// the bundle is missing or older than its sources. Running plain JavaScript instead of compiling
// TypeScript at start-up keeps ~80 MB off the server's memory. `--force` always builds.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { SERVER_BUNDLE, serverBundleFresh } from './source-times.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (!process.argv.includes('--force') && serverBundleFresh(root)) process.exit(0);
const out = path.join(root, SERVER_BUNDLE);
await build({
  entryPoints: [path.join(root, 'src/cli/main.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  outfile: out,
  logLevel: 'warning',
});
// migrate.ts reads its SQL files next to itself
fs.cpSync(path.join(root, 'src/server/db/migrations'), path.join(path.dirname(out), 'migrations'), { recursive: true });
console.log('Built the server into dist/server.');
