// The UI's search, autocomplete and album counts through the one query language
// (main/search): results mapped to the API's shapes, parse errors to `query-syntax`.
import type { Catalog } from '../catalog/catalog-connection.ts';
import {
  autocompleteTags,
  countPhotos,
  QueryParseError,
  SearchCursorError,
  searchPhotos,
  type SearchItem,
} from '../search/search-service.ts';
import { ApiError, type PhotoSummary } from '../../preload/api-contract.ts';
import type { SearchPort } from './app-service.ts';

function translateErrors<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof QueryParseError) {
      throw new ApiError('query-syntax', error.message, {
        start: error.position,
        length: Math.max(1, error.length),
      });
    }
    if (error instanceof SearchCursorError) throw new ApiError('invalid-input', error.message);
    throw error;
  }
}

/** A search's (or an album page's) item as the API's photo summary. */
export function photoSummaryOf(item: SearchItem): PhotoSummary {
  return {
    id: item.id,
    folderId: item.folderId,
    relPath: item.relPath,
    hash: item.hash,
    width: item.width,
    height: item.height,
    takenAt: item.takenAt,
    status: item.status,
    hasThumbnail: item.hash !== null && item.status !== 'broken',
  };
}

export function createSearchPort(db: Catalog): SearchPort {
  return {
    search: (input) =>
      translateErrors(() => {
        const result = searchPhotos(db, input.query, {
          sort: input.sort,
          limit: input.limit,
          cursor: input.cursor,
          facets: input.withFacets,
          lastWordPrefix: input.lastWordPrefix,
        });
        return {
          total: result.total,
          nextCursor: result.nextCursor,
          photos: result.items.map(photoSummaryOf),
          facets: result.facets && {
            tags: result.facets.tags.map((t) => ({
              tagId: t.tagId,
              name: t.name,
              type: t.type,
              zh: t.zh,
              en: t.en,
              count: t.count,
            })),
            years: result.facets.years,
            folders: result.facets.folders,
            engines: result.facets.engines,
          },
        };
      }),
    autocomplete: (prefix, limit) =>
      autocompleteTags(db, prefix, limit).map((t) => ({
        tagId: t.tagId,
        name: t.name,
        type: t.type,
        zh: t.zh,
        en: t.en,
        count: t.count,
      })),
    count: (query) => translateErrors(() => countPhotos(db, query)),
  };
}
