#!/usr/bin/env node
// Runs one TypeScript file (bench and scripts) with tsx: node bin/run-ts.js bench/import-export.ts
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const [file, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], file, ...args];
await import(pathToFileURL(path.resolve(file)).href);
