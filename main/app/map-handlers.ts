// The API channels of the map (preload/api-contract.ts `map.*`): clusters of the photos with
// GPS (main/search/map-search.ts) and the world outline shipped in assets/map (made once by
// scripts/build-world-outline.js; read from disk on first use, checked, kept in memory).
// Kept apart from app-service.ts, which spreads them into its handlers.
import { readFile } from 'node:fs/promises';
import type { Catalog } from '../catalog/catalog-connection.ts';
import { QueryParseError } from '../search/query-parser.ts';
import { mapPoints } from '../search/map-search.ts';
import { ApiError, MapOutline, type ApiHandlers } from '../../preload/api-contract.ts';

type MapChannels = 'map.points' | 'map.outline';

export const worldOutlineUrl = new URL('../../assets/map/world-outline.json', import.meta.url);

export function createMapHandlers(
  db: Catalog,
  outlineUrl: URL = worldOutlineUrl,
): Pick<ApiHandlers, MapChannels> {
  let outline: Promise<MapOutline> | null = null;
  return {
    'map.points': ({ query, bbox, zoom, lastWordPrefix }) => {
      try {
        return mapPoints(db, query, bbox, zoom, { lastWordPrefix });
      } catch (error) {
        if (error instanceof QueryParseError) {
          throw new ApiError('query-syntax', error.message, {
            start: error.position,
            length: Math.max(1, error.length),
          });
        }
        throw error;
      }
    },
    'map.outline': () => {
      outline ??= readFile(outlineUrl, 'utf8').then((text) => MapOutline.parse(JSON.parse(text)));
      // A failed read is not kept: the next call tries again.
      outline.catch(() => {
        outline = null;
      });
      return outline;
    },
  };
}
