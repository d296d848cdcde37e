// Facets from a search snapshot (counted exactly in memory) against facets from SQL (exact too
// when the sample limit is above the result), on the corner catalog of the snapshot
// differential test: the same tags, years, folders, engines and types with the same counts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryParseError, searchPhotos } from '../../main/search/search-service.ts';
import { loadSearchSnapshot, type SearchSnapshot } from '../../main/search/search-snapshot.ts';
import type { SearchFixture } from './search-fixture.ts';
import {
  buildSnapshotCatalog,
  cornerQueries,
  generateSnapshotQueries,
} from './search-snapshot-fixture.ts';

let fixture: SearchFixture;
let snapshot: SearchSnapshot;
beforeAll(() => {
  fixture = buildSnapshotCatalog();
  snapshot = loadSearchSnapshot(fixture.db);
});
afterAll(() => {
  fixture.close();
});

describe('searchPhotos facets', () => {
  it('counts the same facets in memory as in SQL', () => {
    const queries = [...cornerQueries, ...generateSnapshotQueries(11, 158)];
    let compared = 0;
    for (const query of queries) {
      let fromSql;
      try {
        fromSql = searchPhotos(fixture.db, query, { facetSampleLimit: 1e9 }, null);
      } catch (error) {
        if (error instanceof QueryParseError) continue;
        throw error;
      }
      const fromMemory = searchPhotos(fixture.db, query, { facetTagLimit: 1000 }, snapshot);
      const sqlAll = searchPhotos(
        fixture.db,
        query,
        { facetTagLimit: 1000, facetSampleLimit: 1e9 },
        null,
      );
      expect(fromMemory.total, query).toBe(fromSql.total);
      expect(
        fromMemory.items.map((i) => i.id),
        query,
      ).toEqual(fromSql.items.map((i) => i.id));
      expect(fromMemory.facets, query).toEqual(sqlAll.facets);
      compared++;
    }
    expect(compared).toBeGreaterThan(200);
  });

  it('counts the text engine in the engine facet: the result photos text was read in', () => {
    for (const snap of [snapshot, null]) {
      const all = searchPhotos(fixture.db, '', { facetSampleLimit: 1e9 }, snap);
      const withText = searchPhotos(fixture.db, 'has:text', { limit: 1 }, snap).total;
      expect(withText).toBeGreaterThan(0);
      expect(all.facets?.engines, snap ? 'in memory' : 'SQL').toContainEqual({
        engine: 'text',
        count: withText,
      });
      // Clicking it searches engine:text, which finds those photos.
      expect(searchPhotos(fixture.db, 'engine:text', {}, snap).total).toBe(withText);
    }
  });
});
