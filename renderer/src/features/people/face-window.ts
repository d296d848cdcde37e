// Where a face crop looks in the photo: the face box with room around it, as CSS background
// size and position on a square element showing the content's thumbnail (FaceCrop in
// PeopleView.tsx).
//
// The window is square in the photo's pixels, so a face box that is not square (a tall or wide
// face, a box in a photo whose sides differ) is shown as it is, never stretched to fill the
// square. Near the photo's edge the square is moved inwards so it stays inside the photo; only
// a square larger than the photo's shorter side reaches outside, where the element's own
// background shows (letterboxed).

/** A box normalised to the oriented photo (0–1), top-left based. */
export interface NormalisedBox {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** Room around the face on each side, as a share of the box's longer side. */
export const faceCropMargin = 0.25;

/**
 * The normalised window shown for a face box in a photo of `aspect` (width / height; null:
 * unknown, taken as square).
 */
export function faceCropWindow(
  box: NormalisedBox,
  aspect: number | null,
  margin: number = faceCropMargin,
): NormalisedBox {
  const a = aspect !== null && aspect > 0 && Number.isFinite(aspect) ? aspect : 1;
  // In units of the photo's height: the photo is a × 1.
  const side = Math.max(box.w * a, box.h) * (1 + 2 * margin);
  const cx = (box.x + box.w / 2) * a;
  const cy = box.y + box.h / 2;
  const place = (centre: number, extent: number) =>
    side <= extent ? Math.min(Math.max(centre - side / 2, 0), extent - side) : (extent - side) / 2;
  const left = place(cx, a);
  const top = place(cy, 1);
  return { x: left / a, y: top, w: side / a, h: side };
}

/** The CSS background size and position that show `window` on a `size` px square element. */
export function faceCropStyle(
  window: NormalisedBox,
  size: number,
): { backgroundSize: string; backgroundPosition: string } {
  const imageW = size / window.w;
  const imageH = size / window.h;
  return {
    backgroundSize: `${String(imageW)}px ${String(imageH)}px`,
    backgroundPosition: `${String(-window.x * imageW)}px ${String(-window.y * imageH)}px`,
  };
}
