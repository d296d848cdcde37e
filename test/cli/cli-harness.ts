// Runs the real CLI entry (runCli) against a data folder, capturing what it prints: the one
// capture every CLI test file uses.
import type { CliIo } from '../../main/cli/cli-command.ts';
import { runCli } from '../../main/cli/cli-main.ts';

export interface CapturedRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/**
 * `tujian <args> --data <data>` with stdout and stderr captured. `printSuppressedForJson`
 * drops human lines when `--json` is given, as the real terminal io does.
 */
export async function runCliCaptured(
  args: readonly string[],
  data: string,
  options: { readonly printSuppressedForJson?: boolean } = {},
): Promise<CapturedRun> {
  let out = '';
  let err = '';
  const stream = (sink: (s: string) => void) =>
    ({
      write: (chunk: string) => {
        sink(chunk);
        return true;
      },
      isTTY: false,
    }) as unknown as NodeJS.WriteStream;
  const quiet = options.printSuppressedForJson === true && args.includes('--json');
  const io: CliIo = {
    stdout: stream((s) => (out += s)),
    stderr: stream((s) => (err += s)),
    print: (line) => {
      if (!quiet) out += `${line}\n`;
    },
    printJson: (value) => {
      out += `${JSON.stringify(value)}\n`;
    },
  };
  const code = await runCli([...args, '--data', data], io);
  return { code, out, err };
}
