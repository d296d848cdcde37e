// Boxes and EXIF orientation: a box normalised to an image as stored (before its EXIF
// Orientation is applied) and the same box on the photo as shown (after), both ways. Faces and
// tag boxes are kept for the shown photo; MWG face regions describe the stored image
// ([Note: MWG regions and EXIF orientation] in main/library/mwg-face-regions.ts).

/** A box normalised to an image (0–1), top-left based. */
export interface NormalisedBox {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** Orientations 5–8 swap the image's width and height. */
export function swapsSides(orientation: number | null): boolean {
  return orientation !== null && orientation >= 5 && orientation <= 8;
}

/**
 * A box of the stored image (top-left based, normalised) as a box of the photo shown with
 * EXIF orientation `orientation` applied (what sharp's `rotate()` without arguments does).
 */
export function orientBox(box: NormalisedBox, orientation: number | null): NormalisedBox {
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
export function unorientBox(box: NormalisedBox, orientation: number | null): NormalisedBox {
  // Every orientation undoes itself except the two quarter turns, which undo each other.
  return orientBox(box, orientation === 6 ? 8 : orientation === 8 ? 6 : orientation);
}

/** The stored image's size (AppliedToDimensions) from the oriented one. */
export function storedDimensions(photo: {
  readonly width: number | null;
  readonly height: number | null;
  readonly orientation: number | null;
}): { readonly W: number; readonly H: number; readonly Unit: 'pixel' } | undefined {
  if (!photo.width || !photo.height) return undefined;
  return swapsSides(photo.orientation)
    ? { W: photo.height, H: photo.width, Unit: 'pixel' }
    : { W: photo.width, H: photo.height, Unit: 'pixel' };
}
