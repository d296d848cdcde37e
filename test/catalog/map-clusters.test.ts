// The map's clusters on a real catalog file (issue 16, [Note: Map grid]): counts, positions and
// bounds per cell, cells that stay put whatever the box, a search's WHERE narrowing them,
// missing photos left out, and the index the query reads (EXPLAIN QUERY PLAN).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clusterLocatedPhotos,
  clusterStatement,
  countPhotosByLocation,
} from '../../main/catalog/map-clusters.ts';
import { planQueryText } from '../../main/search/search-service.ts';
import { mapCellDegrees } from '../../main/search/map-search.ts';
import { SearchFixture } from '../search/search-fixture.ts';

const world = { south: -90, west: -180, north: 90, east: 180 };

describe(clusterLocatedPhotos.name, () => {
  let fx: SearchFixture;
  beforeAll(() => {
    fx = new SearchFixture();
    fx.addTags([{ name: 'dog', zh: '狗', en: 'Dog' }]);
    // Three photos around Shanghai (one cell at 1.40625°, zoom 4), two in Beijing, one in Sydney.
    fx.addPhoto({ relPath: 'sh1.jpg', lat: 31.2, lon: 121.4, tags: [{ tag: 'dog' }] });
    fx.addPhoto({ relPath: 'sh2.jpg', lat: 31.3, lon: 121.5 });
    fx.addPhoto({ relPath: 'sh3.jpg', lat: 31.1, lon: 121.6 });
    fx.addPhoto({ relPath: 'bj1.jpg', lat: 39.9, lon: 116.4, tags: [{ tag: 'dog' }] });
    fx.addPhoto({ relPath: 'bj2.jpg', lat: 39.95, lon: 116.45 });
    fx.addPhoto({ relPath: 'syd.jpg', lat: -33.87, lon: 151.21 });
    // The same bytes in a second place: two photos, one position.
    fx.addPhoto({ relPath: 'syd-copy.jpg', hash: 'hash-syd.jpg' });
    fx.addPhoto({ relPath: 'gone.jpg', lat: 31.2, lon: 121.45, status: 'missing' });
    fx.addPhoto({ relPath: 'no-gps.jpg' });
    fx.addPhoto({ relPath: 'pending.jpg', hash: null });
  });
  afterAll(() => {
    fx.close();
  });

  it('groups the photos by cell with their count, mean position, bounds and newest photo', () => {
    const clusters = clusterLocatedPhotos(fx.db, world, mapCellDegrees(4), null);
    expect(clusters.map((c) => c.count)).toEqual([3, 2, 2]);
    const [shanghai, second, third] = clusters;
    expect(shanghai?.lat).toBeCloseTo(31.2, 9);
    expect(shanghai?.lon).toBeCloseTo(121.5, 9);
    expect(shanghai?.bounds).toEqual({ south: 31.1, west: 121.4, north: 31.3, east: 121.6 });
    expect(shanghai?.samplePhotoId).toBe(fx.photoIds.get('sh3.jpg'));
    expect(shanghai?.sampleHash).toBe('hash-sh3.jpg');
    // Ties in count: the newest photo first (Sydney's copy was added after Beijing's photos).
    expect(second?.samplePhotoId).toBe(fx.photoIds.get('syd-copy.jpg'));
    expect(second?.sampleHash).toBe('hash-syd.jpg');
    expect(third?.bounds).toEqual({ south: 39.9, west: 116.4, north: 39.95, east: 116.45 });
  });

  it('puts one photo per cell at a fine zoom and everything near together at zoom 0', () => {
    expect(clusterLocatedPhotos(fx.db, world, mapCellDegrees(12), null)).toHaveLength(6);
    const coarse = clusterLocatedPhotos(fx.db, world, mapCellDegrees(0), null);
    // 22.5° cells: Shanghai (31°N 121°E) and Beijing (39°N 116°E) share [22.5, 45) × [112.5, 135).
    expect(coarse.map((c) => c.count)).toEqual([5, 2]);
  });

  it('keeps the cells anchored to the world, so a box that cuts the view changes no cluster', () => {
    const cell = mapCellDegrees(4);
    const whole = clusterLocatedPhotos(fx.db, world, cell, null);
    const east = clusterLocatedPhotos(
      fx.db,
      { south: 20, west: 110, north: 45, east: 125 },
      cell,
      null,
    );
    expect(east).toEqual(whole.filter((c) => c.lon > 110 && c.lat > 20));
    expect(east).toHaveLength(2);
  });

  it('shows only what a search finds when given its plan', () => {
    const dogs = planQueryText(fx.db, 'dog');
    const clusters = clusterLocatedPhotos(fx.db, world, mapCellDegrees(4), dogs);
    expect(clusters.map((c) => [c.count, c.samplePhotoId])).toEqual([
      [1, fx.photoIds.get('bj1.jpg')],
      [1, fx.photoIds.get('sh1.jpg')],
    ]);
    expect(countPhotosByLocation(fx.db, dogs)).toEqual({ located: 2, unlocated: 0 });
  });

  it('counts photos with and without a position, leaving out missing ones', () => {
    expect(countPhotosByLocation(fx.db, null)).toEqual({ located: 7, unlocated: 2 });
    expect(countPhotosByLocation(fx.db, planQueryText(fx.db, 'status:missing'))).toEqual({
      located: 1,
      unlocated: 0,
    });
  });

  it('reads the located contents in the box from contents_location (migration 18)', () => {
    const box = { south: 30, west: 120, north: 32, east: 122 };
    const { sql, params } = clusterStatement(box, mapCellDegrees(4), null);
    const detail = fx.db
      .prepare<(string | number)[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
      .all(...params)
      .map((r) => r.detail)
      .join(' | ');
    expect(detail).toMatch(
      /SEARCH c USING (COVERING )?INDEX contents_location \(lat>\? AND lat<\?\)/,
    );
    expect(detail).toMatch(/SEARCH p USING INDEX photos_content \(content_id=\?\)/);
  });
});
