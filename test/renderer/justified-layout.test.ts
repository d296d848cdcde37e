// The justified grid's geometry (renderer/src/lib/justified-layout.ts).
import { describe, expect, it } from 'vitest';
import {
  estimatedAspect,
  justifiedLayout,
  monthSection,
  moveFocusInLayout,
  rowsInView,
  type JustifiedInput,
  type PhotoRow,
} from '../../renderer/src/lib/justified-layout.ts';

const base = { width: 1000, targetHeight: 200, gap: 8, padding: 16, headerHeight: 40 };

function layoutOf(aspects: readonly (number | null)[], sections?: readonly (string | null)[]) {
  const input: JustifiedInput = {
    ...base,
    count: aspects.length,
    aspectAt: (i) => aspects[i] ?? null,
    sectionAt: (i) => sections?.[i] ?? null,
  };
  return justifiedLayout(input);
}

const photoRows = (rows: readonly { kind: string }[]) =>
  rows.filter((r): r is PhotoRow => r.kind === 'photos');

/** Every row, the computed tail included. */
const allRows = (layout: ReturnType<typeof justifiedLayout>) =>
  Array.from({ length: layout.rowCount }, (_, r) => {
    const row = layout.rowAt(r);
    if (!row) throw new Error(`no row ${String(r)}`);
    return row;
  });

describe(justifiedLayout.name, () => {
  it('fills full rows to the width exactly, keeping every aspect ratio', () => {
    const aspects = [1.5, 0.75, 1, 1.5, 2, 1.33, 0.66, 1.5, 1, 1];
    const layout = layoutOf(aspects);
    const rows = photoRows(allRows(layout));
    expect(rows.map((r) => r.end - r.start).reduce((a, b) => a + b)).toBe(aspects.length);
    for (const row of rows.slice(0, -1)) {
      const used = row.widths.reduce((a, b) => a + b) + base.gap * (row.widths.length - 1);
      expect(used).toBeCloseTo(base.width - base.padding * 2, 6);
      row.widths.forEach((w, k) => {
        expect(w / row.height).toBeCloseTo(aspects[row.start + k] ?? 0, 6);
      });
      // Near the target height (a row closes once it would overflow at that height).
      expect(row.height).toBeLessThanOrEqual(base.targetHeight);
      expect(row.height).toBeGreaterThan(base.targetHeight * 0.5);
    }
    // The last row is not blown up to the width.
    expect(rows.at(-1)?.height).toBe(base.targetHeight);
  });

  it('labels each section over its first photo; short sections share a row, set apart', () => {
    const layout = layoutOf(
      [1.5, 1.5, 1.5, 1.5, 1.5],
      ['2024-05', '2024-05', '2024-04', '2024-04', '2024-04'],
    );
    // Photos of 300 px at the target height: a row of 968 px closes once it overflows (4).
    const [header, first, secondHeader, second] = allRows(layout);
    expect(header).toMatchObject({ kind: 'header', start: 0 });
    expect(first).toMatchObject({ kind: 'photos', start: 0, end: 4 });
    // April starts inside the first row: its label sits over photo 2, after a wider gap.
    if (header?.kind !== 'header' || first?.kind !== 'photos') throw new Error('shape');
    expect(header.labels.map((l) => l.section)).toEqual(['2024-05', '2024-04']);
    const april = header.labels[1];
    expect(april?.x).toBeCloseTo(first.lefts[2] ?? -1, 6);
    expect((first.lefts[2] ?? 0) - (first.lefts[1] ?? 0) - (first.widths[1] ?? 0)).toBeCloseTo(
      base.gap * 4,
      6,
    );
    expect((first.lefts[1] ?? 0) - (first.widths[0] ?? 0)).toBeCloseTo(base.gap, 6);
    // The May label may not run into April's.
    expect((header.labels[0]?.x ?? 0) + (header.labels[0]?.maxWidth ?? 0)).toBeLessThan(
      april?.x ?? 0,
    );
    // A row in which no section starts has no label band.
    expect(secondHeader).toMatchObject({ kind: 'photos', start: 4, end: 5 });
    expect(second).toBeUndefined();
    // Tops increase and nothing overlaps.
    for (let i = 1; i < allRows(layout).length; i++) {
      const prev = allRows(layout)[i - 1];
      expect(allRows(layout)[i]?.top).toBeGreaterThanOrEqual(
        (prev?.top ?? 0) + (prev?.height ?? 0),
      );
    }
  });

  it('lays out photos not loaded yet at the estimated aspect, and rows above the loaded end never move', () => {
    const known = Array.from({ length: 40 }, (_, i) => 0.7 + (i % 5) * 0.3);
    const partly = layoutOf([...known.slice(0, 20), ...Array<null>(20).fill(null)]);
    const fully = layoutOf(known);
    const lastLoadedRow = partly.rowOf(19);
    const closedBefore = photoRows(allRows(partly).slice(0, lastLoadedRow));
    expect(closedBefore.length).toBeGreaterThan(0);
    expect(photoRows(allRows(fully).slice(0, lastLoadedRow))).toEqual(closedBefore);
    const estimated = photoRows(allRows(partly)).at(-2);
    expect((estimated?.widths[0] ?? 0) / (estimated?.height ?? 1)).toBeCloseTo(estimatedAspect, 6);
  });

  it('lays out the photos not loaded yet as computed uniform rows, the same as one by one', () => {
    const count = 5000;
    const aspects = Array.from({ length: count }, (_, i) => 0.7 + ((i * 31) % 17) / 10);
    const sections = aspects.map((_, i) => `m${String(Math.floor(i / 37))}`);
    for (const loaded of [0, 1, 123, 400, 4999, 5000]) {
      const common = {
        ...base,
        count,
        aspectAt: (i: number) => (i < loaded ? (aspects[i] ?? 1) : null),
      };
      const fast = justifiedLayout({
        ...common,
        sectionAt: (i) => (i < loaded ? (sections[i] ?? null) : null),
        loaded,
      });
      const slow = justifiedLayout({
        ...common,
        sectionAt: (i) => (i < loaded ? (sections[i] ?? null) : null),
      });
      expect(fast.rowCount).toBe(slow.rowCount);
      expect(fast.height).toBeCloseTo(slow.height, 3);
      const fastRows = allRows(fast);
      allRows(slow).forEach((row, r) => {
        const other = fastRows[r];
        expect(other?.kind).toBe(row.kind);
        expect(other?.top).toBeCloseTo(row.top, 3);
        if (row.kind === 'photos' && other?.kind === 'photos') {
          expect([other.start, other.end]).toEqual([row.start, row.end]);
          expect(other.height).toBeCloseTo(row.height, 3);
        }
      });
      for (const index of [0, Math.floor(count / 2), count - 1])
        expect(fast.rowOf(index)).toBe(slow.rowOf(index));
      expect(rowsInView(fast, 12_345, 13_000)).toEqual(rowsInView(slow, 12_345, 13_000));
    }
  });

  it('reuses the rows of photos loaded before a page arrived, the same as laying out afresh', () => {
    const count = 3000;
    const aspects = Array.from({ length: count }, (_, i) => 0.5 + ((i * 13) % 23) / 9);
    const sections = aspects.map((_, i) => `m${String(Math.floor(i / 53))}`);
    const input = (loaded: number) => ({
      ...base,
      count,
      aspectAt: (i: number) => (i < loaded ? (aspects[i] ?? 1) : null),
      sectionAt: (i: number) => (i < loaded ? (sections[i] ?? null) : null),
      loaded,
    });
    let previous = justifiedLayout(input(0));
    for (let loaded = 250; loaded <= count; loaded += 250) {
      const incremental = justifiedLayout({ ...input(loaded), previous });
      const fresh = justifiedLayout(input(loaded));
      expect(allRows(incremental)).toEqual(allRows(fresh));
      expect(incremental.height).toBeCloseTo(fresh.height, 6);
      previous = incremental;
    }
  });

  it('finds rows by photo and by scroll position', () => {
    const layout = layoutOf(Array<number>(100).fill(1.5));
    for (const index of [0, 7, 55, 99]) {
      const row = allRows(layout)[layout.rowOf(index)];
      expect(row?.kind === 'photos' && row.start <= index && index < row.end).toBe(true);
    }
    const { first, last } = rowsInView(layout, 500, 900);
    expect(allRows(layout)[first]?.top).toBeLessThanOrEqual(500);
    expect((allRows(layout)[last]?.top ?? 0) < 900).toBe(true);
    expect((allRows(layout)[last + 1]?.top ?? Infinity) >= 900).toBe(true);
  });

  it('computes 100k photos quickly enough to redo on every page (a sanity bound, not a benchmark)', () => {
    const aspects = Array.from({ length: 100_000 }, (_, i) => 0.6 + ((i * 7919) % 100) / 50);
    const sections = aspects.map((_, i) => `m${String(Math.floor(i / 700))}`);
    const layout = layoutOf(aspects, sections);
    expect(photoRows(allRows(layout)).reduce((n, r) => n + r.end - r.start, 0)).toBe(100_000);
  });
});

