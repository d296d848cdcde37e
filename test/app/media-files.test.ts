import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMediaFile, resolveMediaFile, resolveMediaPath } from '../../main/app/media-files.ts';
import { makeFifo, unblockFifo } from '../util/fifo-fixtures.ts';
import { previewPath, thumbnailPath } from '../../main/library/library-files.ts';

const root = resolve('/data/tujian');
const hash = 'a1'.repeat(32);

describe(resolveMediaPath.name, () => {
  it('maps kind and hash to the files the library writes', () => {
    expect(resolveMediaPath(root, `thumbnail/${hash}`)).toEqual({
      ok: true,
      kind: 'thumbnail',
      hash,
      file: thumbnailPath(root, hash),
    });
    expect(resolveMediaPath(root, `/preview/${hash}`)).toMatchObject({
      ok: true,
      file: previewPath(root, hash),
    });
  });

  it('refuses anything that is not <kind>/<64 hex>', () => {
    for (const path of [
      '../../etc/passwd',
      'thumbnail/../../../etc/passwd',
      'thumbnail/..%2F..%2Fetc%2Fpasswd',
      `thumbnail/${hash}/../x`,
      `thumbnail/${hash.toUpperCase()}`,
      `thumbnail/${hash.slice(1)}`,
      `thumbnail/${hash}%00`,
      `catalog/${hash}`,
      'thumbnail/%E0%A4%A',
      '',
    ]) {
      expect(resolveMediaPath(root, path).ok, path).toBe(false);
    }
  });
});

describe(resolveMediaFile.name, () => {
  it('refuses a layout that would leave the kind folder', () => {
    expect(resolveMediaFile(root, 'thumbnail', hash, () => '../catalog.sqlite')).toEqual({
      ok: false,
      reason: 'outside the data folder',
    });
    expect(resolveMediaFile(root, 'preview', hash, () => join('/', 'etc', 'passwd')).ok).toBe(
      false,
    );
  });
});

describe(readMediaFile.name, () => {
  it('serves a regular file and nothing for a missing file or a pipe planted in its place', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tujian-media-'));
    try {
      writeFileSync(join(dir, 'a.webp'), 'RIFF');
      expect((await readMediaFile(join(dir, 'a.webp')))?.toString()).toBe('RIFF');
      expect(await readMediaFile(join(dir, 'gone.webp'))).toBeUndefined();
      // A real FIFO: a plain read would wait for a writer and hang the request.
      const fifo = makeFifo(join(dir, 'b.webp'));
      try {
        expect(await readMediaFile(fifo)).toBeUndefined();
      } finally {
        unblockFifo(fifo);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 10_000);
});
