// Shared helpers for the library tests: a real temporary catalog, data folder and photo
// folder, images generated with sharp, and a way to act as an unprivileged user.
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, crc32 } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';
import { openCatalog, type Catalog } from '../../main/catalog/catalog-connection.ts';
import { addFolder, type Folder } from '../../main/catalog/folders.ts';
import { expect } from 'vitest';
import { scanFolder, type ScanReport } from '../../main/library/folder-scanner.ts';
import { createIngestPool } from '../../main/library/ingest-pool.ts';
import { silentLog, type IngestDeps, type LibraryLog } from '../../main/library/library-deps.ts';

export interface TestLibrary {
  readonly root: string;
  readonly photos: string;
  readonly dataRoot: string;
  readonly db: Catalog;
  readonly folder: Folder;
  readonly log: LibraryLog & { readonly lines: string[] };
  cleanup(): void;
}

export function recordingLog(): LibraryLog & { readonly lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (message) => lines.push(`info ${message}`),
    warn: (message) => lines.push(`warn ${message}`),
  };
}

export function makeTestLibrary(): TestLibrary {
  const root = mkdtempSync(join(tmpdir(), 'tujian-library-'));
  // Traversable by the unprivileged user some tests switch to (see asUnprivileged).
  chmodSync(root, 0o755);
  const photos = join(root, 'photos');
  const dataRoot = join(root, 'data');
  const db = openCatalog(join(dataRoot, 'catalog.sqlite'));
  mkdirSync(photos, { mode: 0o755 });
  // Writable by the unprivileged user too: renditions are written while acting as it.
  chmodSync(dataRoot, 0o777);
  const folder = addFolder(db, photos);
  return {
    root,
    photos,
    dataRoot,
    db,
    folder,
    log: recordingLog(),
    cleanup() {
      db.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export { silentLog };

export interface JpegOptions {
  readonly width?: number;
  readonly height?: number;
  readonly colour?: string;
  readonly orientation?: number;
  readonly exif?: Record<string, Record<string, string>>;
  readonly quality?: number;
}

export async function makeJpeg(options: JpegOptions = {}): Promise<Buffer> {
  let image = sharp({
    create: {
      width: options.width ?? 64,
      height: options.height ?? 48,
      channels: 3,
      background: options.colour ?? '#3366aa',
    },
  }).jpeg({ quality: options.quality ?? 85 });
  if (options.exif) image = image.withExif(options.exif);
  if (options.orientation) image = image.withMetadata({ orientation: options.orientation });
  return image.toBuffer();
}

/** An image whose left half is red and right half blue (to check orientation). */
export async function makeHalves(width: number, height: number): Promise<Sharp> {
  const half = Math.floor(width / 2);
  const blue = await sharp({
    create: { width: width - half, height, channels: 3, background: '#0000ff' },
  })
    .png()
    .toBuffer();
  return sharp({ create: { width, height, channels: 3, background: '#ff0000' } }).composite([
    { input: blue, left: half, top: 0 },
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/**
 * A real decompression bomb: a valid 1-bit PNG of `side`×`side` black pixels whose file is a
 * few kilobytes (all-zero rows deflate ~1000:1) but which decodes to side² pixels.
 */
export function makePngBomb(side: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  const rowBytes = 1 + Math.ceil(side / 8);
  const idat = deflateSync(Buffer.alloc(rowBytes * side), { level: 9 });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', idat),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The uid/gid tests switch to so that file permissions apply even when tests run as root. */
export const unprivileged = { uid: 65534, gid: 65534 };

/**
 * Runs `fn` with file permissions enforced. Root ignores permission bits, so when the tests
 * run as root (CI containers) the effective uid is switched to `nobody` for the call (the real
 * uid stays root, so it can switch back). Files the function must read are made world-readable
 * by the caller.
 */
export async function asUnprivileged<T>(fn: () => Promise<T>): Promise<T> {
  if (process.getuid?.() !== 0 || !process.seteuid || !process.setegid) return fn();
  process.setegid(unprivileged.gid);
  process.seteuid(unprivileged.uid);
  try {
    return await fn();
  } finally {
    process.seteuid(0);
    process.setegid(0);
  }
}

/**
 * Scans a folder and ingests what the scan queued, in process (main/library/ingest-pool.ts),
 * and checks no catalog or data-folder error stopped ingest: the one way the tests put photos
 * in a catalog without the job queue. `deps` overrides ingest collaborators (renditions, the
 * new-content hook).
 */
export async function ingestFolder(
  lib: { readonly db: Catalog; readonly dataRoot: string; readonly log: LibraryLog },
  folderId: number,
  deps: Partial<Pick<IngestDeps, 'renditions' | 'onNewContent'>> = {},
): Promise<ScanReport> {
  const pool = createIngestPool({ db: lib.db, dataRoot: lib.dataRoot, log: lib.log, ...deps });
  const report = await scanFolder(
    {
      db: lib.db,
      log: lib.log,
      enqueueIngest: (id) => {
        pool.enqueue(id);
      },
    },
    folderId,
  );
  await pool.drain();
  expect(pool.failures).toEqual([]);
  return report;
}
