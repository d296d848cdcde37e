// Names other tools gave to faces, read on first ingest: digiKam, Lightroom and Picasa write
// named face regions in the MWG regions schema (`mwg-rs:RegionInfo`: a list of regions, each
// with a Type, a Name and an Area whose X/Y are the centre and W/H the size, normalised, plus
// the AppliedToDimensions of the image they were drawn on), in the XMP sidecar or the photo's
// own XMP. This module turns them into boxes of the oriented photo and hands them to the
// catalog, which names the detected faces they cover ([Note: Imported face regions] in
// main/catalog/imported-face-regions.ts).
//
// [Note: MWG regions and EXIF orientation]
// The MWG guidelines define a region on the image as stored, before the EXIF orientation is
// applied; digiKam (KDE bugs 372340, 395243) and Lightroom write them so, and readers that
// ignore the orientation put the boxes of portrait photos in the wrong place (pigallery2
// issues 515 and 979, Damselfly 352). Our faces are boxes of the oriented photo, so a region
// is turned by the orientation, except where the writer visibly drew on the oriented image
// already (older digiKam did): orientation 5–8 swaps width and height, and when
// AppliedToDimensions has the oriented photo's shape rather than the stored one, the region is
// taken as it is. For orientations 2–4 (no swap) the two readings cannot be told apart and
// the guidelines' reading is used.
import { z } from 'zod';
import type { Catalog } from '../catalog/catalog-connection.ts';
import {
  getContentShape,
  saveImportedFaceRegions,
  type ContentShape,
  type ImportedFaceRegion,
} from '../catalog/imported-face-regions.ts';
import { applyImportedFaceRegions, syncPersonTags } from '../catalog/people.ts';
import { getFolder } from '../catalog/folders.ts';
import { getPhoto, listIngestedPhotoIds } from '../catalog/photos.ts';
import { absolutePathOf } from './library-files.ts';
import { orientBox, swapsSides } from '../imaging/oriented-boxes.ts';
import {
  readXmpSources,
  type FileKeywords,
  type XmpFaceRegion,
  type XmpTool,
} from './xmp-sidecars.ts';

/** The photo facts a region is read against (contents row: displayed size, EXIF orientation). */
export type PhotoShape = ContentShape;

/** Names longer than this are not names (a caption pasted into the field). */
const maxRegionName = 100;
/** Regions read per photo at most (a group photo has dozens; a damaged file may claim more). */
const maxRegionsPerPhoto = 100;

const Dimensions = z.object({ W: z.coerce.number().positive(), H: z.coerce.number().positive() });

/** Whether the regions were drawn on the stored image ([Note: MWG regions and EXIF orientation]). */
export function regionsNeedOrienting(photo: PhotoShape, appliedToDimensions: unknown): boolean {
  if (!swapsSides(photo.orientation)) return true;
  const applied = Dimensions.safeParse(appliedToDimensions);
  if (!applied.success || !photo.width || !photo.height) return true;
  const aspect = applied.data.W / applied.data.H;
  const shownAspect = photo.width / photo.height;
  const near = (a: number, b: number) => Math.abs(a / b - 1) < 0.01;
  // A square photo looks the same both ways: the guidelines' reading.
  return !(near(aspect, shownAspect) && !near(aspect, 1 / shownAspect));
}

const FaceRegionRaw = z
  .object({
    Type: z.coerce.string().optional(),
    Area: z.object({ Unit: z.coerce.string().optional() }).loose().optional(),
  })
  .loose();

function clamp01(v: number): number {
  return Math.min(1, Math.max(0, v));
}

/**
 * The named face regions of one file, as boxes of the oriented photo. Left out: Tujian's own
 * regions (written by keywordsForContent, marked `Description: Tujian`: importing them would
 * feed our names back to us), regions of other types (pets, focus, barcodes), unnamed
 * regions, areas not in normalised units, and empty or absurd boxes.
 */
export function importableFaceRegions(
  found: Pick<FileKeywords, 'regions' | 'regionDimensions'>,
  photo: PhotoShape,
): ImportedFaceRegion[] {
  const orient = regionsNeedOrienting(photo, found.regionDimensions);
  return (found.regions ?? [])
    .filter((r: XmpFaceRegion) => {
      if (r.ours) return false;
      const raw = FaceRegionRaw.safeParse(r.raw ?? {});
      if (!raw.success) return false;
      const type = raw.data.Type ?? 'Face';
      const unit = raw.data.Area?.Unit ?? 'normalized';
      return type === 'Face' && unit === 'normalized';
    })
    .flatMap((r): ImportedFaceRegion[] => {
      const name = r.name.trim();
      if (name === '' || name.length > maxRegionName) return [];
      if (![r.x, r.y, r.w, r.h].every(Number.isFinite) || r.w <= 0 || r.h <= 0) return [];
      // Centre-based to top-left, cut to the image.
      const x1 = clamp01(r.x - r.w / 2);
      const y1 = clamp01(r.y - r.h / 2);
      const x2 = clamp01(r.x + r.w / 2);
      const y2 = clamp01(r.y + r.h / 2);
      if (x2 - x1 <= 0 || y2 - y1 <= 0) return [];
      const stored = { x: x1, y: y1, w: x2 - x1, h: y2 - y1 };
      const box = orient ? orientBox(stored, photo.orientation) : stored;
      return [{ name, ...box }];
    })
    .slice(0, maxRegionsPerPhoto);
}

/**
 * Stores the face regions found in a newly ingested content's files and names the faces it
 * already has (normally none yet: the engine finds them later and `replaceContentFaces`
 * matches the regions then). Returns how many regions were stored.
 */
export function importFaceRegions(
  db: Catalog,
  contentId: number,
  found: readonly Pick<FileKeywords, 'regions' | 'regionDimensions'>[],
  now: number = Date.now(),
): number {
  const photo = getContentShape(db, contentId);
  if (!photo) return 0;
  const regions = found.flatMap((f) => importableFaceRegions(f, photo));
  if (regions.length === 0) return 0;
  return db.transaction(() => {
    const stored = saveImportedFaceRegions(db, contentId, regions, now);
    if (applyImportedFaceRegions(db, contentId, now) > 0) syncPersonTags(db, [contentId], now);
    return stored;
  })();
}

export interface LibraryRegionImport {
  /** Photos looked at (their file and sidecars, those that are there). */
  readonly photos: number;
  /** Photos left out: missing, or in a folder that is offline. */
  readonly unreachable: number;
  /** Regions stored that were not stored before. */
  readonly regions: number;
}

/**
 * Reads the face regions of every photo already in the catalog (`tujian people
 * import-regions`): photos ingested before names were read on ingest, or before another tool
 * named their faces. A region stored before is not stored twice, so running it again only
 * adds what is new.
 */
export async function importLibraryFaceRegions(
  db: Catalog,
  tool: XmpTool,
  now: () => number = Date.now,
): Promise<LibraryRegionImport> {
  let photos = 0;
  let unreachable = 0;
  let regions = 0;
  for (const photoId of listIngestedPhotoIds(db)) {
    const photo = getPhoto(db, photoId);
    const folder = photo ? getFolder(db, photo.folderId) : undefined;
    if (!photo || photo.contentId === null || !folder) continue;
    if (photo.status === 'missing' || folder.status === 'offline') {
      unreachable++;
      continue;
    }
    const found = await readXmpSources(tool, absolutePathOf(folder.path, photo.relPath));
    photos++;
    regions += importFaceRegions(db, photo.contentId, found, now());
  }
  return { photos, unreachable, regions };
}
