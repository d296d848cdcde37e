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
