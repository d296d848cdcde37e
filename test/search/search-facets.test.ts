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
    const queries = [...cornerQueries, ...generateSnapshotQueries(11, 150)];
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
});
