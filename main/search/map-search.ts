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

/** Clusters in the box at a zoom, and the query's counts. Throws `QueryParseError`. */
export function mapPoints(db: Catalog, query: string, box: GeoBox, zoom: number): MapPointsResult {
  const filter = query.trim() === '' ? null : planQueryText(db, query);
  const cellDegrees = mapCellDegrees(zoom);
  return {
    clusters: clusterLocatedPhotos(db, box, cellDegrees, filter),
    ...countPhotosByLocation(db, filter),
    cellDegrees,
  };
}
