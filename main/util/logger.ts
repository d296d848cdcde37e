// A tiny structured logger: hosts decide where lines go (stderr for the CLI, a file for
// the desktop app). Secrets must be redacted before they reach it.
import { escapeControlChars } from './terminal-text.ts';

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export function createStderrLogger(
  options: { verbose?: boolean; stream?: Pick<NodeJS.WritableStream, 'write'> } = {},
): Logger {
  const stream = options.stream ?? process.stderr;
  const write = (level: string, message: string, fields?: Record<string, unknown>) => {
    const suffix = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
    // One entry, one line: names in the message cannot add lines or drive the terminal
    // ([Note: Control characters never reach the terminal raw]); JSON escaped C0 already.
    stream.write(`[${level}] ${escapeControlChars(message)}${escapeControlChars(suffix)}\n`);
  };
  return {
    info: (m, f) => {
      if (options.verbose) write('info', m, f);
    },
    warn: (m, f) => {
      write('warn', m, f);
    },
    error: (m, f) => {
      write('error', m, f);
    },
  };
}
