// The justified grid's geometry (Google Photos / Flickr style): photos keep their aspect ratio
// and each row is scaled to fill the width exactly, at about `targetHeight`. When the grid is
// sorted by date, a header row opens each month. Pure, so it is tested in Node and can be
// recomputed for 100k photos in a few milliseconds when the width or the loaded photos change.
//
// [Note: Rows before the photos arrive]
// Search results come in pages, in order. A photo not loaded yet has no aspect ratio and no
// date, so it is laid out at `estimatedAspect` with no header: the grid has its full height
// (the scrollbar and the timeline are right) and rows above the loaded end never change when a
// page arrives, because everything above it is loaded already. Rows below it do change; the
// grid keeps the photo at the top of the screen where it was (PhotoGrid's anchor).

export interface JustifiedInput {
  readonly count: number;
  /**
   * Photos from here on are not loaded yet (pages arrive in order): they are laid out as
   * uniform rows computed on demand, so a page costs work for the loaded photos only.
   * Default: `count` (everything laid out one by one).
   */
  readonly loaded?: number;
  /**
   * The layout of the same photos before the last page arrived (same width and sizes): its
   * rows of photos that were loaded then are kept as they are, so a page costs work for its
   * own photos only ([Note: Rows before the photos arrive]: those rows cannot change).
   */
  readonly previous?: JustifiedLayout;
  /** width / height of photo `i`, or null when unknown (not loaded, no dimensions). */
  readonly aspectAt: (index: number) => number | null;
  /** The section (e.g. `2024-05`) photo `i` belongs to; null: no headers / not loaded. */
  readonly sectionAt: (index: number) => string | null;
  readonly width: number;
  readonly targetHeight: number;
  readonly gap: number;
  readonly padding: number;
  readonly headerHeight: number;
}

/** A section's label over its first photo (several short sections can share a row). */
export interface SectionLabel {
  readonly section: string;
  /** The section's first photo. */
  readonly start: number;
  /** Where the label starts (px from the row's left edge) and how wide it may be. */
  readonly x: number;
  readonly maxWidth: number;
}

/** The band of labels above a photo row in which one or more sections start. */
export interface HeaderRow {
  readonly kind: 'header';
  readonly top: number;
  readonly height: number;
  readonly labels: readonly SectionLabel[];
  /** The first photo of the first section starting in the row below. */
  readonly start: number;
}

export interface PhotoRow {
  readonly kind: 'photos';
  readonly top: number;
  readonly height: number;
  /** Photos `start` to `end - 1`. */
  readonly start: number;
  readonly end: number;
  /** Each photo's width and left edge (px from the row's left edge), in order. */
  readonly widths: readonly number[];
  readonly lefts: readonly number[];
}

export type LayoutRow = HeaderRow | PhotoRow;

export interface JustifiedLayout {
  /** Rows: the laid-out ones first, then the uniform rows of photos not loaded yet. */
  readonly rowCount: number;
  readonly rowAt: (row: number) => LayoutRow | undefined;
  /** The rows laid out one by one (every header is among them). */
  readonly laidOut: readonly LayoutRow[];
  /** What it was laid out for (to tell whether a later layout may reuse its rows). */
  readonly basis: { readonly loaded: number; readonly key: string };
  readonly height: number;
  /** The photo row holding photo `index`. */
  readonly rowOf: (index: number) => number;
}

/** The aspect assumed for a photo whose size is unknown (3:2, the commonest camera frame). */
export const estimatedAspect = 1.5;
/** Extreme panoramas and slivers are shown cropped to these, so one cannot flatten a row. */
const minAspect = 0.4;
const maxAspect = 3;

