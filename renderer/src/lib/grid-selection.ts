// Pure selection and keyboard-focus logic of the photo grid (file-manager conventions):
// click selects one, Ctrl/Cmd toggles, Shift extends a range from the anchor; arrows move
// by one cell or one row, Home/End jump, PageUp/PageDown move by a screen of rows.

export interface GridSelection {
  readonly selected: ReadonlySet<number>;
  /** The index a Shift range starts from. */
  readonly anchor: number | null;
  readonly focus: number | null;
}

export const emptySelection: GridSelection = { selected: new Set(), anchor: null, focus: null };

export interface ClickModifiers {
  readonly toggle: boolean;
  readonly range: boolean;
}

/** `ids[i]` is the photo id at index i (undefined when that page is not loaded yet). */
export function clickSelect(
  state: GridSelection,
  index: number,
  ids: readonly (number | undefined)[],
  mods: ClickModifiers,
): GridSelection {
  const id = ids[index];
  if (id === undefined) return state;
  if (mods.range && state.anchor !== null) {
    const [from, to] = state.anchor < index ? [state.anchor, index] : [index, state.anchor];
    const next = new Set(mods.toggle ? state.selected : []);
    for (let i = from; i <= to; i++) {
      const other = ids[i];
      if (other !== undefined) next.add(other);
    }
    return { selected: next, anchor: state.anchor, focus: index };
  }
  if (mods.toggle) {
    const next = new Set(state.selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return { selected: next, anchor: index, focus: index };
  }
  return { selected: new Set([id]), anchor: index, focus: index };
}

export type NavKey =
  'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown' | 'Home' | 'End' | 'PageUp' | 'PageDown';

export function isNavKey(key: string): key is NavKey {
  return [
    'ArrowLeft',
    'ArrowRight',
    'ArrowUp',
    'ArrowDown',
    'Home',
    'End',
    'PageUp',
    'PageDown',
  ].includes(key);
}

/** Where the focus goes for a navigation key, clamped to the grid. */
export function moveFocus(
  focus: number | null,
  key: NavKey,
  columns: number,
  count: number,
  rowsPerPage: number,
): number | null {
  if (count === 0) return null;
  const cols = Math.max(1, columns);
  if (focus === null) return key === 'End' ? count - 1 : 0;
  const delta: Record<NavKey, number> = {
    ArrowLeft: -1,
    ArrowRight: 1,
    ArrowUp: -cols,
    ArrowDown: cols,
    Home: -focus,
    End: count - 1 - focus,
    PageUp: -cols * Math.max(1, rowsPerPage),
    PageDown: cols * Math.max(1, rowsPerPage),
  };
  const next = focus + delta[key];
  if (key === 'ArrowUp' || key === 'ArrowDown' || key === 'PageUp' || key === 'PageDown') {
    // Moving by rows keeps the column; beyond the ends it stops at the first/last photo.
    if (next < 0) return key === 'PageUp' ? focus % cols : focus;
    if (next >= count) return key === 'PageDown' ? count - 1 : focus;
  }
  return Math.min(count - 1, Math.max(0, next));
}

/** Keyboard move: plain keys move and select one; Shift extends from the anchor. */
export function keySelect(
  state: GridSelection,
  next: number,
  ids: readonly (number | undefined)[],
  extend: boolean,
): GridSelection {
  if (extend) {
    const anchor = state.anchor ?? state.focus ?? next;
    return {
      ...clickSelect({ ...state, anchor }, next, ids, { toggle: false, range: true }),
      anchor,
    };
  }
  return clickSelect(state, next, ids, { toggle: false, range: false });
}

/** How many columns of cells of `cell` px (with `gap`) fit in `width` px. */
export function columnsFor(width: number, cell: number, gap: number): number {
  return Math.max(1, Math.floor((width + gap) / (cell + gap)));
}
