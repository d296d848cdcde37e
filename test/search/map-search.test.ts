// The map's answer for a view (main/search/map-search.ts) on a real catalog: boxes widened to
// whole grid cells (a cluster cut by the edge of the view keeps its count while panning), and
// the query's counts kept until the catalog changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapCellDegrees, mapPoints, snapBoxToCells } from '../../main/search/map-search.ts';
import { SearchFixture } from './search-fixture.ts';

describe(snapBoxToCells.name, () => {
  it('widens a box to the grid cells it touches, within the world', () => {
    const cell = mapCellDegrees(4); // 1.40625°
    expect(snapBoxToCells({ south: 30.1, west: 120.1, north: 30.2, east: 120.2 }, cell)).toEqual({
      south: 29.53125,
      west: 119.53125,
      north: 30.9375,
      east: 120.9375,
    });
    expect(snapBoxToCells({ south: -90, west: -180, north: 90, east: 180 }, 22.5)).toEqual({
      south: -90,
      west: -180,
      north: 90,
      east: 180,
    });
  });
});

describe(mapPoints.name, () => {
  let fx: SearchFixture;
  beforeAll(() => {
    fx = new SearchFixture();
    fx.addPhoto({ relPath: 'a.jpg', lat: 31.2, lon: 121.4 });
    fx.addPhoto({ relPath: 'b.jpg', lat: 31.3, lon: 121.6 });
    fx.addPhoto({ relPath: 'c.jpg' });
  });
  afterAll(() => {
    fx.close();
  });

  it('gives a cluster cut by the edge of the view whole', () => {
    // The view ends between the two photos; both share one 1.4° cell.
    const cut = mapPoints(fx.db, '', { south: 30, west: 120, north: 32, east: 121.5 }, 4);
    expect(cut.clusters.map((c) => c.count)).toEqual([2]);
    expect(cut.clusters[0]?.bounds).toEqual({ south: 31.2, west: 121.4, north: 31.3, east: 121.6 });
  });

  it('counts the query photos with and without a position, and follows a new photo', () => {
    const world = { south: -90, west: -180, north: 90, east: 180 };
    expect(mapPoints(fx.db, '', world, 0)).toMatchObject({ located: 2, unlocated: 1 });
    fx.addPhoto({ relPath: 'd.jpg', lat: -33.9, lon: 151.2 });
    expect(mapPoints(fx.db, '', world, 0)).toMatchObject({ located: 3, unlocated: 1 });
    expect(mapPoints(fx.db, ' folder:nothing ', world, 0)).toMatchObject({
      clusters: [],
      located: 0,
      unlocated: 0,
    });
  });
});