describe(moveFocusInLayout.name, () => {
  // Rows of three photos, sections 'a' (0–2) and 'b' (3–9) set apart by headers.
  const layout = layoutOf(
    [1.5, 1.5, 1.5, 1, 1, 1, 1, 1.5, 1.5, 1.5],
    ['a', 'a', 'a', 'b', 'b', 'b', 'b', 'b', 'b', 'b'],
  );
  const move = (focus: number | null, key: Parameters<typeof moveFocusInLayout>[2]) =>
    moveFocusInLayout(layout, focus, key, 10, 400);

  it('moves by one photo left and right, to the ends with Home and End', () => {
    expect(move(null, 'ArrowDown')).toBe(0);
    expect(move(4, 'ArrowLeft')).toBe(3);
    expect(move(0, 'ArrowLeft')).toBe(0);
    expect(move(9, 'ArrowRight')).toBe(9);
    expect([move(5, 'Home'), move(5, 'End')]).toEqual([0, 9]);
  });

  it('moves up and down to the nearest photo in x, skipping headers', () => {
    const down = move(0, 'ArrowDown');
    expect(down).not.toBeNull();
    expect(allRows(layout)[layout.rowOf(down ?? 0)]).toBe(photoRows(allRows(layout))[1]);
    expect(move(down, 'ArrowUp')).toBe(0);
    expect(move(0, 'ArrowUp')).toBe(0);
    expect(move(9, 'ArrowDown')).toBe(9);
  });

  it('pages by a screen, at least one row, stopping at the ends', () => {
    expect(move(0, 'PageDown')).toBeGreaterThanOrEqual(3);
    expect(move(9, 'PageDown')).toBe(9);
    expect(move(9, 'PageUp')).toBeLessThan(7);
  });
});

describe(monthSection.name, () => {
  it('is the UTC month of the wall-clock time, or undated', () => {
    expect(monthSection(Date.UTC(2024, 4, 31, 23, 59))).toBe('2024-05');
    expect(monthSection(null)).toBe('undated');
  });
});
