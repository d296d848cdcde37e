#!/usr/bin/env node
// Builds what the desktop app loads besides its TypeScript sources (which run through tsx):
// the renderer (vite → renderer/dist) and the preload bridge, bundled to one CommonJS file
// (dist/preload/preload-bridge.cjs) because a sandboxed preload cannot load modules.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const skipRenderer = process.argv.includes('--preload-only');

await build({
  entryPoints: [join(root, 'preload/preload-bridge.ts')],
  outfile: join(root, 'dist/preload/preload-bridge.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node22',
  external: ['electron'],
  minify: true,
  logLevel: 'warning',
});
console.log('built dist/preload/preload-bridge.cjs');

if (!skipRenderer) {
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'renderer/vite.config.ts'],
    { cwd: root, stdio: 'inherit' },
  );
}
