import { describe, expect, it } from 'vitest';
import { moveTarget } from '../../renderer/src/lib/album-order.ts';

describe(moveTarget.name, () => {
  const order = { albumId: 1, ids: [10, 11, 12, 13], total: 4 };

  it('moves one step: earlier goes before the photo in front, later before the one after next', () => {
    expect(moveTarget(order, [12], 'earlier')).toEqual({ beforePhotoId: 11 });
    expect(moveTarget(order, [11], 'later')).toEqual({ beforePhotoId: 13 });
    // Second to last moves to the end.
    expect(moveTarget(order, [12], 'later')).toEqual({ beforePhotoId: null });
    // Several photos move as a block from their outermost one.
    expect(moveTarget(order, [13, 11], 'earlier')).toEqual({ beforePhotoId: 10 });
  });

  it('cannot move past either end, nor photos that are not in the album', () => {
    expect(moveTarget(order, [10], 'earlier')).toBeUndefined();
    expect(moveTarget(order, [13], 'later')).toBeUndefined();
    expect(moveTarget(order, [99], 'later')).toBeUndefined();
  });

  it('waits for the next page rather than guess which photo follows the loaded ones', () => {
    const partial = { albumId: 1, ids: [10, 11, 12], total: 900 };
    expect(moveTarget(partial, [11], 'later')).toBeUndefined();
    expect(moveTarget(partial, [10], 'later')).toEqual({ beforePhotoId: 12 });
  });
});
