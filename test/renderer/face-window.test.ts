// Face crops in the People view (renderer/src/features/people/face-window.ts): the window shown
// in the square element must be square in the photo's pixels, whatever the box's shape and
// wherever it is, or the face is stretched.
import { describe, expect, it } from 'vitest';
import {
  faceCropStyle,
  faceCropWindow,
  type NormalisedBox,
} from '../../renderer/src/features/people/face-window.ts';

/**
 * What a `size` px square element with this style shows of a W × H px thumbnail: the source
 * rectangle in thumbnail pixels, read back from the CSS as the browser applies it.
 */
function shownSource(style: ReturnType<typeof faceCropStyle>, size: number, W: number, H: number) {
  const [sw, sh] = style.backgroundSize.split(' ').map((v) => Number.parseFloat(v));
  const [px, py] = style.backgroundPosition.split(' ').map((v) => Number.parseFloat(v));
  if (sw === undefined || sh === undefined || px === undefined || py === undefined) {
    throw new Error('bad style');
  }
  // The thumbnail is drawn sw × sh px at (px, py): a source pixel is sw / W element pixels wide.
  const left = (-px / sw) * W;
  const top = (-py / sh) * H;
  return { left, top, width: (size / sw) * W, height: (size / sh) * H };
}

describe(faceCropWindow.name, () => {
  const W = 320;
  const H = 213; // a 3:2 thumbnail
  const aspect = W / H;
  const cases: [string, NormalisedBox][] = [
    ['a tall box in the middle', { x: 0.4, y: 0.3, w: 0.1, h: 0.4 }],
    ['a wide box', { x: 0.2, y: 0.4, w: 0.5, h: 0.2 }],
    ['a box square in normalised units (not in pixels)', { x: 0.3, y: 0.3, w: 0.2, h: 0.2 }],
    ['a tall box at the left edge', { x: 0, y: 0.1, w: 0.08, h: 0.5 }],
    ['a box at the bottom right corner', { x: 0.85, y: 0.75, w: 0.15, h: 0.25 }],
    ['a box as tall as the photo', { x: 0.3, y: 0, w: 0.3, h: 1 }],
  ];
  for (const [what, box] of cases) {
    it(`shows ${what} undistorted, the whole box in view`, () => {
      const size = 120;
      const shown = shownSource(faceCropStyle(faceCropWindow(box, aspect), size), size, W, H);
      // Square in source pixels: the output's aspect is the face's own.
      expect(shown.width / shown.height).toBeCloseTo(1, 6);
      // The face box is inside what is shown.
      expect(shown.left).toBeLessThanOrEqual(box.x * W + 1e-6);
      expect(shown.top).toBeLessThanOrEqual(box.y * H + 1e-6);
      expect(shown.left + shown.width).toBeGreaterThanOrEqual((box.x + box.w) * W - 1e-6);
      expect(shown.top + shown.height).toBeGreaterThanOrEqual((box.y + box.h) * H - 1e-6);
      // Inside the photo unless the square is larger than the photo's shorter side.
      if (shown.width <= H) {
        expect(shown.left).toBeGreaterThanOrEqual(-1e-6);
        expect(shown.top).toBeGreaterThanOrEqual(-1e-6);
        expect(shown.left + shown.width).toBeLessThanOrEqual(W + 1e-6);
        expect(shown.top + shown.height).toBeLessThanOrEqual(H + 1e-6);
      }
    });
  }
});
