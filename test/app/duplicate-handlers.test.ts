// The duplicates channels on a real library of ingested photos, through the API dispatcher (so
// the contract's zod input is checked as the hosts check it): the groups, "Not duplicates"
// remembered, and "Keep this one", which moves nothing without `confirmed: true`, nothing when
// one photo is not a duplicate of the one kept or the kept file is gone, and otherwise moves
// the files to the folder's .tujian-trash (or the OS trash port) without deleting any.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatchApiCall } from '../../main/app/api-dispatch.ts';
import { createDuplicateHandlers } from '../../main/app/duplicate-handlers.ts';
import { findPhotoByPath, getPhoto } from '../../main/catalog/photos.ts';
import type { ApiHandlers } from '../../preload/api-contract.ts';
import { ingestFolder, makeTestLibrary, type TestLibrary } from '../library/library-fixtures.ts';

let lib: TestLibrary;
let changes: number;
beforeEach(() => {
  lib = makeTestLibrary();
  changes = 0;
});
afterEach(() => {
  lib.cleanup();
});

async function picture(seed: number): Promise<Buffer> {
  const small = Buffer.alloc(6 * 4 * 3);
  for (let i = 0; i < small.length; i++)
    small[i] = (seed * 131 + i * 71 + ((i * i) % 17) * 13) % 256;
  return sharp(small, { raw: { width: 6, height: 4, channels: 3 } })
    .resize(1200, 800, { kernel: 'cubic' })
    .jpeg({ quality: 92 })
    .toBuffer();
}

function idOf(relPath: string): number {
  const id = findPhotoByPath(lib.db, lib.folder.id, relPath)?.id;
  if (id === undefined) throw new Error(`no ${relPath}`);
  return id;
}

/** A library with a photo, a smaller re-encoded copy, a byte copy and an unrelated photo. */
async function libraryWithDuplicates() {
  const original = await picture(5);
  writeFileSync(join(lib.photos, 'original.jpg'), original);
  writeFileSync(
    join(lib.photos, 'smaller.jpg'),
    await sharp(original).resize({ width: 600 }).jpeg({ quality: 60 }).toBuffer(),
  );
  writeFileSync(join(lib.photos, 'same-bytes.jpg'), original);
  writeFileSync(join(lib.photos, 'other.jpg'), await picture(9));
  await ingestFolder(lib, lib.folder.id);
}

function handlers(trashItem?: (path: string) => Promise<void>) {
  return createDuplicateHandlers(lib.db, {
    now: () => 1000,
    changed: () => {
      changes++;
    },
    ...(trashItem ? { trashItem } : {}),
  }) as unknown as ApiHandlers;
}

