// The map's API channels (issue 16) on a real catalog: clusters for the visible box and the
// search box's query, a query's syntax error as the API's `query-syntax` with its position,
// and the world outline shipped in assets/map read and checked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMapHandlers } from '../../main/app/map-handlers.ts';
import { apiContract, ApiError } from '../../preload/api-contract.ts';
import { SearchFixture } from '../search/search-fixture.ts';

describe(createMapHandlers.name, () => {
  let fx: SearchFixture;
  beforeAll(() => {
    fx = new SearchFixture();
    fx.addTags([{ name: 'dog', zh: '狗', en: 'Dog' }]);
    fx.addPhoto({ relPath: 'sh.jpg', lat: 31.2, lon: 121.4, tags: [{ tag: 'dog' }] });
    fx.addPhoto({ relPath: 'bj.jpg', lat: 39.9, lon: 116.4 });
    fx.addPhoto({ relPath: 'home.jpg', tags: [{ tag: 'dog' }] });
  });
  afterAll(() => {
    fx.close();
  });

  it('answers map.points for the box and the query, with the counts of the whole query', async () => {
    const handlers = createMapHandlers(fx.db);
    const input = apiContract['map.points'].input.parse({
      query: '狗',
      bbox: { south: 0, west: 100, north: 60, east: 130 },
      zoom: 3,
    });
    const points = apiContract['map.points'].output.parse(await handlers['map.points'](input));
    expect(points.clusters).toHaveLength(1);
    expect(points.clusters[0]).toMatchObject({ count: 1, lat: 31.2, lon: 121.4 });
    expect(points).toMatchObject({ located: 1, unlocated: 1, cellDegrees: 22.5 / 8 });
  });

  it('refuses a box upside down, and says where a query is wrong', async () => {
    const box = { south: 10, west: 0, north: 0, east: 10 };
    expect(apiContract['map.points'].input.safeParse({ bbox: box, zoom: 1 }).success).toBe(false);
    const handlers = createMapHandlers(fx.db);
    const input = apiContract['map.points'].input.parse({
      query: 'dog near:31',
      bbox: { south: -90, west: -180, north: 90, east: 180 },
      zoom: 0,
    });
    let caught: unknown = null;
    try {
      await handlers['map.points'](input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ApiError);
    expect(caught).toMatchObject({ code: 'query-syntax', span: { start: 9 } });
  });

  it('serves the world outline from assets/map: land and borders as path data', async () => {
    const outline = await createMapHandlers(fx.db)['map.outline']({});
    expect(outline.unit).toBe(0.05);
    // Rings start with an absolute move and close; there are hundreds of them at 1:50m.
    expect(outline.land.match(/M/g)?.length ?? 0).toBeGreaterThan(500);
    expect(outline.land.match(/z/g)?.length).toBe(outline.land.match(/M/g)?.length);
    expect(outline.borders).toMatch(/^M-?\d+[ -]\d+l/);
    // No step of a ring crosses the map: a ring across the antimeridian is unwrapped, never
    // drawn from +180° back to -180° (which showed as a line across the whole world). Only
    // Antarctica's closing edge runs along the pole, as it should.
    let widest = 0;
    for (const ring of outline.land.split('M').slice(1)) {
      const numbers = (ring.match(/-?\d+/g) ?? []).map(Number);
      let y = numbers[1] ?? 0;
      for (let i = 2; i + 1 < numbers.length; i += 2) {
        const next = y + (numbers[i + 1] ?? 0);
        const alongPole = Math.min(Math.abs(y), Math.abs(next)) * outline.unit > 89.9;
        if (!alongPole) widest = Math.max(widest, Math.abs(numbers[i] ?? 0) * outline.unit);
        y = next;
      }
    }
    expect(widest).toBeLessThan(90);
    // Every ring starts on the world, or on its copy one turn east or west (a ring across the
    // antimeridian is drawn twice, shifted by 360°, and clipped by the map): |y| ≤ 90°.
    for (const m of outline.land.matchAll(/M(-?\d+) ?(-?\d+)/g)) {
      expect(Math.abs(Number(m[1]) * outline.unit)).toBeLessThanOrEqual(540);
      expect(Math.abs(Number(m[2]) * outline.unit)).toBeLessThanOrEqual(90);
    }
  });
});
