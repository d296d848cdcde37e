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
  type RegionBox,
} from '../catalog/imported-face-regions.ts';
import { applyImportedFaceRegions, syncPersonTags } from '../catalog/people.ts';
import type { FileKeywords, XmpFaceRegion } from './xmp-sidecars.ts';

/** The photo facts a region is read against (contents row: displayed size, EXIF orientation). */
export type PhotoShape = ContentShape;

/** Names longer than this are not names (a caption pasted into the field). */
const maxRegionName = 100;
/** Regions read per photo at most (a group photo has dozens; a damaged file may claim more). */
const maxRegionsPerPhoto = 100;

function swapsSides(orientation: number | null): boolean {
  return orientation !== null && orientation >= 5 && orientation <= 8;
}

/**
 * A box of the stored image (top-left based, normalised) as a box of the photo shown with
 * EXIF orientation `orientation` applied (what sharp's `rotate()` without arguments does).
 */
export function orientBox(box: RegionBox, orientation: number | null): RegionBox {
  const { x, y, w, h } = box;
  switch (orientation) {
    case 2: // mirrored left to right
      return { x: 1 - x - w, y, w, h };
    case 3: // turned 180°
      return { x: 1 - x - w, y: 1 - y - h, w, h };
    case 4: // mirrored top to bottom
      return { x, y: 1 - y - h, w, h };
    case 5: // transposed
      return { x: y, y: x, w: h, h: w };
    case 6: // turned 90° clockwise to show
      return { x: 1 - y - h, y: x, w: h, h: w };
    case 7: // transversed
      return { x: 1 - y - h, y: 1 - x - w, w: h, h: w };
    case 8: // turned 90° anticlockwise to show
      return { x: y, y: 1 - x - w, w: h, h: w };
    case null:
    default: // 1, or a value outside the EXIF range: shown as stored
      return box;
  }
}

/** A box of the oriented photo as a box of the stored image (what MWG regions describe). */
export function unorientBox(box: RegionBox, orientation: number | null): RegionBox {
  // Every orientation undoes itself except the two quarter turns, which undo each other.
  return orientBox(box, orientation === 6 ? 8 : orientation === 8 ? 6 : orientation);
}

/** The stored image's size (AppliedToDimensions) from the oriented one. */
export function storedDimensions(
  photo: PhotoShape,
): { readonly W: number; readonly H: number; readonly Unit: 'pixel' } | undefined {
  if (!photo.width || !photo.height) return undefined;
  return swapsSides(photo.orientation)
    ? { W: photo.height, H: photo.width, Unit: 'pixel' }
    : { W: photo.width, H: photo.height, Unit: 'pixel' };
}

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