export function justifiedLayout(input: JustifiedInput): JustifiedLayout {
  // Sections flow like words (Google Photos does the same with days): a short section shares a
  // row with the next, a wider gap between them and each one's label above its first photo, so
  // a library of one photo a month is not one photo per row.
  const sectionGap = input.gap * 4;
  const rows: LayoutRow[] = [];
  const inner = Math.max(1, input.width - input.padding * 2);
  let top = input.padding;
  let rowStart = 0;
  let aspectSum = 0;
  let gapSum = 0;
  let aspects: number[] = [];
  /** Gap before each photo of the row (0 for the first). */
  let gapsBefore: number[] = [];
  /** Sections starting in the row: [index in row, section]. */
  let starts: [number, string][] = [];
  let section: string | null = null;
  const photoRowStarts: number[] = [];
  const photoRowIndex: number[] = [];

  const closeRow = (end: number, full: boolean) => {
    if (end <= rowStart) return;
    // A full row is scaled to the width; the last row keeps the target height.
    const height = full ? (inner - gapSum) / aspectSum : input.targetHeight;
    const widths = aspects.map((a) => a * height);
    const lefts: number[] = [];
    let x = 0;
    widths.forEach((w, k) => {
      x += gapsBefore[k] ?? 0;
      lefts.push(x);
      x += w;
    });
    if (starts.length > 0) {
      const labels = starts.map(([k, key], n) => {
        const next = starts[n + 1];
        const right = next ? (lefts[next[0]] ?? inner) - sectionGap / 2 : inner;
        const left = lefts[k] ?? 0;
        return { section: key, start: rowStart + k, x: left, maxWidth: Math.max(0, right - left) };
      });
      rows.push({
        kind: 'header',
        top,
        height: input.headerHeight,
        labels,
        start: rowStart + (starts[0]?.[0] ?? 0),
      });
      top += input.headerHeight;
    }
    photoRowStarts.push(rowStart);
    photoRowIndex.push(rows.length);
    rows.push({ kind: 'photos', top, height, start: rowStart, end, widths, lefts });
    top += height + input.gap;
    rowStart = end;
    aspectSum = 0;
    gapSum = 0;
    aspects = [];
    gapsBefore = [];
    starts = [];
  };

  const loaded = Math.min(input.count, input.loaded ?? input.count);
  const basisKey = [
    input.width,
    input.targetHeight,
    input.gap,
    input.padding,
    input.headerHeight,
  ].join('|');
  let first = 0;
  const previous = input.previous;
  if (previous && previous.basis.key === basisKey && previous.basis.loaded <= loaded) {
    // Keep every row up to the last full row of photos that were loaded then.
    let keep = -1;
    for (let r = previous.laidOut.length - 1; r >= 0; r--) {
      const row = previous.laidOut[r];
      if (row?.kind === 'photos' && row.end <= previous.basis.loaded && row.end < input.count) {
        keep = r;
        break;
      }
    }
    const last = previous.laidOut[keep];
    if (last?.kind === 'photos') {
      for (let r = 0; r <= keep; r++) {
        const row = previous.laidOut[r];
        if (!row) continue;
        rows.push(row);
        if (row.kind === 'photos') {
          photoRowStarts.push(row.start);
          photoRowIndex.push(rows.length - 1);
        }
      }
      first = last.end;
      rowStart = first;
      top = last.top + last.height + input.gap;
      section = first > 0 ? input.sectionAt(first - 1) : null;
    }
  }
  const estimatedRowWidth = (n: number) =>
    n * estimatedAspect * input.targetHeight + (n - 1) * input.gap;
  // Photos per uniform row of the tail: the first count that fills the width.
  let perTailRow = 1;
  while (estimatedRowWidth(perTailRow) < inner) perTailRow++;
  /** The open row is finished with estimated photos, then the tail is uniform rows. */
  let tailFrom = input.count;
  for (let i = first; i < input.count; i++) {
    if (i >= loaded && aspects.length === 0) {
      tailFrom = i;
      break;
    }
    const key = i < loaded ? input.sectionAt(i) : null;
    const opens = key !== null && key !== section;
    if (opens) section = key;
    const aspect =
      i < loaded
        ? Math.min(maxAspect, Math.max(minAspect, input.aspectAt(i) ?? estimatedAspect))
        : estimatedAspect;
    const gapBefore = aspects.length === 0 ? 0 : opens ? sectionGap : input.gap;
    aspects.push(aspect);
    gapsBefore.push(gapBefore);
    aspectSum += aspect;
    gapSum += gapBefore;
    if (opens) starts.push([aspects.length - 1, key]);
    if (aspectSum * input.targetHeight + gapSum >= inner) closeRow(i + 1, true);
  }
  if (tailFrom === input.count) closeRow(input.count, false);
  // [Note: Rows before the photos arrive]: the tail as uniform rows, made when asked for.
  const tailCount = input.count - tailFrom;
  const tailFullRows = Math.floor(tailCount / perTailRow);
  const tailRows = Math.ceil(tailCount / perTailRow);
  const fullHeight = (inner - (perTailRow - 1) * input.gap) / (perTailRow * estimatedAspect);
  const tailTop = top;
  const tailRowAt = (t: number): PhotoRow | undefined => {
    if (t < 0 || t >= tailRows) return undefined;
    const start = tailFrom + t * perTailRow;
    const end = Math.min(input.count, start + perTailRow);
    const height = t < tailFullRows ? fullHeight : input.targetHeight;
    const widths = Array.from({ length: end - start }, () => estimatedAspect * height);
    const lefts = widths.map((w, k) => k * (w + input.gap));
    return {
      kind: 'photos',
      top: tailTop + t * (fullHeight + input.gap),
      height,
      start,
      end,
      widths,
      lefts,
    };
  };
  if (tailRows > 0) {
    top += tailFullRows * (fullHeight + input.gap);
    if (tailRows > tailFullRows) top += input.targetHeight + input.gap;
  }
  const height = rows.length + tailRows === 0 ? 0 : top - input.gap + input.padding;

  return {
    rowCount: rows.length + tailRows,
    rowAt: (r) => (r < rows.length ? rows[r] : tailRowAt(r - rows.length)),
    laidOut: rows,
    basis: { loaded, key: basisKey },
    height,
    rowOf(index) {
      if (index >= tailFrom && tailRows > 0)
        return rows.length + Math.min(tailRows - 1, Math.floor((index - tailFrom) / perTailRow));
      // The last photo row starting at or before `index` (binary search).
      let lo = 0;
      let hi = photoRowStarts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((photoRowStarts[mid] ?? 0) <= index) lo = mid;
        else hi = mid - 1;
      }
      return photoRowIndex[lo] ?? 0;
    },
  };
}

