// Real named pipes for the tests of [Note: Never open a non-regular file]. node:fs cannot make
// a FIFO, so `mkfifo` does. `unblockFifo` opens the pipe's write end without blocking: if code
// under test did open the pipe for reading (the bug), that open returns and the pool thread it
// held is freed, so a failing test does not leave a stuck worker behind.
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';

export function makeFifo(path: string): string {
  execFileSync('mkfifo', [path]);
  return path;
}

export function unblockFifo(path: string): void {
  try {
    closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
  } catch {
    // ENXIO: nobody is reading it, nothing to unblock. ENOENT: already gone.
  }
}
