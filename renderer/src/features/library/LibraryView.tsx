// The main area: result header (count, sort), the selection bar, the virtualized grid,
// the refine panel (facets), and the photo view when a photo is open.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  searchSorts,
  type AlbumInfo,
  type PhotoSummary,
  type SearchSort,
} from '../../../../preload/api-contract.ts';
import { EmptyState, Spinner } from '../../components/EmptyState.tsx';
import { Icon } from '../../components/Icon.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { describeError, querySyntaxError, type QuerySyntaxError } from '../../lib/errors.ts';
import { formatCount } from '../../lib/format.ts';
import { emptySelection, type GridSelection } from '../../lib/grid-selection.ts';
import { PhotoView } from '../photo/PhotoView.tsx';
import { FacetPanel } from './FacetPanel.tsx';
import { PhotoGrid } from './PhotoGrid.tsx';
import { SelectionBar } from './SelectionBar.tsx';
import { useSearch } from './use-search.ts';
import { AddToAlbumSelect } from '../albums/AddToAlbumSelect.tsx';
import { BulkToast } from '../albums/BulkToast.tsx';
import { AlbumExportButton } from '../albums/AlbumExportButton.tsx';
import { useBulkToast } from '../albums/use-bulk-toast.ts';
import { useClient } from '../../api/client-context.tsx';

