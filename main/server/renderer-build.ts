// Builds the renderer (vite, installed with the app) when renderer/dist is missing or older
// than its sources: `tujian serve` in a source checkout, the browser tests and the UI bench
// all start from here (CI starts without a build).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..', '..');
const rendererIndex = join(repo, 'renderer/dist/index.html');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export function ensureRendererBuilt(onBuild?: () => void): void {
  const sources = Math.max(
    newestMtime(join(repo, 'renderer/src')),
    newestMtime(join(repo, 'renderer/public')),
    statSync(join(repo, 'renderer/index.html')).mtimeMs,
    statSync(join(repo, 'renderer/vite.config.ts')).mtimeMs,
    newestMtime(join(repo, 'preload')),
  );
  if (existsSync(rendererIndex) && statSync(rendererIndex).mtimeMs >= sources) return;
  onBuild?.();
  execFileSync(
    process.execPath,
    [
      join(repo, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      'renderer/vite.config.ts',
      '--logLevel',
      'error',
    ],
    { cwd: repo, stdio: 'inherit' },
  );
}
