// Runs a search page by page. The first page brings the total and facets; later pages are
// fetched in order (the cursor is opaque) when the grid scrolls near the loaded end. A new
// query keeps the old results on screen until its first page arrives (no flashing). With a
// manual album's id it pages through the album in its order instead (no facets).
import { useCallback, useEffect, useRef, useState } from 'react';
import type { PhotoSummary, SearchFacets, SearchSort } from '../../../../preload/api-contract.ts';
import { useClient } from '../../api/client-context.tsx';

const pageSize = 400;
/** The API's largest page: a jump far ahead (the timeline) catches up in pages this big. */
const largestPage = 10_000;

export interface SearchState {
  readonly photos: readonly PhotoSummary[];
  readonly total: number;
  readonly facets: SearchFacets | null;
  readonly loading: boolean;
  readonly error: unknown;
  /** True once the first page for the current query arrived. */
  readonly ready: boolean;
}

export function useSearch(
  query: string,
  sort: SearchSort,
  version: number,
  typing = false,
  manualAlbumId: number | null = null,
) {
  const client = useClient();
  const fetchPage = useCallback(
    (cursor: string | null, withFacets: boolean, limit = pageSize) =>
      manualAlbumId === null
        ? client.api['photos.search']({
            query,
            sort,
            cursor,
            limit,
            withFacets,
            lastWordPrefix: typing,
          })
        : client.api['albums.photos']({ id: manualAlbumId, cursor, limit }),
    [client, query, sort, typing, manualAlbumId],
  );
  const [state, setState] = useState<SearchState>({
    photos: [],
    total: 0,
    facets: null,
    loading: true,
    error: null,
    ready: false,
  });
  const run = useRef(0);
  const cursor = useRef<string | null>(null);
  const fetching = useRef(false);
  const [retry, setRetry] = useState(0);

  useEffect(() => {
    const id = ++run.current;
    fetching.current = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    fetchPage(null, true).then(
      (result) => {
        if (id !== run.current) return;
        cursor.current = result.nextCursor;
        fetching.current = false;
        setState({
          photos: result.photos,
          total: result.total,
          facets: result.facets,
          loading: false,
          error: null,
          ready: true,
        });
      },
      (error: unknown) => {
        if (id !== run.current) return;
        fetching.current = false;
        setState({ photos: [], total: 0, facets: null, loading: false, error, ready: true });
      },
    );
  }, [fetchPage, version, retry]);

  /** Ask for photos up to this index; loads the next pages in order. */
  const ensureLoaded = useCallback(
    (index: number) => {
      if (fetching.current || cursor.current === null || index < state.photos.length) return;
      const id = run.current;
      fetching.current = true;
      // Pages come in order (keyset cursor): scrolling asks for one page ahead, a jump far
      // ahead (the timeline) asks for everything up to there in the largest pages, so it
      // settles in a few round trips instead of one per 400 photos.
      const missing = index + pageSize - state.photos.length;
      fetchPage(cursor.current, false, Math.min(largestPage, Math.max(pageSize, missing))).then(
        (result) => {
          if (id !== run.current) return;
          cursor.current = result.nextCursor;
          fetching.current = false;
          setState((s) => ({ ...s, photos: [...s.photos, ...result.photos], total: result.total }));
        },
        () => {
          fetching.current = false;
        },
      );
    },
    [fetchPage, state.photos.length],
  );

  return {
    ...state,
    ensureLoaded,
    retry: () => {
      setRetry((r) => r + 1);
    },
  };
}
