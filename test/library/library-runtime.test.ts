// The library runtime's long-running mode on a real full disk (a small tmpfs): it pauses,
// tells through diskFull() (the activity status shows it), and takes work again once there
// is room. Skipped where a tmpfs cannot be mounted; test/jobs/job-runner.test.ts injects the
// same errors without root.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCatalog } from '../../main/catalog/catalog-connection.ts';
import { addFolder } from '../../main/catalog/folders.ts';
import { startLibraryService } from '../../main/library/library-runtime.ts';
import { silentLogger } from '../../main/util/logger.ts';
import { canMountSmallDisk, fillDisk, mountSmallDisk, unmountSmallDisk } from './small-disk.ts';

const samples = join(import.meta.dirname, '..', '..', '..', 'shared', 'samples', 'photos');
let root: string | undefined;
afterEach(() => {
  if (!root) return;
  unmountSmallDisk(join(root, 'data'));
  rmSync(root, { recursive: true, force: true });
  root = undefined;
});

async function until(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

if (!canMountSmallDisk) console.warn('full-disk test skipped: a tmpfs cannot be mounted here');

describe(startLibraryService.name, () => {
  it.skipIf(!canMountSmallDisk)(
    'pauses on a full data disk, says so, and goes on once there is room',
    async () => {
      root = mkdtempSync(join(tmpdir(), 'tujian-runtime-'));
      const photos = join(root, 'photos');
      const data = join(root, 'data');
      mkdirSync(photos);
      for (const name of readdirSync(samples))
        copyFileSync(join(samples, name), join(photos, name));
      expect(mountSmallDisk(data, 4 * 1_048_576)).toBe(true);
      const db = openCatalog(join(data, 'catalog.sqlite'));
      addFolder(db, photos);
      const filler = fillDisk(data, 300 * 1024);
      const service = startLibraryService({
        db,
        dataRoot: data,
        log: silentLogger,
        engines: { engines: new Map() },
        watch: { reconcileIntervalMs: 60_000 },
        diskCheckMs: 200,
        diskResumeBytes: 1_048_576,
      });
      try {
        await service.ready;
        await until(() => service.diskFull() !== null, 30_000);
        expect(service.diskFull()).toMatch(/^the data folder's disk is full: \d+ MB free/);
        expect(
          db.prepare("SELECT count(*) AS n FROM photos WHERE status = 'broken'").get(),
        ).toEqual({ n: 0 });

        rmSync(filler);
        const ok = () =>
          (
            db.prepare("SELECT count(*) AS n FROM photos WHERE status = 'ok'").get() as {
              n: number;
            }
          ).n;
        await until(() => ok() === readdirSync(photos).length, 60_000);
        expect(service.diskFull()).toBeNull();
        expect(ok()).toBe(readdirSync(photos).length);
      } finally {
        await service.drain();
        db.close();
      }
    },
    120_000,
  );
});
