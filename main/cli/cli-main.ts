// The `tujian` command line: scripting, benchmarks and headless use of the same core the
// desktop app runs. `tujian help` lists the commands.
import { parseArgs } from 'node:util';
import { CatalogTooNewError } from '../catalog/catalog-connection.ts';
import type { CliCommand, CliIo, ParseArgsOptionsConfig } from './cli-command.ts';
import { ExitCode, NoCatalogError, UsageError } from './cli-errors.ts';
import { cliCommands } from './cli-commands.ts';
import { escapeControlChars, escapeTerminalLines } from '../util/terminal-text.ts';

const globalOptions = {
  data: { type: 'string' },
  json: { type: 'boolean', default: false },
  verbose: { type: 'boolean', short: 'v', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsOptionsConfig;

/**
 * Moves words like `-bicycle` (a query's NOT) behind `--` so parseArgs takes them as
 * positionals, while known options (and their values) stay options.
 */
export function separateDashWords(
  args: readonly string[],
  options: ParseArgsOptionsConfig,
): string[] {
  const known = new Map<string, boolean>();
  for (const [name, config] of Object.entries(options)) {
    known.set(`--${name}`, config.type === 'string');
    if (config.short) known.set(`-${config.short}`, config.type === 'string');
  }
  const flags: string[] = [];
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') {
      words.push(...args.slice(i + 1));
      break;
    }
    const name = arg.split('=')[0] ?? arg;
    const takesValue = known.get(name);
    if (takesValue === undefined) {
      words.push(arg);
      continue;
    }
    flags.push(arg);
    if (takesValue && !arg.includes('=') && i + 1 < args.length) flags.push(args[++i] ?? '');
  }
  return [...flags, '--', ...words];
}

function helpText(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'tujian — photo-library tagging (图鉴)',
    '',
    'Usage: tujian <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Global options:',
    '  --data DIR   data folder (catalog, thumbnails, previews); default per OS, or TUJIAN_DATA',
    '  --json       machine-readable output',
    '  -v           verbose log lines on stderr',
    '',
    'Exit codes: 0 ok, 1 failure, 2 usage, 3 finished with broken photos or failed jobs, 4 catalog too new.',
  ].join('\n');
}

/**
 * Splits `tujian [global options] <command> [args]`: global options may come before the
 * command, as the help shows (`tujian --data DIR index`); they are handed to the command's
 * parser with the rest.
 */
export function splitCommandLine(argv: readonly string[]): {
  name: string | undefined;
  rest: string[];
} {
  const leading: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--data') {
      leading.push(arg, argv[i + 1] ?? '');
      i++;
    } else if (
      arg.startsWith('--data=') ||
      arg === '--json' ||
      arg === '--verbose' ||
      arg === '-v'
    ) {
      leading.push(arg);
    } else break;
  }
  return { name: argv[i], rest: [...leading, ...argv.slice(i + 1)] };
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { name, rest } = splitCommandLine(argv);
  const commands = cliCommands();
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(`${helpText(commands)}\n`);
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`tujian: unknown command "${escapeControlChars(name)}". Run "tujian help".\n`);
    return ExitCode.usage;
  }
  let parsed;
  const options = { ...globalOptions, ...command.options };
  try {
    parsed = parseArgs({
      args: command.dashWordsArePositional ? separateDashWords(rest, options) : [...rest],
      options,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    io.stderr.write(
      `tujian ${name}: ${escapeTerminalLines((error as Error).message)}\nUsage: ${command.usage}\n`,
    );
    return ExitCode.usage;
  }
  const values = parsed.values as Record<
    string,
    string | boolean | string[] | boolean[] | undefined
  >;
  if (values.help === true) {
    io.stdout.write(`${command.summary}\nUsage: ${command.usage}\n`);
    return ExitCode.ok;
  }
  const json = values.json === true;
  const invocationIo: CliIo = {
    ...io,
    // [Note: Control characters never reach the terminal raw]
    print: json
      ? () => undefined
      : (line) => {
          io.print(escapeTerminalLines(line));
        },
  };
  try {
    return await command.run({
      positionals: parsed.positionals,
      values,
      global: {
        data: typeof values.data === 'string' ? values.data : undefined,
        json,
        verbose: values.verbose === true,
      },
      io: invocationIo,
    });
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(
        `tujian ${name}: ${escapeTerminalLines(error.message)}\nUsage: ${command.usage}\n`,
      );
      return ExitCode.usage;
    }
    if (error instanceof NoCatalogError) {
      io.stderr.write(`tujian ${name}: ${escapeTerminalLines(error.message)}\n`);
      return ExitCode.usage;
    }
    if (error instanceof CatalogTooNewError) {
      io.stderr.write(`tujian: ${escapeTerminalLines(error.message)}\n`);
      return ExitCode.catalogTooNew;
    }
    io.stderr.write(
      `tujian ${name}: ${escapeTerminalLines(error instanceof Error ? error.message : String(error))}\n`,
    );
    if (values.verbose === true && error instanceof Error && error.stack)
      io.stderr.write(`${escapeTerminalLines(error.stack)}\n`);
    return ExitCode.failure;
  }
}
