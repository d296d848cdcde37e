import {
  chmodSync,
  existsSync,
  mkdirSync,
  renameSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findContentByHash, getContent } from '../../main/catalog/contents.ts';
import { findPhotoByPath, getPhoto, listFolderPhotos } from '../../main/catalog/photos.ts';
import { encodeBmp24 } from '../../main/imaging/bmp-decode.ts';
import { previewPath, thumbnailPath } from '../../main/library/library-files.ts';
import { ingestPhoto } from '../../main/library/photo-ingest.ts';
import { scanFolder, type ScanReport } from '../../main/library/folder-scanner.ts';
import {
  asUnprivileged,
  ingestFolder,
  makeHalves,
  makeJpeg,
  makePngBomb,
  makeTestLibrary,
  type TestLibrary,
} from './library-fixtures.ts';
import { makeFifo, unblockFifo } from '../util/fifo-fixtures.ts';

let lib: TestLibrary;
beforeEach(() => {
  lib = makeTestLibrary();
});
afterEach(() => {
  lib.cleanup();
});

function scanAndIngest(): Promise<ScanReport> {
  return ingestFolder(lib, lib.folder.id);
}

function photoAt(relPath: string) {
  const photo = findPhotoByPath(lib.db, lib.folder.id, relPath);
  if (!photo) throw new Error(`no photo row for ${relPath}`);
  return photo;
}

function contentOf(relPath: string) {
  const { contentId } = photoAt(relPath);
  if (contentId === null) throw new Error(`${relPath} has no content`);
  const content = getContent(lib.db, contentId);
  if (!content) throw new Error('content row missing');
  return content;
}