/** Rows that overlap [from, to) px, as a [first, last] index range (binary search on tops). */
export function rowsInView(
  layout: JustifiedLayout,
  from: number,
  to: number,
): { first: number; last: number } {
  // Binary search over every row's top (the tail's rows are computed, not stored).
  let lo = 0;
  let hi = layout.rowCount - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((layout.rowAt(mid)?.top ?? 0) <= from) lo = mid;
    else hi = mid - 1;
  }
  let last = lo;
  while (last + 1 < layout.rowCount && (layout.rowAt(last + 1)?.top ?? Infinity) < to) last++;
  return { first: lo, last };
}

/** The centre x of photo `index` in its row. */
function centreOf(row: PhotoRow, index: number): number {
  const k = index - row.start;
  return (row.lefts[k] ?? 0) + (row.widths[k] ?? 0) / 2;
}

/** The photo of `row` whose centre is nearest to `x`. */
function nearestIn(row: PhotoRow, x: number): number {
  let best = row.start;
  let bestDistance = Infinity;
  for (let i = row.start; i < row.end; i++) {
    const distance = Math.abs(centreOf(row, i) - x);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = i;
    }
  }
  return best;
}

export type GridNavKey =
  'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown' | 'Home' | 'End' | 'PageUp' | 'PageDown';

/**
 * Where the focus goes for a navigation key in a justified grid: left/right by one photo,
 * up/down to the photo above/below nearest the same x (headers skipped), page keys by one
 * screen height at the same x.
 */
export function moveFocusInLayout(
  layout: JustifiedLayout,
  focus: number | null,
  key: GridNavKey,
  count: number,
  pageHeight: number,
): number | null {
  if (count === 0) return null;
  if (focus === null) return key === 'End' ? count - 1 : 0;
  if (key === 'ArrowLeft') return Math.max(0, focus - 1);
  if (key === 'ArrowRight') return Math.min(count - 1, focus + 1);
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  const at = layout.rowOf(focus);
  const row = layout.rowAt(at);
  if (row?.kind !== 'photos') return focus;
  const x = centreOf(row, focus);
  const photoRowAt = (index: number, step: number): PhotoRow | undefined => {
    for (let r = index; r >= 0 && r < layout.rowCount; r += step) {
      const candidate = layout.rowAt(r);
      if (candidate?.kind === 'photos') return candidate;
    }
    return undefined;
  };
  if (key === 'ArrowUp' || key === 'ArrowDown') {
    const step = key === 'ArrowUp' ? -1 : 1;
    const next = photoRowAt(at + step, step);
    return next ? nearestIn(next, x) : focus;
  }
  // Page keys: the photo row one screen above/below (at least the next row), or the end.
  const step = key === 'PageUp' ? -1 : 1;
  const targetY = row.top + step * pageHeight;
  let r = rowsInView(layout, Math.max(0, targetY), Math.max(0, targetY) + 1).first;
  if (step > 0 ? r <= at : r >= at) r = at + step;
  r = Math.min(layout.rowCount - 1, Math.max(0, r));
  const next = photoRowAt(r, step) ?? photoRowAt(r, -step);
  return next ? nearestIn(next, x) : focus;
}

/** The month section of a photo taken at `takenAt` (ms, wall time stored as UTC). */
export function monthSection(takenAt: number | null): string {
  if (takenAt === null) return 'undated';
  const d = new Date(takenAt);
  return `${String(d.getUTCFullYear())}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}
