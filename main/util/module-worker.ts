// Starts a worker thread on one of our modules, from sources (.ts under tsx) or from a build
// (.js next to the caller). Under tsx the worker registers tsx itself first: hooks registered
// in the parent are not reliably inherited by workers on Node 20. An eval'd bootstrap avoids
// shipping a separate .js file for each worker.
import { type ChildProcess, fork, type ForkOptions } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * The URL of a sibling worker module: `name.ts` when the caller runs from sources, `name.js`
 * from a build. `callerUrl` is the caller's `import.meta.url`.
 */
export function siblingModuleUrl(callerUrl: string, name: string): URL {
  return new URL(callerUrl.endsWith('.ts') ? `./${name}.ts` : `./${name}.js`, callerUrl);
}

export function startModuleWorker(moduleUrl: URL, options: WorkerOptions = {}): Worker {
  if (!moduleUrl.pathname.endsWith('.ts')) return new Worker(moduleUrl, options);
  // The ESM build of tsx's API: its CommonJS build resolves its hooks wrongly from an eval'd worker.
  const tsxApiCjs = createRequire(import.meta.url).resolve('tsx/esm/api');
  const tsxApi = pathToFileURL(join(dirname(tsxApiCjs), 'index.mjs')).href;
  const bootstrap = [
    `import(${JSON.stringify(tsxApi)})`,
    `  .then((api) => { api.register(); return import(${JSON.stringify(moduleUrl.href)}); })`,
    `  .catch((error) => { console.error(error); process.exit(70); });`,
  ].join('\n');
  return new Worker(bootstrap, { ...options, eval: true });
}

/**
 * Forks a child process running one of our modules (`moduleUrl` as from `siblingModuleUrl`),
 * with an IPC channel using structured-clone serialization (typed arrays arrive as typed
 * arrays). Sources run with tsx's ESM hooks preloaded (`--import`); a build runs as it is.
 * Under Electron, `process.execPath` is the Electron binary: ELECTRON_RUN_AS_NODE makes it
 * plain Node, with Electron's ABI, so native addons rebuilt for Electron load in the child too.
 */
export function forkModuleProcess(moduleUrl: URL, options: ForkOptions = {}): ChildProcess {
  const execArgv = moduleUrl.pathname.endsWith('.ts')
    ? [
        '--import',
        pathToFileURL(
          join(dirname(createRequire(import.meta.url).resolve('tsx/esm/api')), '..', 'index.mjs'),
        ).href,
      ]
    : [];
  return fork(fileURLToPath(moduleUrl), [], {
    serialization: 'advanced',
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    ...options,
    env: {
      ...process.env,
      ...options.env,
      ...('electron' in process.versions ? { ELECTRON_RUN_AS_NODE: '1' } : {}),
    },
  });
}
