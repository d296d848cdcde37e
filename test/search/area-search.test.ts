// `near:` and `area:` on real places (issue 16, [Note: Area search]): the same photos through
// the SQL planner and the in-memory snapshot, circles across the antimeridian, the edges of a
// box, and the parser's messages. The differential test (search-snapshot.test.ts) covers the
// terms inside random queries; this one checks the answers themselves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuery, QueryParseError, formatQuery } from '../../main/search/query-parser.ts';
import { nearCircle } from '../../main/search/search-planner.ts';
import { loadSearchSnapshot, snapshotKeyRows } from '../../main/search/search-snapshot.ts';
import { searchPhotos } from '../../main/search/search-service.ts';
import { SearchFixture } from './search-fixture.ts';

const places = {
  shanghaiBund: { lat: 31.24, lon: 121.49 },
  shanghaiPudong: { lat: 31.22, lon: 121.544 }, // about 5.6 km east-south-east of the Bund
  hangzhou: { lat: 30.2741, lon: 120.1551 }, // about 165 km from the Bund
  beijing: { lat: 39.9042, lon: 116.4074 },
  suva: { lat: -18.1416, lon: 178.4419 }, // Fiji, west of the antimeridian
  taveuni: { lat: -16.85, lon: -179.95 }, // Fiji, east of it: about 270 km from Suva
  sydney: { lat: -33.8688, lon: 151.2093 },
} as const;

describe(`${searchPhotos.name}: near: and area: (${nearCircle.name})`, () => {
  let fx: SearchFixture;
  beforeAll(() => {
    fx = new SearchFixture();
    fx.addTags([{ name: 'dog', zh: '狗', en: 'Dog' }]);
    for (const [name, at] of Object.entries(places)) {
      fx.addPhoto({
        relPath: `${name}.jpg`,
        ...at,
        tags: name === 'hangzhou' ? [{ tag: 'dog' }] : [],
      });
    }
    fx.addPhoto({ relPath: 'no-gps.jpg' });
    fx.addPhoto({ relPath: 'pending.jpg', hash: null });
    fx.addPhoto({ relPath: 'gone.jpg', ...places.shanghaiBund, status: 'missing' });
  });
  afterAll(() => {
    fx.close();
  });

  /** The photos a query finds, by file name, through SQL and through the snapshot (must agree). */
  function found(query: string): string[] {
    const sql = searchPhotos(fx.db, query, { limit: 100, facets: false }, null)
      .items.map((i) => i.relPath.replace(/\.jpg$/, ''))
      .sort();
    const snapshot = loadSearchSnapshot(fx.db);
    const ids = new Set(snapshotKeyRows(snapshot, fx.db, query, 'taken-desc').map((r) => r.id));
    const memory = [...fx.photoIds.entries()]
      .filter(([, id]) => ids.has(id))
      .map(([path]) => path.replace(/\.jpg$/, ''))
      .sort();
    expect(memory).toEqual(sql);
    return sql;
  }

  it('finds the photos within a radius, in Chinese and English, and takes 5 km when none is given', () => {
    expect(found('near:31.24,121.49,10')).toEqual(['shanghaiBund', 'shanghaiPudong']);
    expect(found('附近:31.24，121.49，10km')).toEqual(['shanghaiBund', 'shanghaiPudong']);
    // 5 km (the default) leaves out Pudong at about 5.6 km.
    expect(found('near:31.24,121.49')).toEqual(['shanghaiBund']);
    expect(found('near:31.24,121.49,200')).toEqual(['hangzhou', 'shanghaiBund', 'shanghaiPudong']);
    expect(found('near:31.24,121.49,200 dog')).toEqual(['hangzhou']);
    expect(found('-near:31.24,121.49,200')).toEqual(['beijing', 'suva', 'sydney', 'taveuni']);
  });

  it('goes the short way round the antimeridian', () => {
    expect(found('near:-17.5,179.5,200')).toEqual(['suva', 'taveuni']);
    expect(found('near:-16.85,-179.95,300')).toEqual(['suva', 'taveuni']);
  });

  it('finds the photos in a box, edges included, and a box across ±180° when west > east', () => {
    expect(found('area:30,115,40,122')).toEqual([
      'beijing',
      'hangzhou',
      'shanghaiBund',
      'shanghaiPudong',
    ]);
    expect(found('区域:31.24,121.49,31.24,121.49')).toEqual(['shanghaiBund']);
    expect(found('area:-20,178,-15,-179')).toEqual(['suva', 'taveuni']);
    expect(found('bbox:-40,150,-30,152 OR near:39.9,116.4,20')).toEqual(['beijing', 'sydney']);
    // No position is no answer: neither in the area nor outside it.
    expect(found('-area:-90,-180,90,180')).toEqual([]);
  });

  it('takes a box of exact doubles as JavaScript prints them (the map writes cluster bounds so)', () => {
    const exif = { lat: -33.85983333333333, lon: 151.21111111111111 };
    const tiny = { lat: 1e-7, lon: -0.0000123 };
    expect(
      found(`area:${String(exif.lat)},${String(exif.lon)},${String(exif.lat)},${String(exif.lon)}`),
    ).toEqual([]);
    fx.addPhoto({ relPath: 'exif.jpg', ...exif });
    fx.addPhoto({ relPath: 'tiny.jpg', ...tiny });
    const box = (p: { lat: number; lon: number }) =>
      `area:${[p.lat, p.lon, p.lat, p.lon].map(String).join(',')}`;
    expect(String(tiny.lat)).toBe('1e-7');
    expect(found(box(exif))).toEqual(['exif']);
    expect(found(box(tiny))).toEqual(['tiny']);
  });

  it('round-trips through formatQuery', () => {
    for (const text of ['near:31.24,121.49,10', 'area:-20,178,-15,-179']) {
      expect(formatQuery(parseQuery(text))).toBe(text);
    }
    expect(formatQuery(parseQuery('附近:31.24,121.49'))).toBe('near:31.24,121.49,5');
  });

  it('says what a position should look like, where it is wrong', () => {
    const errorOf = (text: string) => {
      try {
        parseQuery(text);
      } catch (error) {
        if (error instanceof QueryParseError) return error;
      }
      throw new Error(`${text} parsed`);
    };
    expect(errorOf('dog near:31.2').message).toMatch(/latitude, longitude/);
    expect(errorOf('dog near:31.2').position).toBe(9);
    expect(errorOf('near:95,10').message).toMatch(/-90 to 90/);
    expect(errorOf('near:30,10,0').message).toMatch(/radius/);
    expect(errorOf('area:40,0,30,10').message).toMatch(/south edge/);
    expect(errorOf('area:1,2,3').message).toMatch(/south,west,north,east/);
  });

  it('measures a degree of longitude by the cosine of the centre latitude', () => {
    const circle = nearCircle({ field: 'near', lat: 60, lon: 0, km: 111.195 });
    expect(circle.south).toBeCloseTo(59, 9);
    expect(circle.north).toBeCloseTo(61, 9);
    expect(circle.lonScale).toBeCloseTo(0.5, 9);
    expect(circle.radius2).toBeCloseTo(1, 9);
  });
});