export function LibraryView(props: {
  query: string;
  /** The query is being typed: its last word matches tag-name prefixes. */
  typing: boolean;
  /** The open photo as the address bar has it (null: none). */
  photoId: number | null;
  onPhotoId: (id: number | null) => void;
  sort: SearchSort;
  onSort: (sort: SearchSort) => void;
  onQuery: (query: string) => void;
  version: number;
  title: string | null;
  libraryEmpty: boolean;
  canOpenFiles: boolean;
  /** Folders not reachable now: their photos show an offline badge. */
  offlineFolderIds: ReadonlySet<number>;
  onAddFolder: () => void;
  /** A query the server cannot parse: the search box shows it as a hint, not a failure. */
  onSyntaxError: (error: QuerySyntaxError | null) => void;
  /** The album on screen (null: a search); a manual one is shown in its own order. */
  album?: AlbumInfo | null;
  /** Manual albums, for "Add to album…". */
  manualAlbums?: readonly AlbumInfo[];
}) {
  const { t, lang } = useI18n();
  const client = useClient();
  const manualAlbumId = props.album?.kind === 'manual' ? props.album.id : null;
  const search = useSearch(props.query, props.sort, props.version, props.typing, manualAlbumId);
  const manualAlbums = props.manualAlbums ?? [];
  const bulk = useBulkToast();
  const [selection, setSelection] = useState<GridSelection>(emptySelection);
  const ids = useMemo(() => search.photos.map((p) => p.id), [search.photos]);
  // The selection in the grid's order (not the order of the clicks), so photos added to an
  // album land in the order the user sees them.
  const selectedInGridOrder = useMemo(() => {
    const at = new Map(ids.map((id, index) => [id, index]));
    const far = Number.MAX_SAFE_INTEGER;
    return [...selection.selected].sort((a, b) => (at.get(a) ?? far) - (at.get(b) ?? far));
  }, [ids, selection.selected]);

  // One source of truth for the open photo: `photoId` (the address bar's). The viewer's
  // photo is derived from it on every render, never synchronised by effects: two states
  // kept equal by effects raced (an effect's update, applied after Escape had closed the
  // viewer, opened it again). The last photo shown is remembered so that a tag edit that
  // drops it from the current results (e.g. removing the tag searched for) does not close
  // it under the user's hands.
  const { onPhotoId, photoId } = props;
  const lastShown = useRef<{ photo: PhotoSummary; index: number } | null>(null);
  const foundAt = photoId === null ? -1 : ids.indexOf(photoId);
  const foundPhoto = foundAt >= 0 ? search.photos[foundAt] : undefined;
  const opened = useMemo(() => {
    if (photoId === null) return null;
    if (foundPhoto) return { photo: foundPhoto, index: foundAt };
    // Not in the results (any more): the photo shown last, if it is this one. A photo the
    // URL names opens once it is in the results.
    return lastShown.current?.photo.id === photoId ? lastShown.current : null;
  }, [photoId, foundPhoto, foundAt]);
  lastShown.current = opened ?? lastShown.current;

  // A new query starts with nothing selected and no photo open. The query the page opened
  // with is not new: the photo its URL names stays.
  const shownQuery = useRef({ query: props.query, sort: props.sort, manualAlbumId });
  useEffect(() => {
    const before = shownQuery.current;
    if (
      before.query === props.query &&
      before.sort === props.sort &&
      before.manualAlbumId === manualAlbumId
    )
      return;
    shownQuery.current = { query: props.query, sort: props.sort, manualAlbumId };
    setSelection(emptySelection);
    onPhotoId(null);
  }, [props.query, props.sort, manualAlbumId, onPhotoId]);

  const showPhoto = useCallback(
    (photo: PhotoSummary, index: number) => {
      lastShown.current = { photo, index };
      onPhotoId(photo.id);
    },
    [onPhotoId],
  );
  const openIndex = useCallback(
    (index: number) => {
      const photo = search.photos[index];
      if (photo) showPhoto(photo, index);
    },
    [search.photos, showPhoto],
  );
  // Closing leaves the grid's focus on the photo last shown (focus returns to the grid).
  const closePhoto = useCallback(() => {
    if (opened && foundAt >= 0) {
      setSelection({ selected: new Set([opened.photo.id]), anchor: foundAt, focus: foundAt });
    }
    onPhotoId(null);
  }, [opened, foundAt, onPhotoId]);
  const syntaxError = search.ready ? querySyntaxError(search.error, props.query) : null;
  const { onSyntaxError } = props;
  // Reported once per failure (the error object identifies it), not on every render.
  const syntaxRef = useRef(syntaxError);
  syntaxRef.current = syntaxError;
  useEffect(() => {
    onSyntaxError(syntaxRef.current);
  }, [search.error, search.ready, onSyntaxError]);

  const currentIndex = opened ? (foundAt >= 0 ? foundAt : opened.index) : null;

  let body;
  if (!search.ready) {
    body = <Spinner label={t('grid.loading')} />;
  } else if (syntaxError) {
    // Not a failure: the user is still typing. The hint sits under the search box.
    body = <EmptyState icon="search" title={t('search.syntaxWaiting')} />;
  } else if (search.error !== null) {
    body = (
      <EmptyState
        icon="warning"
        tone="error"
        title={t('grid.errorTitle')}
        text={describeError(search.error, t)}
      >
        <button type="button" className="primary-button" onClick={search.retry}>
          {t('grid.retry')}
        </button>
      </EmptyState>
    );
  } else if (search.total === 0 && manualAlbumId !== null) {
    body = (
      <EmptyState
        icon="album"
        title={t('albumPhotos.emptyTitle')}
        text={t('albumPhotos.emptyText')}
      />
    );
  } else if (search.total === 0 && props.libraryEmpty) {
    body = (
      <EmptyState
        icon="folder"
        title={t('grid.emptyLibraryTitle')}
        text={t('grid.emptyLibraryText')}
      >
        <button
          type="button"
          className="primary-button"
          data-testid="empty-add-folder"
          onClick={props.onAddFolder}
        >
          <Icon name="plus" size={16} />
          {t('folders.add')}
        </button>
      </EmptyState>
    );
  } else if (search.total === 0) {
    body = (
      <EmptyState icon="search" title={t('grid.noResultsTitle')} text={t('grid.noResultsText')} />
    );
  } else {
    body = (
      <PhotoGrid
        photos={search.photos}
        total={search.total}
        ids={ids}
        // A manual album is in the user's order, not by date: no date headers (path order
        // is the grid's plain, headerless layout).
        sort={manualAlbumId === null ? props.sort : 'path-asc'}
        selection={selection}
        onSelection={setSelection}
        onOpen={openIndex}
        ensureLoaded={search.ensureLoaded}
        offlineFolderIds={props.offlineFolderIds}
      />
    );
  }

  return (
    <main className="library">
      <div className="library-main">
        <div className="results-header">
          <div className="results-title">
            {props.title && <h1 className="album-title">{props.title}</h1>}
            {props.album && <AlbumExportButton album={props.album} />}
            <span className="result-count" data-testid="result-count">
              {search.ready && search.error === null
                ? search.total === 1
                  ? t('search.resultsOne')
                  : t('search.results', { count: formatCount(search.total, lang) })
                : '\u00a0'}
            </span>
            {search.loading && search.ready && (
              <span className="spinner small" aria-hidden="true" />
            )}
          </div>
          <label className="sort" hidden={manualAlbumId !== null}>
            <span>{t('search.sort')}</span>
            <select
              value={props.sort}
              onChange={(e) => {
                props.onSort(e.target.value as SearchSort);
              }}
            >
              {searchSorts.map((s) => (
                <option key={s} value={s}>
                  {t(`sort.${s}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
        {(selection.selected.size > 1 ||
          (manualAlbumId !== null && selection.selected.size > 0)) && (
          <SelectionBar
            selected={selectedInGridOrder}
            onClear={() => {
              setSelection(emptySelection);
            }}
            manualAlbums={manualAlbums}
            albumOrder={
              manualAlbumId === null ? null : { albumId: manualAlbumId, ids, total: search.total }
            }
            onBulkChange={bulk.report}
          />
        )}
        <div className="grid-area">{body}</div>
      </div>
      {/* A manual album has no facets (its photos are chosen, not searched). */}
      {manualAlbumId === null && (
        <FacetPanel facets={search.facets} query={props.query} onQuery={props.onQuery} />
      )}
      <BulkToast toast={bulk.toast} onUndo={bulk.undo} onDismiss={bulk.dismiss} />
      {opened && currentIndex !== null && (
        <PhotoView
          photo={opened.photo}
          index={currentIndex}
          inResults={foundAt >= 0}
          total={search.total}
          canOpenFiles={props.canOpenFiles}
          folderOffline={props.offlineFolderIds.has(opened.photo.folderId)}
          version={props.version}
          albumActions={
            <div className="photo-album-actions" data-testid="photo-album-actions">
              <AddToAlbumSelect
                photoIds={[opened.photo.id]}
                albums={manualAlbums}
                exceptAlbumId={manualAlbumId}
                onChange={bulk.report}
                testId="photo-add-to-album"
              />
              {manualAlbumId !== null && (
                <button
                  type="button"
                  className="secondary-button small"
                  data-testid="photo-remove-from-album"
                  onClick={() => {
                    client.api['albums.removePhotos']({
                      id: manualAlbumId,
                      photoIds: [opened.photo.id],
                    }).then(bulk.report, () => undefined);
                  }}
                >
                  <Icon name="trash" size={14} />
                  {t('albumPhotos.remove')}
                </button>
              )}
            </div>
          }
          onClose={closePhoto}
          onShowSimilar={() => {
            const id = opened.photo.id;
            closePhoto();
            props.onQuery(`similar:${String(id)}`);
          }}
          onNavigate={(next) => {
            if (next >= 0 && next < search.total) {
              search.ensureLoaded(next);
              const photo = search.photos[next];
              if (photo) {
                showPhoto(photo, next);
                setSelection({ selected: new Set([ids[next] ?? -1]), anchor: next, focus: next });
              }
            }
          }}
        />
      )}
    </main>
  );
}
