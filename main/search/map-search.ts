// The map's clusters for a search (issue 16): the search box's query narrows the photos the map
// shows ("dog" photos on the map). The query runs through the SQL planner (search-planner.ts),
// whose WHERE joins the cluster query directly, so the grouping stays in one statement; the
// in-memory snapshot would hand back photo ids that SQL would then have to read again.
import type { Catalog } from '../catalog/catalog-connection.ts';
import {
  clusterLocatedPhotos,
  countPhotosByLocation,
  type GeoBox,
  type MapCluster,
} from '../catalog/map-clusters.ts';
import { readSearchGeneration } from '../catalog/search-snapshot-rows.ts';
import type { ParseOptions } from './query-parser.ts';
import { planQueryText } from './search-service.ts';

/** The grid's cell at a zoom: 16 cells across the world's half at zoom 0 ([Note: Map grid]). */
export function mapCellDegrees(zoom: number): number {
  return 22.5 / 2 ** zoom;
}

export interface MapPointsResult {
  readonly clusters: MapCluster[];
  readonly located: number;
  readonly unlocated: number;
  readonly cellDegrees: number;
}

/**
 * The box widened to whole cells of the grid: a cell cut by the edge of the view would give a
 * cluster of only its visible part, whose count and position would change while the user pans.
 */
export function snapBoxToCells(box: GeoBox, cellDegrees: number): GeoBox {
  const down = (v: number, origin: number) =>
    Math.floor((v + origin) / cellDegrees) * cellDegrees - origin;
  const up = (v: number, origin: number) =>
    (Math.floor((v + origin) / cellDegrees) + 1) * cellDegrees - origin;
  return {
    south: Math.max(-90, down(box.south, 90)),
    west: Math.max(-180, down(box.west, 180)),
    north: Math.min(90, up(box.north, 90)),
    east: Math.min(180, up(box.east, 180)),
  };
}

/**
 * The counts with and without a position cover the whole query, not the box: they are the same
 * for every pan and zoom, so they are kept per query until the catalog's search generation
 * moves (any write a search could see), instead of scanning every photo again each time.
 */
interface CachedCounts {
  readonly generation: number;
  readonly located: number;
  readonly unlocated: number;
}
const countCache = new WeakMap<Catalog, Map<string, CachedCounts>>();
const countCacheSize = 16;

function cachedCounts(
  db: Catalog,
  query: string,
  filter: ReturnType<typeof planQueryText> | null,
): { located: number; unlocated: number } {
  const generation = readSearchGeneration(db);
  let byQuery = countCache.get(db);
  if (!byQuery) countCache.set(db, (byQuery = new Map<string, CachedCounts>()));
  const hit = byQuery.get(query);
  if (hit?.generation === generation) return hit;
  const counts = countPhotosByLocation(db, filter);
  byQuery.delete(query);
  byQuery.set(query, { generation, ...counts });
  if (byQuery.size > countCacheSize) byQuery.delete(byQuery.keys().next().value ?? '');
  return counts;
}

/** Clusters in the box at a zoom, and the query's counts. Throws `QueryParseError`. */
export function mapPoints(
  db: Catalog,
  query: string,
  box: GeoBox,
  zoom: number,
  options: ParseOptions = {},
): MapPointsResult {
  // Trimmed only at the start: a trailing space says the last word is finished (ParseOptions).
  const text = query.trimStart();
  const filter = text.trim() === '' ? null : planQueryText(db, text, options);
  const cellDegrees = mapCellDegrees(zoom);
  return {
    clusters: clusterLocatedPhotos(db, snapBoxToCells(box, cellDegrees), cellDegrees, filter),
    ...cachedCounts(db, `${options.lastWordPrefix === true ? 'prefix' : 'word'}:${text}`, filter),
    cellDegrees,
  };
}
