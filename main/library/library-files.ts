// Which files the library looks at, and where their thumbnails and previews live.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { dataPaths } from '../util/data-dir.ts';

/** Extensions ingested (sharp reads them; BMP through main/imaging/bmp-decode.ts). */
export const supportedExtensions: ReadonlySet<string> = new Set([
  '.jpg',
  '.jpeg',
  '.jpe',
  '.jfif',
  '.png',
  '.webp',
  '.gif',
  '.tif',
  '.tiff',
  '.avif',
  '.bmp',
  '.dib',
]);

const heicReason =
  'HEIC is not supported: the libvips bundled with sharp decodes AVIF only and has no HEVC (HEIC) ' +
  'decoder. Convert the photo to JPEG or AVIF to index it.';

const rawExtensions = [
  'cr2',
  'cr3',
  'crw',
  'nef',
  'nrw',
  'arw',
  'srf',
  'sr2',
  'dng',
  'orf',
  'rw2',
  'raf',
  'pef',
  'srw',
  'x3f',
  'erf',
  'kdc',
  'mrw',
  '3fr',
  'iiq',
  'rwl',
];

/** Image files seen and listed as `skipped`, with the reason shown to the user. */
export const unsupportedExtensions: ReadonlyMap<string, string> = new Map([
  ['.heic', heicReason],
  ['.heif', heicReason],
  ['.hif', heicReason],
  ...rawExtensions.map(
    (ext) =>
      [
        `.${ext}`,
        `RAW (${ext.toUpperCase()}) is not supported: sharp/libvips in this build has no RAW decoder. ` +
          'Export a JPEG or TIFF to index it.',
      ] as const,
  ),
]);

export type FileKind =
  { kind: 'image' } | { kind: 'unsupported'; reason: string } | { kind: 'other' };

export function classifyFile(name: string): FileKind {
  const ext = extname(name).toLowerCase();
  if (supportedExtensions.has(ext)) return { kind: 'image' };
  const reason = unsupportedExtensions.get(ext);
  return reason ? { kind: 'unsupported', reason } : { kind: 'other' };
}

/** Hidden files and folders, and NAS/OS housekeeping folders, are not part of the library. */
export function isIgnoredName(name: string): boolean {
  return (
    name.startsWith('.') ||
    name === '@eaDir' ||
    name === '#recycle' ||
    name === '$RECYCLE.BIN' ||
    name === 'System Volume Information'
  );
}

export function thumbnailPath(dataRoot: string, hash: string): string {
  return join(dataPaths(dataRoot).thumbnails, hash.slice(0, 2), `${hash}.webp`);
}

export function previewPath(dataRoot: string, hash: string): string {
  return join(dataPaths(dataRoot).previews, hash.slice(0, 2), `${hash}.webp`);
}

/** Writes through a temporary file and a rename, so a reader never sees half a file. */
export async function writeAtomically(path: string, data: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${String(process.pid)}-${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await writeFile(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Relative paths are stored with `/` on every OS. */
export function toRelPath(parts: readonly string[]): string {
  return parts.join('/');
}

export function absolutePathOf(folderPath: string, relPath: string): string {
  return join(folderPath, ...relPath.split('/'));
}