describe(createDuplicateHandlers.name, () => {
  it('lists the group with the largest photo first, and remembers "Not duplicates"', async () => {
    await libraryWithDuplicates();
    const api = handlers();
    const listed = await dispatchApiCall(api, 'duplicates.list', {});
    if (!listed.ok) throw new Error(listed.error.message);
    expect(listed.value.pending).toBe(0);
    expect(listed.value.groups).toHaveLength(1);
    const photos = listed.value.groups[0]?.photos ?? [];
    expect(photos.map((p) => p.relPath).sort()).toEqual([
      'original.jpg',
      'same-bytes.jpg',
      'smaller.jpg',
    ]);
    expect(photos[2]).toMatchObject({ relPath: 'smaller.jpg', width: 600, height: 400 });
    expect(photos[0]?.absolutePath).toBe(join(lib.photos, photos[0]?.relPath ?? ''));

    const dismissed = await dispatchApiCall(api, 'duplicates.dismiss', {
      photoIds: photos.map((p) => p.photoId),
    });
    expect(dismissed.ok).toBe(true);
    const after = await dispatchApiCall(api, 'duplicates.list', {});
    expect(after.ok && after.value.groups).toEqual([]);
  });

  it('moves nothing without the confirmation, or when a photo is not a duplicate of the one kept', async () => {
    await libraryWithDuplicates();
    const api = handlers();
    const keep = idOf('original.jpg');
    const unconfirmed = await dispatchApiCall(api, 'duplicates.trash', {
      keepPhotoId: keep,
      photoIds: [idOf('smaller.jpg')],
    });
    expect(unconfirmed).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    const falseConfirm = await dispatchApiCall(api, 'duplicates.trash', {
      keepPhotoId: keep,
      photoIds: [idOf('smaller.jpg')],
      confirmed: false,
    });
    expect(falseConfirm.ok).toBe(false);
    const notDuplicate = await dispatchApiCall(api, 'duplicates.trash', {
      keepPhotoId: keep,
      photoIds: [idOf('smaller.jpg'), idOf('other.jpg')],
      confirmed: true,
    });
    expect(notDuplicate).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    for (const name of ['original.jpg', 'smaller.jpg', 'same-bytes.jpg', 'other.jpg']) {
      expect(existsSync(join(lib.photos, name)), name).toBe(true);
    }
    expect(existsSync(join(lib.photos, '.tujian-trash'))).toBe(false);
    expect(changes).toBe(0);
  });

  it('refuses when the kept file is gone, so the last copy is never moved', async () => {
    await libraryWithDuplicates();
    rmSync(join(lib.photos, 'original.jpg'));
    const result = await dispatchApiCall(handlers(), 'duplicates.trash', {
      keepPhotoId: idOf('original.jpg'),
      photoIds: [idOf('smaller.jpg'), idOf('same-bytes.jpg')],
      confirmed: true,
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(existsSync(join(lib.photos, 'smaller.jpg'))).toBe(true);
    expect(existsSync(join(lib.photos, 'same-bytes.jpg'))).toBe(true);
  });

  it('confirmed: moves the others into .tujian-trash with their bytes, never deleting', async () => {
    await libraryWithDuplicates();
    const smallerBytes = readFileSync(join(lib.photos, 'smaller.jpg'));
    const result = await dispatchApiCall(handlers(), 'duplicates.trash', {
      keepPhotoId: idOf('original.jpg'),
      photoIds: [idOf('smaller.jpg'), idOf('same-bytes.jpg')],
      confirmed: true,
    });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.failed).toEqual([]);
    expect(result.value.moved.map((m) => basename(m.to)).sort()).toEqual([
      'same-bytes.jpg',
      'smaller.jpg',
    ]);
    expect(existsSync(join(lib.photos, 'smaller.jpg'))).toBe(false);
    expect(readFileSync(join(lib.photos, '.tujian-trash', 'smaller.jpg'))).toEqual(smallerBytes);
    expect(existsSync(join(lib.photos, 'original.jpg'))).toBe(true);
    expect(getPhoto(lib.db, idOf('smaller.jpg'))?.status).toBe('missing');
    expect(getPhoto(lib.db, idOf('original.jpg'))?.status).toBe('ok');
    expect(changes).toBe(1);
    const listed = await dispatchApiCall(handlers(), 'duplicates.list', {});
    expect(listed.ok && listed.value.groups).toEqual([]);
  });

  it('uses the OS trash when the host has one, and the folder trash when it refuses', async () => {
    await libraryWithDuplicates();
    // The OS trash cannot be used here (no desktop session): a stand-in that moves the file to
    // a folder of its own plays it, refusing one file as a trash on a network share would.
    const osTrash = join(lib.root, 'os-trash');
    const trashed: string[] = [];
    const trashItem = async (path: string) => {
      if (path.endsWith('same-bytes.jpg')) throw new Error('no trash on this volume');
      await mkdir(osTrash, { recursive: true });
      await rename(path, join(osTrash, basename(path)));
      trashed.push(path);
    };
    const result = await dispatchApiCall(handlers(trashItem), 'duplicates.trash', {
      keepPhotoId: idOf('original.jpg'),
      photoIds: [idOf('smaller.jpg'), idOf('same-bytes.jpg')],
      confirmed: true,
    });
    if (!result.ok) throw new Error(result.error.message);
    expect(trashed).toEqual([join(lib.photos, 'smaller.jpg')]);
    expect(existsSync(join(osTrash, 'smaller.jpg'))).toBe(true);
    expect(existsSync(join(lib.photos, '.tujian-trash', 'same-bytes.jpg'))).toBe(true);
  });
});