describe(ingestPhoto.name, () => {
  it('ingests every supported format with dimensions, format, thumbnail and preview', async () => {
    const base = () =>
      sharp({ create: { width: 2000, height: 1000, channels: 3, background: '#2a7' } });
    writeFileSync(join(lib.photos, 'a.jpg'), await base().jpeg().toBuffer());
    writeFileSync(join(lib.photos, 'b.png'), await base().png().toBuffer());
    writeFileSync(join(lib.photos, 'c.webp'), await base().webp().toBuffer());
    writeFileSync(join(lib.photos, 'd.gif'), await base().gif().toBuffer());
    writeFileSync(join(lib.photos, 'e.tiff'), await base().tiff().toBuffer());
    writeFileSync(
      join(lib.photos, 'f.avif'),
      await base().resize(400).avif({ effort: 0 }).toBuffer(),
    );
    const raw = await base().resize(300).raw().toBuffer({ resolveWithObject: true });
    writeFileSync(
      join(lib.photos, 'g.bmp'),
      encodeBmp24(raw.data, raw.info.width, raw.info.height, raw.info.channels),
    );

    const report = await scanAndIngest();
    expect(report).toMatchObject({ seen: 7, added: 7, enqueued: 7, errors: 0 });
    const expected: [string, string, number, number][] = [
      ['a.jpg', 'jpeg', 2000, 1000],
      ['b.png', 'png', 2000, 1000],
      ['c.webp', 'webp', 2000, 1000],
      ['d.gif', 'gif', 2000, 1000],
      ['e.tiff', 'tiff', 2000, 1000],
      ['f.avif', 'avif', 400, 200],
      ['g.bmp', 'bmp', 300, 150],
    ];
    for (const [name, format, width, height] of expected) {
      expect(photoAt(name), name).toMatchObject({ status: 'ok', error: null });
      const content = contentOf(name);
      expect(content, name).toMatchObject({ format, width, height, hasPreview: true });
      const thumb = await sharp(thumbnailPath(lib.dataRoot, content.hash)).metadata();
      const preview = await sharp(previewPath(lib.dataRoot, content.hash)).metadata();
      expect(thumb.format).toBe('webp');
      expect(Math.max(thumb.width, thumb.height), name).toBe(Math.min(320, width));
      expect(Math.max(preview.width, preview.height), name).toBe(Math.min(1600, width));
    }
  });

  it('reads EXIF date, camera, GPS and orientation, and stores the oriented size', async () => {
    const image = await (
      await makeHalves(400, 200)
    )
      .jpeg()
      .withExif({
        IFD0: { Make: 'Canon', Model: 'Canon EOS 5D Mark IV' },
        IFD2: { DateTimeOriginal: '2021:07:04 15:30:12' },
        IFD3: {
          GPSLatitudeRef: 'S',
          GPSLatitude: '33/1 51/1 3540/100',
          GPSLongitudeRef: 'E',
          GPSLongitude: '151/1 12/1 4000/100',
        },
      })
      .toBuffer();
    // Orientation 6: the camera was turned; the displayed image is 200 wide, 400 high.
    writeFileSync(
      join(lib.photos, 'rotated.jpg'),
      await sharp(image).withMetadata({ orientation: 6 }).keepExif().jpeg().toBuffer(),
    );
    await scanAndIngest();
    const content = contentOf('rotated.jpg');
    expect(content).toMatchObject({
      width: 200,
      height: 400,
      orientation: 6,
      camera: 'Canon EOS 5D Mark IV',
      takenAt: Date.UTC(2021, 6, 4, 15, 30, 12),
    });
    expect(content.lat).toBeCloseTo(-(33 + 51 / 60 + 35.4 / 3600), 5);
    expect(content.lon).toBeCloseTo(151 + 12 / 60 + 40 / 3600, 5);
    // The preview is upright: red (the former left half) is now on top.
    const { data, info } = await sharp(previewPath(lib.dataRoot, content.hash))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([200, 400]);
    const pixel = (x: number, y: number) => [
      ...data.subarray(
        (y * info.width + x) * info.channels,
        (y * info.width + x) * info.channels + 3,
      ),
    ];
    const top = pixel(100, 50);
    const bottom = pixel(100, 350);
    expect(top[0]).toBeGreaterThan(200);
    expect(top[2]).toBeLessThan(60);
    expect(bottom[2]).toBeGreaterThan(200);
    expect(bottom[0]).toBeLessThan(60);
  });

  it('stores the same bytes in two places as one content', async () => {
    const bytes = await makeJpeg({ colour: '#884422' });
    mkdirSync(join(lib.photos, 'copy'));
    writeFileSync(join(lib.photos, 'one.jpg'), bytes);
    writeFileSync(join(lib.photos, 'copy', 'two.jpg'), bytes);
    await scanAndIngest();
    const one = photoAt('one.jpg');
    const two = photoAt('copy/two.jpg');
    expect(one.status).toBe('ok');
    expect(two.status).toBe('ok');
    expect(one.contentId).not.toBeNull();
    expect(two.contentId).toBe(one.contentId);
    expect(lib.db.prepare('SELECT count(*) AS n FROM contents').get()).toEqual({ n: 1 });
  });

  it('re-links a moved file to its old row, keeping its id and tags', async () => {
    writeFileSync(join(lib.photos, 'holiday.jpg'), await makeJpeg({ colour: '#123456' }));
    await scanAndIngest();
    const before = photoAt('holiday.jpg');
    if (before.contentId === null) throw new Error('not ingested');
    lib.db
      .prepare(`INSERT INTO tags (name, type, zh, en) VALUES ('beach', 'scene', '海滩', 'Beach')`)
      .run();
    lib.db
      .prepare(
        `INSERT INTO photo_tags (content_id, tag_id, engine, model, confidence, state, created_at)
         VALUES (?, 1, 'user', 'user', 100, 'user', 0)`,
      )
      .run(before.contentId);

    mkdirSync(join(lib.photos, '2021'));
    renameSync(join(lib.photos, 'holiday.jpg'), join(lib.photos, '2021', 'beach.jpg'));
    const report = await scanAndIngest();
    expect(report).toMatchObject({ added: 1, missing: 1 });

    const after = photoAt('2021/beach.jpg');
    expect(after.id).toBe(before.id);
    expect(after).toMatchObject({ status: 'ok', contentId: before.contentId });
    expect(findPhotoByPath(lib.db, lib.folder.id, 'holiday.jpg')).toBeUndefined();
    expect(listFolderPhotos(lib.db, lib.folder.id)).toHaveLength(1);
    expect(
      lib.db
        .prepare('SELECT count(*) AS n FROM photo_tags WHERE content_id = ?')
        .get(after.contentId),
    ).toEqual({ n: 1 });
    expect(lib.log.lines.some((line) => line.includes('moved:'))).toBe(true);
  });

  it('re-hashes a changed file, and an unchanged rescan reads nothing (only stats)', async () => {
    const path = join(lib.photos, 'edit.jpg');
    writeFileSync(path, await makeJpeg({ colour: '#aa0000' }));
    await scanAndIngest();
    const first = contentOf('edit.jpg');

    writeFileSync(path, await makeJpeg({ colour: '#00aa00' }));
    const changed = await scanAndIngest();
    expect(changed).toMatchObject({ changed: 1, enqueued: 1 });
    const second = contentOf('edit.jpg');
    expect(second.hash).not.toBe(first.hash);

    // With the file unreadable a read would fail; an unchanged rescan only stats it.
    chmodSync(path, 0o000);
    const rescan = await asUnprivileged(() =>
      scanFolder(
        {
          db: lib.db,
          log: lib.log,
          enqueueIngest: () => {
            throw new Error('enqueued');
          },
        },
        lib.folder.id,
      ),
    );
    expect(rescan).toMatchObject({ seen: 1, unchanged: 1, changed: 0, errors: 0, enqueued: 0 });
  });

  it('ends every kind of bad input as broken or skipped with a reason and ingests the rest', async () => {
    const good = await makeJpeg({ width: 640, height: 480, colour: '#445566' });
    writeFileSync(join(lib.photos, 'good.jpg'), good);
    const noisy = await sharp({
      create: {
        width: 800,
        height: 600,
        channels: 3,
        background: '#000',
        noise: { type: 'gaussian', mean: 128, sigma: 40 },
      },
    })
      .jpeg()
      .toBuffer();
    writeFileSync(
      join(lib.photos, 'truncated.jpg'),
      noisy.subarray(0, Math.floor(noisy.length / 2)),
    );
    writeFileSync(join(lib.photos, 'empty.jpg'), Buffer.alloc(0));
    writeFileSync(join(lib.photos, 'notes.jpg'), 'these are my notes, not a photo\n');
    writeFileSync(join(lib.photos, 'bomb.png'), makePngBomb(20_000));
    writeFileSync(join(lib.photos, 'secret.jpg'), good.subarray(0, good.length - 1));
    chmodSync(join(lib.photos, 'secret.jpg'), 0o000);
    symlinkSync('loop-b.jpg', join(lib.photos, 'loop-a.jpg'));
    symlinkSync('loop-a.jpg', join(lib.photos, 'loop-b.jpg'));
    symlinkSync('.', join(lib.photos, 'self')); // a folder loop
    writeFileSync(join(lib.photos, 'phone.heic'), Buffer.from('....ftypheic'));
    writeFileSync(join(lib.photos, 'camera.CR2'), Buffer.from('II*\0'));
    // Odd names: emoji, NFD accents, right-to-left, a newline; and one that is not UTF-8.
    const odd = ['🐶 dog.jpg', 'cafe\u0301.jpg', 'שלום.jpg', 'line\nbreak.jpg'];
    for (const [i, name] of odd.entries()) {
      writeFileSync(
        join(lib.photos, name),
        await makeJpeg({ colour: `#0${String(i)}${String(i)}0${String(i)}0` }),
      );
    }
    writeFileSync(
      Buffer.concat([
        Buffer.from(lib.photos + '/'),
        Buffer.from([0xff, 0xfe, 0x41]),
        Buffer.from('.jpg'),
      ]),
      good,
    );
    chmodSync(lib.photos, 0o755);

    const report = await asUnprivileged(scanAndIngest);
    const status = (name: string) => {
      const photo = photoAt(name);
      return [photo.status, photo.error ?? ''] as const;
    };
    expect(status('good.jpg')).toEqual(['ok', '']);
    for (const name of odd) expect(status(name), name).toEqual(['ok', '']);
    expect(status('truncated.jpg')[0]).toBe('broken');
    expect(status('truncated.jpg')[1]).toMatch(/truncated or corrupt/);
    expect(status('empty.jpg')).toEqual(['broken', 'The file is empty (0 bytes).']);
    expect(status('notes.jpg')[0]).toBe('skipped');
    expect(status('notes.jpg')[1]).toMatch(/Not an image Tujian can read/);
    expect(status('bomb.png')[0]).toBe('broken');
    expect(status('bomb.png')[1]).toMatch(/20000×20000 px.*decompression bomb/);
    expect(status('secret.jpg')).toEqual([
      'broken',
      'Permission denied: Tujian may not read this file.',
    ]);
    expect(status('loop-a.jpg')).toEqual(['broken', 'Symbolic link loop.']);
    expect(status('phone.heic')[0]).toBe('skipped');
    expect(status('phone.heic')[1]).toMatch(/^HEIC is not supported: .*no HEVC/);
    expect(status('camera.CR2')[0]).toBe('skipped');
    expect(status('camera.CR2')[1]).toMatch(/^RAW \(CR2\) is not supported/);
    const invalid = listFolderPhotos(lib.db, lib.folder.id).find((p) =>
      p.relPath.includes('\uFFFD'),
    );
    expect(invalid).toMatchObject({ status: 'skipped' });
    expect(invalid?.error).toMatch(/not valid UTF-8/);
    expect(report.problems.some((p) => p.relPath === 'self' && /loop/.test(p.reason))).toBe(true);
    // Nothing was written for the bad files; the good ones have their renditions.
    expect(existsSync(thumbnailPath(lib.dataRoot, contentOf('good.jpg').hash))).toBe(true);
    expect(lib.db.prepare('SELECT count(*) AS n FROM contents').get()).toEqual({
      n: 1 + odd.length,
    });
  });

  it('marks a vanished file missing and a zero-length rewrite broken, keeping the rows', async () => {
    writeFileSync(join(lib.photos, 'x.jpg'), await makeJpeg());
    writeFileSync(join(lib.photos, 'y.jpg'), await makeJpeg({ colour: '#ffffff' }));
    await scanAndIngest();
    const x = photoAt('x.jpg');
    // Gone between the scan and the ingest: the ingest finds it missing.
    const outcome = await ingestPhoto({ db: lib.db, dataRoot: lib.dataRoot, log: lib.log }, x.id);
    expect(outcome.status).toBe('ok');
    renameSync(join(lib.photos, 'x.jpg'), join(lib.root, 'elsewhere.jpg'));
    truncateSync(join(lib.photos, 'y.jpg'), 0);
    const report = await scanAndIngest();
    expect(report).toMatchObject({ missing: 1, changed: 1 });
    expect(getPhoto(lib.db, x.id)).toMatchObject({ status: 'missing' });
    expect(photoAt('y.jpg')).toMatchObject({
      status: 'broken',
      error: 'The file is empty (0 bytes).',
    });
    expect(findContentByHash(lib.db, contentOf('y.jpg').hash)).toBeDefined();
    expect(readFileSync(join(lib.root, 'elsewhere.jpg')).length).toBeGreaterThan(0);
  });

  it('leaves a photo pending, not missing, when its whole folder went away', async () => {
    writeFileSync(join(lib.photos, 'p.jpg'), await makeJpeg());
    await scanFolder({ db: lib.db, log: lib.log, enqueueIngest: () => undefined }, lib.folder.id);
    const pending = photoAt('p.jpg');
    renameSync(lib.photos, join(lib.root, 'unplugged'));
    const outcome = await ingestPhoto(
      { db: lib.db, dataRoot: lib.dataRoot, log: lib.log },
      pending.id,
    );
    expect(outcome.status).toBe('skipped');
    expect(getPhoto(lib.db, pending.id)?.status).toBe('pending');
    expect(lib.db.prepare('SELECT status FROM folders').pluck().get()).toBe('offline');
  });

  it('skips a FIFO at a queued path with the reason instead of waiting for a writer', async () => {
    const path = join(lib.photos, 'p.jpg');
    writeFileSync(path, await makeJpeg());
    await scanFolder({ db: lib.db, log: lib.log, enqueueIngest: () => undefined }, lib.folder.id);
    const queued = photoAt('p.jpg');
    // Replaced by a pipe while the job waited in the queue (issue 12): a blocking open would
    // wait for a writer for ever; the test's timeout turns that hang into a failure.
    rmSync(path);
    makeFifo(path);
    try {
      const outcome = await ingestPhoto(
        { db: lib.db, dataRoot: lib.dataRoot, log: lib.log },
        queued.id,
      );
      const reason = 'Not a regular file: this is a named pipe (FIFO), which Tujian does not read.';
      expect(outcome).toEqual({ status: 'skipped', photoId: queued.id, reason });
      expect(getPhoto(lib.db, queued.id)).toMatchObject({ status: 'skipped', error: reason });
    } finally {
      unblockFifo(path);
    }
  }, 10_000);

  it('does not read a photo that the scan marked missing after it was queued', async () => {
    const path = join(lib.photos, 'p.jpg');
    writeFileSync(path, await makeJpeg());
    await scanFolder({ db: lib.db, log: lib.log, enqueueIngest: () => undefined }, lib.folder.id);
    const queued = photoAt('p.jpg');
    rmSync(path);
    const rescan = await scanFolder(
      { db: lib.db, log: lib.log, enqueueIngest: () => undefined },
      lib.folder.id,
    );
    expect(rescan.missing).toBe(1);
    // Something is at the path again, but the catalog has not seen it: the job must not read
    // it (a pipe put there would hang the ingest); the next scan queues it anew.
    makeFifo(path);
    try {
      const outcome = await ingestPhoto(
        { db: lib.db, dataRoot: lib.dataRoot, log: lib.log },
        queued.id,
      );
      expect(outcome).toMatchObject({ status: 'missing', photoId: queued.id });
      expect(getPhoto(lib.db, queued.id)?.status).toBe('missing');
    } finally {
      unblockFifo(path);
    }
  }, 10_000);
});
