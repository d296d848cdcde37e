// Opens a URL in the system browser for `tujian serve --open` (xdg-open, open, start).
import { spawn } from 'node:child_process';

export function browserCommand(platform: NodeJS.Platform, url: string): [string, string[]] {
  if (platform === 'darwin') return ['open', [url]];
  // `start` is a cmd built-in; the empty string is the window title it expects first.
  if (platform === 'win32') return ['cmd', ['/c', 'start', '', url]];
  return ['xdg-open', [url]];
}

export function openInBrowser(url: string, platform: NodeJS.Platform = process.platform): void {
  const [command, args] = browserCommand(platform, url);
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  // No browser to open (a headless machine) is not an error: the URL is printed anyway.
  child.on('error', () => undefined);
  child.unref();
}
