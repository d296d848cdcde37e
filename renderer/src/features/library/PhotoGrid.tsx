// The justified photo grid: every photo keeps its aspect ratio, rows fill the width, and a
// date sort opens each month with a header (renderer/src/lib/justified-layout.ts). Only the rows
// on screen exist in the DOM (its own windowing over the layout's rows, found by binary
// search), so 100k photos scroll like 100; `npm run bench:ui-grid` measures the frame times.
// A timeline on the right jumps through a large library; pages of results stream in behind.
// Keyboard: arrows/Home/End/PageUp/PageDown move (up/down to the nearest photo in x), Shift
// extends, Space toggles, Enter opens, Ctrl/Cmd+A selects what is loaded, Escape clears.
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { PhotoSummary, SearchSort } from '../../../../preload/api-contract.ts';
import { useClient } from '../../api/client-context.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { baseName } from '../../lib/format.ts';
import { clickSelect, isNavKey, keySelect, type GridSelection } from '../../lib/grid-selection.ts';
import {
  justifiedLayout,
  monthSection,
  moveFocusInLayout,
  rowsInView,
  type JustifiedLayout,
} from '../../lib/justified-layout.ts';
import { ThumbnailAdmission } from '../../lib/thumbnail-admission.ts';

const targetHeight = 200;
const gap = 6; // between photos; sections get four times as much (justified-layout.ts)
const padding = 16;
const headerHeight = 44;
/** Rendered beyond the screen on both sides, so a fast flick does not show blanks. */
const overscanPx = 800;

const monthFormats = {
  zh: new Intl.DateTimeFormat('zh-CN', { year: 'numeric', month: 'long', timeZone: 'UTC' }),
  en: new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'long', timeZone: 'UTC' }),
};

