// The virtualized thumbnail grid (TanStack Virtual): only the rows on screen exist in the
// DOM, so 100k photos scroll like 100. Rows are virtualized; columns follow the width.
// Keyboard: arrows/Home/End/PageUp/PageDown move, Shift extends, Space toggles, Enter opens,
// Ctrl/Cmd+A selects what is loaded, Escape clears.
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { PhotoSummary } from '../../../../preload/api-contract.ts';
import { useClient } from '../../api/client-context.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { baseName } from '../../lib/format.ts';
import {
  clickSelect,
  columnsFor,
  isNavKey,
  keySelect,
  moveFocus,
  type GridSelection,
} from '../../lib/grid-selection.ts';

const cellSize = 184;
const gap = 8;
const padding = 16;

export function PhotoGrid(props: {
  photos: readonly PhotoSummary[];
  total: number;
  ids: readonly number[];
  selection: GridSelection;
  onSelection: (s: GridSelection) => void;
  onOpen: (index: number) => void;
  ensureLoaded: (index: number) => void;
  offlineFolderIds: ReadonlySet<number>;
}) {
  const { t } = useI18n();
  const scrollRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(800);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const observer = new ResizeObserver((entries) => {
      const w = entries[0]?.contentRect.width;
      if (w) setWidth(w);
    });
    observer.observe(el);
    setWidth(el.clientWidth);
    return () => {
      observer.disconnect();
    };
  }, []);

  const columns = columnsFor(width - padding * 2, cellSize, gap);
  const cell = Math.floor((width - padding * 2 - gap * (columns - 1)) / columns);
  const rowCount = Math.ceil(props.total / columns);

  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => cell + gap,
    overscan: 4,
    paddingStart: padding,
    paddingEnd: padding,
  });
  useEffect(() => {
    virtualizer.measure();
  }, [cell, virtualizer]);

  const items = virtualizer.getVirtualItems();
  const lastVisible = items.length > 0 ? ((items[items.length - 1]?.index ?? 0) + 1) * columns : 0;
  const { ensureLoaded } = props;
  useEffect(() => {
    // Fetch ahead of what is on screen.
    ensureLoaded(lastVisible + columns * 8);
  }, [lastVisible, columns, ensureLoaded, props.photos.length]);

  const focus = props.selection.focus;
  useEffect(() => {
    if (focus !== null) virtualizer.scrollToIndex(Math.floor(focus / columns), { align: 'auto' });
  }, [focus, columns, virtualizer]);

  const rowsPerPage = Math.max(
    1,
    Math.floor((scrollRef.current?.clientHeight ?? 600) / (cell + gap)),
  );

  return (
    <div
      ref={scrollRef}
      className="grid-scroll"
      tabIndex={0}
      role="grid"
      aria-rowcount={rowCount}
      aria-multiselectable="true"
      data-testid="photo-grid"
      onKeyDown={(e) => {
        if (isNavKey(e.key)) {
          e.preventDefault();
          const next = moveFocus(focus, e.key, columns, props.total, rowsPerPage);
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
      <div className="grid-canvas" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((row) => {
          const start = row.index * columns;
          const cells = [];
          for (let i = start; i < Math.min(start + columns, props.total); i++) {
            const photo = props.photos[i];
            cells.push(
              <GridCell
                key={photo ? photo.id : `pending-${i}`}
                index={i}
                photo={photo}
                size={cell}
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
                onClick={(index, toggle, range) => {
                  scrollRef.current?.focus({ preventScroll: true });
                  props.onSelection(
                    clickSelect(props.selection, index, props.ids, { toggle, range }),
                  );
                }}
                onOpen={props.onOpen}
              />,
            );
          }
          return (
            <div
              key={row.key}
              className="grid-row"
              role="row"
              style={{
                transform: `translateY(${row.start}px)`,
                height: cell,
                gap,
                paddingLeft: padding,
              }}
            >
              {cells}
            </div>
          );
        })}
      </div>
    </div>
  );
}

const GridCell = memo(function GridCell(props: {
  index: number;
  photo: PhotoSummary | undefined;
  size: number;
  selected: boolean;
  focused: boolean;
  pendingLabel: string;
  brokenLabel: string;
  /** Set when the original cannot be reached (folder offline, file gone): the badge. */
  unreachableLabel: string | null;
  onClick: (index: number, toggle: boolean, range: boolean) => void;
  onOpen: (index: number) => void;
}) {
  const client = useClient();
  const [failed, setFailed] = useState(false);
  const { photo } = props;
  const name = photo ? baseName(photo.relPath) : '';
  const showImage = photo?.hash && photo.hasThumbnail && !failed;
  return (
    <div
      role="gridcell"
      aria-selected={props.selected}
      className={`cell${props.selected ? ' selected' : ''}${props.focused ? ' focused' : ''}`}
      style={{ width: props.size, height: props.size }}
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
      {showImage ? (
        <img
          src={client.mediaUrl('thumbnail', photo.hash ?? '')}
          alt={name}
          loading="lazy"
          decoding="async"
          draggable={false}
          onError={() => {
            setFailed(true);
          }}
        />
      ) : (
        <div className="cell-placeholder">
          <span>
            {photo?.status === 'broken' ? props.brokenLabel : photo ? name : props.pendingLabel}
          </span>
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
