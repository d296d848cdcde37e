// `tujian duplicates` through the real CLI entry on a real library: a photo, its smaller
// re-encoded copy and an unrelated photo give one group, the larger first, in human output
// and --json; a library without near-duplicates says so.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { duplicatesCommand } from '../../../main/cli/commands/duplicates-command.ts';
import { ingestFolder, makeTestLibrary, type TestLibrary } from '../../library/library-fixtures.ts';
import { runCliCaptured } from '../cli-harness.ts';

let lib: TestLibrary;
beforeEach(() => {
  lib = makeTestLibrary();
});
afterEach(() => {
  lib.cleanup();
});

async function picture(seed: number): Promise<Buffer> {
  const small = Buffer.alloc(6 * 4 * 3);
  for (let i = 0; i < small.length; i++)
    small[i] = (seed * 131 + i * 71 + ((i * i) % 17) * 13) % 256;
  return sharp(small, { raw: { width: 6, height: 4, channels: 3 } })
    .resize(1000, 750, { kernel: 'cubic' })
    .jpeg({ quality: 90 })
    .toBuffer();
}

describe(duplicatesCommand.name, () => {
  it('lists a group of near-duplicates, the larger photo first', async () => {
    const original = await picture(2);
    writeFileSync(join(lib.photos, 'big.jpg'), original);
    writeFileSync(
      join(lib.photos, 'small.webp'),
      await sharp(original).resize({ width: 400 }).webp().toBuffer(),
    );
    writeFileSync(join(lib.photos, 'other.jpg'), await picture(8));
    await ingestFolder(lib, lib.folder.id);

    const human = await runCliCaptured(['duplicates'], lib.dataRoot);
    expect(human.code, human.err).toBe(0);
    expect(human.out).toMatch(/group 1 \(2 photos\)/);
    expect(human.out).toMatch(/\* +\d+ +1000×750 .*big\.jpg/);
    expect(human.out).toMatch(/ 400×300 .*small\.webp/);
    expect(human.out).not.toContain('other.jpg');

    const run = await runCliCaptured(['duplicates', '--json'], lib.dataRoot, {
      printSuppressedForJson: true,
    });
    expect(run.code, run.err).toBe(0);
    const parsed = JSON.parse(run.out) as {
      threshold: number;
      pending: number;
      groups: { photos: { path: string; width: number; distance: number }[] }[];
    };
    expect(parsed.pending).toBe(0);
    expect(parsed.groups.map((g) => g.photos.map((p) => p.path))).toEqual([
      [join(lib.photos, 'big.jpg'), join(lib.photos, 'small.webp')],
    ]);
    expect(parsed.groups[0]?.photos[1]?.distance).toBeLessThanOrEqual(parsed.threshold);
  });

  it('says when there are none', async () => {
    writeFileSync(join(lib.photos, 'a.jpg'), await picture(1));
    await ingestFolder(lib, lib.folder.id);
    const run = await runCliCaptured(['duplicates'], lib.dataRoot);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain('No duplicates found.');
  });
});