export function PhotoGrid(props: {
  photos: readonly PhotoSummary[];
  total: number;
  ids: readonly number[];
  sort: SearchSort;
  selection: GridSelection;
  onSelection: (s: GridSelection) => void;
  onOpen: (index: number) => void;
  ensureLoaded: (index: number) => void;
  offlineFolderIds: ReadonlySet<number>;
}) {
  const { t, lang } = useI18n();
  const scrollRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(800);
  const [view, setView] = useState({ top: 0, height: 800 });
  // Thumbnails start loading a few a frame, where the screen is going ([Note: Thumbnails
  // admitted by frame] in thumbnail-admission.ts).
  const [admission] = useState(
    () =>
      new ThumbnailAdmission({
        requestFrame: (callback) => requestAnimationFrame(callback),
        now: () => performance.now(),
      }),
  );
  useLayoutEffect(() => {
    admission.updateView(view.top, view.height);
  }, [admission, view]);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const observer = new ResizeObserver((entries) => {
      const box = entries[0]?.contentRect;
      if (box?.width) setWidth(box.width);
      if (box?.height) setView((v) => ({ ...v, height: box.height }));
    });
    observer.observe(el);
    setWidth(el.clientWidth);
    setView({ top: el.scrollTop, height: el.clientHeight });
    return () => {
      observer.disconnect();
    };
  }, []);

  const byDate = props.sort === 'taken-desc' || props.sort === 'taken-asc';
  const { photos, total } = props;
  // The last layout and what it was made from: when a page is appended to the same result,
  // its rows of loaded photos are reused (justified-layout.ts `previous`).
  const made = useRef<{
    layout: JustifiedLayout;
    photos: readonly PhotoSummary[];
    total: number;
    byDate: boolean;
  } | null>(null);
  const layout = useMemo(() => {
    const before = made.current;
    const appended =
      before !== null &&
      before.total === total &&
      before.byDate === byDate &&
      before.photos.length <= photos.length &&
      (before.photos.length === 0 ||
        (before.photos[0] === photos[0] &&
          before.photos[before.photos.length - 1] === photos[before.photos.length - 1]));
    const next = justifiedLayout({
      count: total,
      aspectAt: (i) => {
        const p = photos[i];
        return p?.width && p.height ? p.width / p.height : null;
      },
      sectionAt: (i) => {
        const p = photos[i];
        return byDate && p ? monthSection(p.takenAt) : null;
      },
      loaded: photos.length,
      ...(appended ? { previous: before.layout } : {}),
      width,
      targetHeight,
      gap,
      padding,
      headerHeight,
    });
    made.current = { layout: next, photos, total, byDate };
    return next;
  }, [photos, total, width, byDate]);

  // [Note: Rows before the photos arrive] (justified-layout.ts): when a page changes the rows,
  // the photo at the top of the screen stays where it was.
  const anchor = useRef<{ index: number; offset: number } | null>(null);
  const laidOut = useRef<JustifiedLayout | null>(null);
  useLayoutEffect(() => {
    const el = scrollRef.current;
    const previous = laidOut.current;
    laidOut.current = layout;
    if (!el || !previous || !anchor.current || el.scrollTop === 0) return;
    const row = layout.rowAt(layout.rowOf(anchor.current.index));
    if (!row) return;
    const top = Math.max(0, row.top - anchor.current.offset);
    if (Math.abs(top - el.scrollTop) > 1) {
      el.scrollTop = top;
      setView((v) => ({ ...v, top }));
    }
  }, [layout]);

  const { first, last } = rowsInView(
    layout,
    Math.max(0, view.top - overscanPx),
    view.top + view.height + overscanPx,
  );
  const visible = Array.from({ length: last - first + 1 }, (_, k) =>
    layout.rowAt(first + k),
  ).filter((row) => row !== undefined);
  const onScreen = rowsInView(layout, view.top, view.top + view.height);
  const firstPhotoRow = visible
    .slice(onScreen.first - first, onScreen.last - first + 1)
    .find((r) => r.kind === 'photos');
  const lastOnScreen = layout.rowAt(onScreen.last);
  const lastVisibleIndex =
    lastOnScreen?.kind === 'photos' ? lastOnScreen.end : (lastOnScreen?.start ?? 0);

  useEffect(() => {
    if (firstPhotoRow?.kind === 'photos')
      anchor.current = { index: firstPhotoRow.start, offset: firstPhotoRow.top - view.top };
  }, [firstPhotoRow, view.top]);

  const { ensureLoaded } = props;
  useEffect(() => {
    // Fetch ahead of what is on screen (about two screens of photos).
    ensureLoaded(lastVisibleIndex + 200);
  }, [lastVisibleIndex, ensureLoaded, photos.length]);

  const focus = props.selection.focus;
  useEffect(() => {
    const el = scrollRef.current;
    if (focus === null || !el) return;
    const row = layout.rowAt(layout.rowOf(focus));
    if (!row) return;
    // Bring the focused row fully on screen (with the header above it when there is one).
    if (row.top < el.scrollTop) el.scrollTop = Math.max(0, row.top - headerHeight);
    else if (row.top + row.height > el.scrollTop + el.clientHeight)
      el.scrollTop = row.top + row.height - el.clientHeight + padding;
    // Only when the focus moves: a layout change must not pull the screen back to it.
  }, [focus]);

  const onScroll = useRef<number | null>(null);
  // The cells get callbacks that never change (they read the latest props through a ref), so
  // a memoised cell re-renders only when its own photo, geometry or selection changes — not on
  // every scroll frame.
  const latest = useRef(props);
  latest.current = props;
  const onCellClick = useCallback((index: number, toggle: boolean, range: boolean) => {
    const current = latest.current;
    scrollRef.current?.focus({ preventScroll: true });
    current.onSelection(clickSelect(current.selection, index, current.ids, { toggle, range }));
  }, []);
  const onCellOpen = useCallback((index: number) => {
    latest.current.onOpen(index);
  }, []);
  // A thumbnail that loads or fails is reported once, here: `load` and `error` do not bubble,
  // so capturing listeners on the grid replace the two React would add to every <img>.
  const [failedThumbs, setFailedThumbs] = useState<ReadonlySet<string>>(() => new Set());
  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const onError = (event: Event) => {
      const target = event.target;
      if (!(target instanceof HTMLImageElement)) return;
      admission.settled(target.getAttribute('src') ?? '', false);
      const hash = target.dataset.hash;
      if (hash) setFailedThumbs((failed) => new Set(failed).add(hash));
    };
    const onLoad = (event: Event) => {
      const target = event.target;
      if (target instanceof HTMLImageElement)
        admission.settled(target.getAttribute('src') ?? '', true);
    };
    el.addEventListener('error', onError, true);
    el.addEventListener('load', onLoad, true);
    return () => {
      el.removeEventListener('error', onError, true);
      el.removeEventListener('load', onLoad, true);
    };
  }, [admission]);

  return (
    <div className="grid-wrap">
      <div
        ref={scrollRef}
        className="grid-scroll"
        tabIndex={0}
        role="grid"
        aria-rowcount={layout.rowCount}
        aria-multiselectable="true"
        data-testid="photo-grid"
        onScroll={() => {
          if (onScroll.current !== null) return;
          onScroll.current = requestAnimationFrame(() => {
            onScroll.current = null;
            const el = scrollRef.current;
            if (el) setView({ top: el.scrollTop, height: el.clientHeight });
          });
        }}
        onKeyDown={(e) => {
          if (isNavKey(e.key)) {
            e.preventDefault();
            const next = moveFocusInLayout(
              layout,
              focus,
              e.key,
              total,
              scrollRef.current?.clientHeight ?? 600,
            );
            if (next !== null) {
              props.ensureLoaded(next);
              props.onSelection(keySelect(props.selection, next, props.ids, e.shiftKey));
            }
          } else if (e.key === 'Enter' && focus !== null) {
            e.preventDefault();
            props.onOpen(focus);
          } else if (e.key === ' ' && focus !== null) {
            e.preventDefault();
            props.onSelection(
              clickSelect(props.selection, focus, props.ids, { toggle: true, range: false }),
            );
          } else if (e.key === 'a' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            props.onSelection({ selected: new Set(props.ids), anchor: 0, focus: focus ?? 0 });
          } else if (e.key === 'Escape') {
            props.onSelection({ selected: new Set(), anchor: null, focus });
          }
        }}
      >
        <div className="grid-canvas" style={{ height: layout.height }}>
          {visible.map((row) => {
            if (row.kind === 'header') {
              return (
                <div
                  key={`h-${String(row.start)}`}
                  className="grid-header"
                  style={{ transform: `translateY(${String(row.top)}px)`, height: row.height }}
                >
                  {row.labels.map((label) => (
                    <span
                      key={label.section}
                      className="grid-header-label"
                      data-testid="grid-header"
                      style={{ left: padding + label.x, maxWidth: label.maxWidth }}
                    >
                      {sectionLabel(label.section, lang, t('grid.undated'))}
                    </span>
                  ))}
                </div>
              );
            }
            const cells = [];
            for (let i = row.start; i < row.end; i++) {
              const photo = photos[i];
              cells.push(
                <GridCell
                  key={photo ? photo.id : `pending-${String(i)}`}
                  index={i}
                  rowTop={row.top}
                  admission={admission}
                  photo={photo}
                  left={padding + (row.lefts[i - row.start] ?? 0)}
                  width={row.widths[i - row.start] ?? targetHeight}
                  height={row.height}
                  selected={photo ? props.selection.selected.has(photo.id) : false}
                  focused={focus === i}
                  pendingLabel={t('grid.pendingThumb')}
                  brokenLabel={t('grid.broken')}
                  unreachableLabel={
                    photo && props.offlineFolderIds.has(photo.folderId)
                      ? t('photo.offline')
                      : photo?.status === 'missing'
                        ? t('photo.missing')
                        : null
                  }
                  thumbFailed={photo?.hash ? failedThumbs.has(photo.hash) : false}
                  onClick={onCellClick}
                  onOpen={onCellOpen}
                />,
              );
            }
            return (
              <div
                key={`r-${String(row.start)}`}
                className="grid-row"
                role="row"
                style={{ transform: `translateY(${String(row.top)}px)`, height: row.height }}
              >
                {cells}
              </div>
            );
          })}
        </div>
      </div>
      {byDate && layout.height > view.height * 3 && (
        <Timeline
          layout={layout}
          viewTop={view.top}
          viewHeight={view.height}
          lang={lang}
          undated={t('grid.undated')}
          label={t('grid.timeline')}
          onJump={(top) => {
            const el = scrollRef.current;
            if (el) el.scrollTop = top;
          }}
        />
      )}
    </div>
  );
}

