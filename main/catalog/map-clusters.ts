// The map's clusters (issue 16): photos with GPS grouped by a grid over the visible box, so a
// library of 100k located photos sends a few hundred circles, not 100k points. Plain SQL over
// contents_location (migration 18); the search's own WHERE (search-planner.ts) can narrow the
// photos, so the map shows what the search box asks for.
//
// [Note: Map grid]
// Cells are squares of `cellDegrees` anchored at (-90, -180), not at the box's corner: the same
// photos fall in the same cell whatever part of the world is on screen, so clusters stay put
// while the user pans and only split when the zoom (hence the cell size) changes. A cluster sits
// at the mean position of its photos (not the cell's centre) and carries their bounding box,
// which the map turns into an `area:` search: the grid then shows exactly the cluster's photos.
import type { ReadableCatalog as Catalog } from './catalog-connection.ts';

/** A box in degrees: `west <= east` (the map does not wrap around the antimeridian). */
export interface GeoBox {
  readonly south: number;
  readonly west: number;
  readonly north: number;
  readonly east: number;
}

/** A WHERE over `photos p LEFT JOIN contents c` (a search plan's), with its FROM and parameters. */
export interface PhotoFilterSql {
  readonly from: string;
  readonly where: string;
  readonly params: readonly (string | number)[];
}

export interface MapCluster {
  readonly lat: number;
  readonly lon: number;
  readonly count: number;
  /** The smallest box holding every photo of the cluster. */
  readonly bounds: GeoBox;
  /** The most recently added photo of the cluster, for its thumbnail. */
  readonly samplePhotoId: number;
  readonly sampleHash: string;
}

interface ClusterRow {
  lat: number;
  lon: number;
  n: number;
  south: number;
  west: number;
  north: number;
  east: number;
  photo: number;
  hash: string;
}

const unfilteredFrom = `contents c JOIN photos p ON p.content_id = c.id`;

/** The cluster query and its parameters (exported for the EXPLAIN QUERY PLAN test). */
export function clusterStatement(
  box: GeoBox,
  cellDegrees: number,
  filter: PhotoFilterSql | null,
): { sql: string; params: (string | number)[] } {
  const where = filter ? `(${filter.where})` : `p.status != 'missing'`;
  const sql = `
    SELECT g.lat, g.lon, g.n, g.south, g.west, g.north, g.east, g.photo,
      (SELECT c2.hash FROM photos p2 JOIN contents c2 ON c2.id = p2.content_id WHERE p2.id = g.photo) AS hash
    FROM (
      SELECT avg(c.lat) AS lat, avg(c.lon) AS lon, count(*) AS n,
        min(c.lat) AS south, min(c.lon) AS west, max(c.lat) AS north, max(c.lon) AS east,
        max(p.id) AS photo
      FROM ${filter?.from ?? unfilteredFrom}
      WHERE c.lat BETWEEN ? AND ? AND c.lon BETWEEN ? AND ? AND ${where}
      GROUP BY CAST((c.lat + 90) / ? AS INTEGER), CAST((c.lon + 180) / ? AS INTEGER)
    ) g
    ORDER BY g.n DESC, g.photo DESC`;
  const params = [
    box.south,
    box.north,
    box.west,
    box.east,
    ...(filter?.params ?? []),
    cellDegrees,
    cellDegrees,
  ];
  return { sql, params };
}

/** The photos in a box, grouped by the grid of [Note: Map grid]; the largest clusters first. */
export function clusterLocatedPhotos(
  db: Catalog,
  box: GeoBox,
  cellDegrees: number,
  filter: PhotoFilterSql | null,
): MapCluster[] {
  const { sql, params } = clusterStatement(box, cellDegrees, filter);
  return db
    .prepare<(string | number)[], ClusterRow>(sql)
    .all(...params)
    .map((r) => ({
      lat: r.lat,
      lon: r.lon,
      count: r.n,
      bounds: { south: r.south, west: r.west, north: r.north, east: r.east },
      samplePhotoId: r.photo,
      sampleHash: r.hash,
    }));
}

/** Photos (matching the filter) with and without a position, for the map's counts. */
export function countPhotosByLocation(
  db: Catalog,
  filter: PhotoFilterSql | null,
): { located: number; unlocated: number } {
  const from = filter?.from ?? `photos p LEFT JOIN contents c ON c.id = p.content_id`;
  const where = filter ? `(${filter.where})` : `p.status != 'missing'`;
  const row = db
    .prepare<(string | number)[], { located: number | null; unlocated: number | null }>(
      `SELECT sum(c.lat IS NOT NULL AND c.lon IS NOT NULL) AS located,
              sum(c.lat IS NULL OR c.lon IS NULL) AS unlocated
       FROM ${from} WHERE ${where}`,
    )
    .get(...(filter?.params ?? []));
  return { located: row?.located ?? 0, unlocated: row?.unlocated ?? 0 };
}
