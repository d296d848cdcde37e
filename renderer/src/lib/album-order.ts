// Moving selected photos one step in a manual album's order (the selection bar's "Move
// earlier" / "Move later"): which photo they go before, from the photos loaded so far.

/** The manual album on screen, with its photo ids in order as far as they are loaded. */
export interface AlbumOrder {
  readonly albumId: number;
  readonly ids: readonly number[];
  readonly total: number;
}

/** Where "move earlier/later" puts the selected photos, or undefined when they cannot move. */
export function moveTarget(
  order: AlbumOrder,
  selected: readonly number[],
  direction: 'earlier' | 'later',
): { beforePhotoId: number | null } | undefined {
  const at = selected.map((id) => order.ids.indexOf(id)).filter((i) => i >= 0);
  if (at.length === 0) return undefined;
  if (direction === 'earlier') {
    const first = Math.min(...at);
    const before = order.ids[first - 1];
    return before === undefined ? undefined : { beforePhotoId: before };
  }
  const last = Math.max(...at);
  if (last + 1 >= order.total) return undefined;
  if (last + 2 >= order.total) return { beforePhotoId: null };
  const before = order.ids[last + 2];
  // Past the loaded photos: not known yet which photo follows.
  return before === undefined ? undefined : { beforePhotoId: before };
}
