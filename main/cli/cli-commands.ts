// Every CLI command, in the order `tujian help` lists them.
import type { CliCommand } from './cli-command.ts';
import {
  failuresCommand,
  retryCommand,
  showCommand,
  statusCommand,
  tagsCommand,
} from './commands/catalog-commands.ts';

export function cliCommands(): readonly CliCommand[] {
  return [statusCommand, tagsCommand, showCommand, failuresCommand, retryCommand];
}
