#!/usr/bin/env node
// Runs one TypeScript file (benchmarks, scripts) with tsx registered: `node bin/run-ts.js file.ts args…`.
import { register } from 'tsx/esm/api';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const [file] = process.argv.splice(2, 1);
if (!file) {
  console.error('usage: node bin/run-ts.js <file.ts> [args…]');
  process.exit(2);
}
register();
await import(pathToFileURL(resolve(file)).href);
