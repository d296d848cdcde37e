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
// returns, e.g. a FIFO a bounded `watch` drain gave up on), end anyway. Unref'd: a process
// that would end on its own is not kept alive by this timer. Writes to pipes and files are
// synchronous on Linux, so nothing printed is lost.
setTimeout(() => process.exit(exitCode), 2_000).unref();
