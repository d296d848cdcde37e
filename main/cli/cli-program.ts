// The program behind bin/tujian.js: runs the CLI on this process's arguments.
import type { CliIo } from './cli-command.ts';
import { runCli } from './cli-main.ts';

const processIo: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  print: (line) => {
    process.stdout.write(`${line}\n`);
  },
  printJson: (value) => {
    process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  },
};

const exitCode = await runCli(process.argv.slice(2), processIo);
process.exitCode = exitCode;
// The command is done; if something still holds the event loop (a file read that never
// returns, e.g. on a FIFO a bounded `watch` drain gave up on), end anyway. Not process.exit():
// it joins libuv's thread pool on the way out and so waits for that read forever. Ending by
// SIGINT (default action; our handlers are gone by now) is what an interrupted CLI reports.
// Unref'd: a process that ends on its own is not kept alive by this timer.
setTimeout(() => {
  process.stderr.write('tujian: a file operation did not return; ending the process\n');
  process.removeAllListeners('SIGINT');
  process.kill(process.pid, 'SIGINT');
}, 2_000).unref();
