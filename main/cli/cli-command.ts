// The shape of one CLI command and what every command receives.
import type { ParseArgsConfig } from 'node:util';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;
import type { ExitCode } from './cli-errors.ts';

export type { ParseArgsOptionsConfig };

export interface CliIo {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  /** Print a line of human output (suppressed for --json). */
  readonly print: (line: string) => void;
  /** Print one JSON document (for --json). */
  readonly printJson: (value: unknown) => void;
}

export interface CliInvocation {
  readonly positionals: readonly string[];
  readonly values: Readonly<Record<string, string | boolean | string[] | boolean[] | undefined>>;
  readonly global: {
    readonly data: string | undefined;
    readonly json: boolean;
    readonly verbose: boolean;
  };
  readonly io: CliIo;
}

export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options?: ParseArgsOptionsConfig;
  /** Words starting with `-` that are not options are positionals (a query's `-word` means NOT). */
  readonly dashWordsArePositional?: boolean;
  run(invocation: CliInvocation): Promise<ExitCode>;
}

export function stringOption(inv: CliInvocation, name: string): string | undefined {
  const value = inv.values[name];
  return typeof value === 'string' ? value : undefined;
}

export function listOption(inv: CliInvocation, name: string): string[] {
  const value = inv.values[name];
  if (typeof value === 'string')
    return value
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
  if (Array.isArray(value))
    return value
      .flatMap((v) => String(v).split(','))
      .map((v) => v.trim())
      .filter(Boolean);
  return [];
}

export function flagOption(inv: CliInvocation, name: string): boolean {
  return inv.values[name] === true;
}
