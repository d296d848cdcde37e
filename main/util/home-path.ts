// `~` in a folder typed by the user means their home folder, as in a shell. Node's
// path.resolve does not know it (it would make `<cwd>/~/Pictures`), so paths from the UI
// and the CLI pass through here first.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** `~` or `~/x` (also `~\x`) to the home folder; anything else (even `~user`) unchanged. */
export function expandHome(path: string, home: string = homedir()): string {
  const trimmed = path.trim();
  if (trimmed === '~') return home;
  if (trimmed.startsWith('~/') || trimmed.startsWith('~\\')) return join(home, trimmed.slice(2));
  return path;
}
