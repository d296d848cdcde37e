// A real size-limited folder for the full-disk tests: a tmpfs mounted with `size=`. Mounting
// needs root (CI containers may refuse it even then); where it cannot be made, `mountSmallDisk`
// returns false and the tests that need it are skipped with that reason — the job runner's
// own test injects ENOSPC/SQLITE_FULL at the same call sites instead.
import { execFileSync } from 'node:child_process';
import { mkdirSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function mountSmallDisk(path: string, bytes: number): boolean {
  mkdirSync(path, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${String(bytes)}`, 'tmpfs', path], {
      stdio: 'ignore',
    });
    return true;
  } catch {
    return false;
  }
}

export function unmountSmallDisk(path: string): void {
  try {
    execFileSync('umount', ['-l', path], { stdio: 'ignore' });
  } catch {
    // Not mounted (the mount failed): nothing to undo.
  }
}

/** Writes a filler file that leaves about `leaveBytes` free; returns its path. */
export function fillDisk(path: string, leaveBytes: number): string {
  const stats = statfsSync(path);
  const free = stats.bavail * stats.bsize;
  const filler = join(path, 'filler.bin');
  writeFileSync(filler, Buffer.alloc(Math.max(0, free - leaveBytes)));
  return filler;
}

/** Whether this process can mount a tmpfs (root, and a kernel/container that allows it). */
export const canMountSmallDisk: boolean = (() => {
  const probe = join('/tmp', `tujian-mount-probe-${String(process.pid)}`);
  const ok = mountSmallDisk(probe, 1_048_576);
  if (ok) unmountSmallDisk(probe);
  return ok;
})();
