// Every CLI command, in the order `tujian help` lists them.
import type { CliCommand } from './cli-command.ts';
import {
  failuresCommand,
  retryCommand,
  showCommand,
  statusCommand,
  tagsCommand,
} from './commands/catalog-commands.ts';
import { addCommand, indexCommand } from './commands/library-commands.ts';
import { removeCommand } from './commands/folder-commands.ts';
import { watchCommand } from './commands/watch-command.ts';
import { demoCommand } from './commands/demo-command.ts';
import { albumsCommand, searchCommand, tagCommand } from './commands/search-cli-commands.ts';
import { enginesCommand } from './commands/engines-command.ts';
import { emulateCommand, serveCommand } from './commands/host-commands.ts';
import { safetyCommands } from './commands/safety-commands.ts';
import { jobsCommands } from './commands/jobs-commands.ts';
import { textCommand } from './commands/text-command.ts';
import { peopleCommand } from './commands/people-commands.ts';
import { duplicatesCommand } from './commands/duplicates-command.ts';

export function cliCommands(): readonly CliCommand[] {
  return [
    demoCommand,
    addCommand,
    removeCommand,
    indexCommand,
    watchCommand,
    searchCommand,
    albumsCommand,
    tagCommand,
    peopleCommand,
    statusCommand,
    tagsCommand,
    showCommand,
    textCommand,
    duplicatesCommand,
    failuresCommand,
    retryCommand,
    enginesCommand,
    serveCommand,
    emulateCommand,
    ...safetyCommands,
    ...jobsCommands,
  ];
}
