import { describe, expect, it } from 'vitest';
import {
  clickSelect,
  columnsFor,
  emptySelection,
  keySelect,
  moveFocus,
} from '../../renderer/src/lib/grid-selection.ts';

const ids = [10, 11, 12, 13, 14, 15, 16];

describe(clickSelect.name, () => {
  it('selects one, toggles with Ctrl/Cmd, extends with Shift', () => {
    let s = clickSelect(emptySelection, 1, ids, { toggle: false, range: false });
    expect([...s.selected]).toEqual([11]);
    s = clickSelect(s, 3, ids, { toggle: true, range: false });
    expect([...s.selected].sort()).toEqual([11, 13]);
    s = clickSelect(s, 1, ids, { toggle: true, range: false });
    expect([...s.selected]).toEqual([13]);
    // The last plain or Ctrl click is the anchor (as in file managers).
    s = clickSelect(s, 5, ids, { toggle: false, range: true });
    expect([...s.selected].sort()).toEqual([11, 12, 13, 14, 15]);
    expect(s.anchor).toBe(1);
    s = clickSelect(s, 3, ids, { toggle: false, range: false });
    s = clickSelect(s, 5, ids, { toggle: false, range: true });
    expect([...s.selected].sort()).toEqual([13, 14, 15]);
    // Clicking a not-yet-loaded cell changes nothing.
    expect(clickSelect(s, 9, ids, { toggle: false, range: false })).toBe(s);
  });
});

describe(moveFocus.name, () => {
  it('moves by cells and rows, clamped, keeping the column', () => {
    expect(moveFocus(null, 'ArrowRight', 3, 7, 2)).toBe(0);
    expect(moveFocus(null, 'End', 3, 7, 2)).toBe(6);
    expect(moveFocus(4, 'ArrowDown', 3, 7, 2)).toBe(4);
    expect(moveFocus(1, 'ArrowDown', 3, 7, 2)).toBe(4);
    expect(moveFocus(1, 'ArrowUp', 3, 7, 2)).toBe(1);
    expect(moveFocus(6, 'ArrowRight', 3, 7, 2)).toBe(6);
    expect(moveFocus(0, 'ArrowLeft', 3, 7, 2)).toBe(0);
    expect(moveFocus(5, 'Home', 3, 7, 2)).toBe(0);
    expect(moveFocus(0, 'PageDown', 3, 7, 2)).toBe(6);
    expect(moveFocus(5, 'PageUp', 3, 7, 2)).toBe(2);
    expect(moveFocus(null, 'ArrowDown', 3, 0, 2)).toBeNull();
  });

  it('extends the selection with Shift+arrows from the anchor', () => {
    let s = keySelect(emptySelection, 2, ids, false);
    s = keySelect(s, 3, ids, true);
    s = keySelect(s, 4, ids, true);
    expect([...s.selected].sort()).toEqual([12, 13, 14]);
    s = keySelect(s, 1, ids, true);
    expect([...s.selected].sort()).toEqual([11, 12]);
  });

  it('fits as many columns as the width allows', () => {
    expect(columnsFor(800, 184, 8)).toBe(4);
    expect(columnsFor(100, 184, 8)).toBe(1);
  });
});