function sectionLabel(section: string, lang: 'zh' | 'en', undated: string): string {
  if (section === 'undated') return undated;
  const [year, month] = section.split('-').map(Number);
  return monthFormats[lang].format(new Date(Date.UTC(year ?? 1970, (month ?? 1) - 1, 1)));
}

/**
 * The timeline scrubber: the whole grid's height as a track, with each year where its first
 * header is. Clicking or dragging along it scrolls there; years not loaded yet appear as the
 * pages stream in ([Note: Rows before the photos arrive]).
 */
function Timeline(props: {
  layout: JustifiedLayout;
  viewTop: number;
  viewHeight: number;
  lang: 'zh' | 'en';
  undated: string;
  label: string;
  onJump: (top: number) => void;
}) {
  const track = useRef<HTMLDivElement>(null);
  const [dragging, setDragging] = useState(false);
  const { layout } = props;
  const years = useMemo(() => {
    const marks: { label: string; top: number }[] = [];
    let lastYear = '';
    for (const row of layout.laidOut) {
      if (row.kind !== 'header') continue;
      for (const { section } of row.labels) {
        const year = section === 'undated' ? props.undated : section.slice(0, 4);
        if (year !== lastYear) {
          marks.push({ label: year, top: row.top });
          lastYear = year;
        }
      }
    }
    return marks;
  }, [layout, props.undated]);
  const scrollable = Math.max(1, layout.height - props.viewHeight);
  const jumpTo = (clientY: number) => {
    const box = track.current?.getBoundingClientRect();
    if (!box) return;
    const fraction = Math.min(1, Math.max(0, (clientY - box.top) / box.height));
    props.onJump(fraction * scrollable);
  };
  // Labels closer than this to the previous one are skipped (a decade of years on one screen).
  let lastShown = -Infinity;
  return (
    <div
      ref={track}
      className={`timeline${dragging ? ' dragging' : ''}`}
      data-testid="timeline"
      role="scrollbar"
      aria-label={props.label}
      aria-orientation="vertical"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round((props.viewTop / scrollable) * 100)}
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture(e.pointerId);
        setDragging(true);
        jumpTo(e.clientY);
      }}
      onPointerMove={(e) => {
        if (dragging) jumpTo(e.clientY);
      }}
      onPointerUp={() => {
        setDragging(false);
      }}
    >
      {years.map((mark) => {
        const at = (mark.top / layout.height) * 100;
        if (at - lastShown < 4) return null;
        lastShown = at;
        return (
          <span
            key={`${mark.label}-${String(mark.top)}`}
            className="timeline-year"
            data-testid="timeline-year"
            style={{ top: `${String(at)}%` }}
          >
            {mark.label}
          </span>
        );
      })}
      <span
        className="timeline-thumb"
        style={{ top: `${String((props.viewTop / layout.height) * 100)}%` }}
      />
    </div>
  );
}

