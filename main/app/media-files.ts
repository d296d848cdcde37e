// Resolves a thumbnail or preview request to a file in the data folder, for both the web
// host's image route and the Electron custom protocol. Path logic (no electron, no I/O) so the
// traversal tests run without either host, plus the one guarded read both hosts serve with.
//
// [Note: Media requests cannot leave the data folder]
// A request names only a kind and a content hash. The hash must be 64 lowercase hex
// characters, so it cannot carry `..`, separators, drive letters or percent escapes; the
// joined path is then checked to lie inside the kind's folder, so even a layout function
// that misbehaves cannot hand out another file.
import { stat } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { Catalog } from '../catalog/catalog-connection.ts';
import { OriginalOfflineError, requireOriginal } from '../library/offline-volumes.ts';
import { contentHashPattern, type MediaKind } from '../../preload/api-contract.ts';
import { dataPaths } from '../util/data-dir.ts';
import { readRegularFile } from '../util/regular-file.ts';

/** Where the library keeps a content's derived image, relative to the kind's folder. */
export type MediaLayout = (kind: MediaKind, hash: string) => string;

/** The library's layout: fan out by the first two hex digits, one WebP per content. */
export const defaultMediaLayout: MediaLayout = (_kind, hash) => `${hash.slice(0, 2)}/${hash}.webp`;

export type MediaRequest =
  | { readonly ok: true; readonly kind: MediaKind; readonly hash: string; readonly file: string }
  | { readonly ok: false; readonly reason: string };

export function parseMediaKind(value: string): MediaKind | null {
  if (value === 'thumbnail' || value === 'thumb') return 'thumbnail';
  if (value === 'preview') return 'preview';
  return null;
}

/** Maps (kind, hash) to an absolute file under the data folder, or refuses. */
export function resolveMediaFile(
  dataRoot: string,
  kindText: string,
  hash: string,
  layout: MediaLayout = defaultMediaLayout,
): MediaRequest {
  const kind = parseMediaKind(kindText);
  if (!kind) return { ok: false, reason: `unknown media kind ${JSON.stringify(kindText)}` };
  if (!contentHashPattern.test(hash)) return { ok: false, reason: 'not a content hash' };
  const paths = dataPaths(resolve(dataRoot));
  const base = kind === 'thumbnail' ? paths.thumbnails : paths.previews;
  const file = resolve(base, layout(kind, hash));
  const rel = relative(base, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) {
    return { ok: false, reason: 'outside the data folder' };
  }
  return { ok: true, kind, hash, file };
}

/**
 * Parses the path part of a media URL (`/thumbnail/<hash>` or `thumbnail/<hash>`), as used by
 * the web route `/media/<kind>/<hash>` and the protocol `tujian-media://<kind>/<hash>`.
 */
export function resolveMediaPath(
  dataRoot: string,
  urlPath: string,
  layout: MediaLayout = defaultMediaLayout,
): MediaRequest {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { ok: false, reason: 'bad escape' };
  }
  const parts = decoded.split('/').filter((p) => p !== '');
  if (parts.length !== 2) return { ok: false, reason: 'expected <kind>/<hash>' };
  const [kind = '', hash = ''] = parts;
  return resolveMediaFile(dataRoot, kind, hash, layout);
}

/**
 * The bytes of a resolved media file, or undefined when there is none to serve: not generated
 * yet, or not a regular file (a pipe planted there would hang the request and a pool thread:
 * [Note: Never open a non-regular file]), or a read that timed out. Thumbnails and previews
 * are small, so they are read whole.
 */
export async function readMediaFile(file: string): Promise<Buffer | undefined> {
  try {
    return await readRegularFile(file);
  } catch {
    return undefined;
  }
}

/** Image types by extension, for serving an original (only photo formats the library reads). */
const originalTypes: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.avif': 'image/avif',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.bmp': 'image/bmp',
};

export type OriginalRequest =
  | { readonly ok: true; readonly file: string; readonly size: number; readonly type: string }
  | { readonly ok: false; readonly status: 400 | 404 | 409; readonly reason: string };

/**
 * Resolves a request for a photo's original (`original/<photo id>` on the media route) to a
 * file: a photo id only, never a path, so a request can reach only the originals the catalog
 * lists ([Note: Media requests cannot leave the data folder] keeps the other kinds in the
 * data folder). An original out of reach (folder offline, file gone) is 409 with the reason.
 */
export async function resolveOriginalFile(db: Catalog, idText: string): Promise<OriginalRequest> {
  if (!/^[1-9][0-9]{0,15}$/.test(idText))
    return { ok: false, status: 400, reason: 'not a photo id' };
  let file: string;
  try {
    file = await requireOriginal(db, Number(idText));
  } catch (error) {
    if (error instanceof OriginalOfflineError) {
      return {
        ok: false,
        status: error.reason === 'unknown-photo' ? 404 : 409,
        reason: error.message,
      };
    }
    throw error;
  }
  // Regular files only ([Note: Never open a non-regular file]); requireOriginal checked, but
  // the stat here is the one the size header comes from.
  const stats = await stat(file);
  if (!stats.isFile()) return { ok: false, status: 409, reason: `${file} is not a file.` };
  const type = originalTypes[extname(file).toLowerCase()] ?? 'application/octet-stream';
  return { ok: true, file, size: stats.size, type };
}
