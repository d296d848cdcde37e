#!/usr/bin/env node
// `npm start`: runs the desktop app. The Electron binary is not downloaded by `npm install`
// (package.json sets allowScripts.electron = false so installs work offline); on first start
// this runs electron's own install.js to fetch it (needs the internet once), builds the
// renderer and preload when missing, then starts Electron on this package.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const electronDir = join(root, 'node_modules/electron');

if (!existsSync(join(electronDir, 'dist')) || !existsSync(join(electronDir, 'path.txt'))) {
  console.log('Fetching the Electron binary (first start)…');
  try {
    execFileSync(process.execPath, [join(electronDir, 'install.js')], {
      cwd: electronDir,
      stdio: 'inherit',
    });
  } catch {
    console.error(
      'Could not download Electron. Check the internet connection (or set ELECTRON_MIRROR), ' +
        'or use the web UI instead: `npx tujian serve --open`.',
    );
    process.exit(1);
  }
}

if (
  !existsSync(join(root, 'renderer/dist/index.html')) ||
  !existsSync(join(root, 'dist/preload/preload-bridge.cjs'))
) {
  execFileSync(process.execPath, [join(root, 'scripts/build-desktop.js')], {
    cwd: root,
    stdio: 'inherit',
  });
}

// electron's index.js exports the binary's path once installed.
const electronPath = createRequire(import.meta.url)('electron');
const child = spawn(electronPath, [root, ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code, signal) => {
  process.exit(signal ? 1 : (code ?? 0));
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    child.kill(signal);
  });
}