/**
 * Whether the cell may show `url` now: at once when it loaded before, else when the admission
 * lets it start ([Note: Thumbnails admitted by frame]). A row that moves asks again.
 */
function useAdmittedThumbnail(
  admission: ThumbnailAdmission,
  url: string | null,
  rowTop: number,
  rowHeight: number,
): boolean {
  const [admitted, setAdmitted] = useState<string | null>(() =>
    url !== null && admission.hasLoaded(url) ? url : null,
  );
  const shown = url !== null && (admitted === url || admission.hasLoaded(url));
  useEffect(() => {
    if (url === null || shown) return;
    return admission.request(url, rowTop, rowHeight, () => {
      setAdmitted(url);
    });
  }, [admission, url, rowTop, rowHeight, shown]);
  useEffect(
    () => () => {
      if (url !== null) admission.abandon(url);
    },
    [admission, url],
  );
  return shown;
}

const GridCell = memo(function GridCell(props: {
  index: number;
  /** Where the cell's row is in the grid, for the thumbnail admission. */
  rowTop: number;
  admission: ThumbnailAdmission;
  photo: PhotoSummary | undefined;
  left: number;
  width: number;
  height: number;
  selected: boolean;
  focused: boolean;
  pendingLabel: string;
  brokenLabel: string;
  /** Set when the original cannot be reached (folder offline, file gone): the badge. */
  unreachableLabel: string | null;
  /** The thumbnail did not load (the grid listens for image errors once, for all cells). */
  thumbFailed: boolean;
  onClick: (index: number, toggle: boolean, range: boolean) => void;
  onOpen: (index: number) => void;
}) {
  const client = useClient();
  const { photo } = props;
  const name = photo ? baseName(photo.relPath) : '';
  const thumbnailUrl =
    photo?.hash && photo.hasThumbnail && !props.thumbFailed
      ? client.mediaUrl('thumbnail', photo.hash)
      : null;
  const showImage = useAdmittedThumbnail(props.admission, thumbnailUrl, props.rowTop, props.height);
  return (
    <div
      role="gridcell"
      aria-selected={props.selected}
      className={`cell${props.selected ? ' selected' : ''}${props.focused ? ' focused' : ''}`}
      style={{ left: props.left, width: props.width, height: props.height }}
      data-testid="grid-cell"
      data-photo-id={photo?.id}
      title={photo?.relPath}
      onClick={(e) => {
        props.onClick(props.index, e.ctrlKey || e.metaKey, e.shiftKey);
      }}
      onDoubleClick={() => {
        props.onOpen(props.index);
      }}
    >
      {showImage && thumbnailUrl !== null ? (
        <img
          src={thumbnailUrl}
          alt={name}
          data-hash={photo?.hash}
          decoding="async"
          draggable={false}
        />
      ) : (
        <div className="cell-placeholder">
          {/* A thumbnail on its way shows an empty tile: text in dozens of tiles a frame costs
              the scroll more than anything else it draws ([Note: Thumbnails admitted by frame]). */}
          {thumbnailUrl === null && (
            <span>
              {photo?.status === 'broken' ? props.brokenLabel : photo ? name : props.pendingLabel}
            </span>
          )}
        </div>
      )}
      {props.unreachableLabel && (
        <div className="cell-offline" data-testid="offline-badge" title={props.unreachableLabel}>
          {props.unreachableLabel}
        </div>
      )}
      {props.selected && (
        <div className="cell-check" aria-hidden="true">
          ✓
        </div>
      )}
    </div>
  );
});
