// EXPLAIN QUERY PLAN pins (STYLE.md rule 5): each search, facet, autocomplete and album-count
// query must keep using the index it was written for, so an index that stops being used
// (a dropped index, a rewritten condition) fails here rather than in a slow library.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../main/catalog/catalog-connection.ts';
import { countSql, facetSql, keySql, planQueryText } from '../../main/search/search-service.ts';
import { autocompleteSql, refreshTagTerms } from '../../main/catalog/tag-terms.ts';
import { commonTags, SearchFixture } from './search-fixture.ts';

let fx: SearchFixture;
let db: Catalog;

beforeAll(() => {
  fx = new SearchFixture();
  db = fx.db;
  fx.addTags([
    ...commonTags,
    ...['花', '花园', '樱花', '花瓶', '菊花'].map((zh, i) => ({
      name: `flower ${i}`,
      zh,
      en: `Flower ${i}`,
    })),
  ]);
  // Enough rows that a full scan and an index search are different plans.
  const names = commonTags.map((t) => t.name);
  for (let i = 0; i < 300; i++) {
    fx.addPhoto({
      folder: i % 3 === 0 ? '/photos/Trips' : '/photos/Home',
      relPath: `p${i}.jpg`,
      takenAt: `${2015 + (i % 9)}-0${1 + (i % 9)}-10T10:00:00`,
      camera: i % 2 ? 'Canon EOS' : 'iPhone',
      tags: [
        { tag: names[i % names.length] ?? 'dog', boxes: i % 4 },
        { tag: names[(i * 7) % names.length] ?? 'cat', engine: 'huawei' },
      ].filter((t, k, all) => k === 0 || t.tag !== all[0]?.tag),
    });
  }
  refreshTagTerms(db);
});
afterAll(() => {
  fx.close();
});

function planOf(sql: string, params: readonly (string | number)[]): string {
  return db
    .prepare<(string | number)[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
    .all(...params)
    .map((r) => r.detail)
    .join('\n');
}

function searchPlan(query: string): string {
  const plan = planQueryText(db, query);
  const keys = keySql(plan, 'taken-desc');
  return planOf(keys.sql, [...keys.params, ...plan.params]);
}

describe('search query plans', () => {
  it('drives a tag search from the live-tag index and reaches photos by content', () => {
    const plan = searchPlan('dog beach conf>50 camera:canon');
    // The rarer word drives; the other is a key probe inside the driving subquery.
    expect(plan).toMatch(/SEARCH d USING (COVERING )?INDEX photo_tags_live \(tag_id=\?\)/);
    expect(plan).toMatch(
      /SEARCH pt EXISTS USING (PRIMARY KEY \(content_id=\? AND tag_id=\?|INDEX photo_tags_live \(tag_id=\? AND content_id=\?)/,
    );
    expect(plan).toMatch(/SEARCH p USING INDEX photos_content \(content_id=\?\)/);
    expect(plan).not.toMatch(/SCAN p\b/);
  });

  it('drives a date search from contents_taken_at', () => {
    const plan = searchPlan('date:2016 -cat folder:Trips');
    expect(plan).toMatch(
      /SEARCH contents USING COVERING INDEX contents_taken_at \(taken_at>\? AND taken_at<\?\)/,
    );
    expect(plan).toMatch(/SEARCH p USING INDEX photos_content \(content_id=\?\)/);
    expect(plan).toMatch(/SEARCH f USING INTEGER PRIMARY KEY/);
    expect(plan).not.toMatch(/SCAN p\b/);
  });

  it('tests a word with many tags against the content rows, not id by id', () => {
    // 花 is in five tag names: more than four ids are checked per content row.
    const many = planQueryText(db, '-花');
    expect(many.params.filter((p) => typeof p === 'number').length).toBe(5);
    const plan = planOf(keySql(many, 'taken-desc').sql, many.params);
    expect(plan).toMatch(/SEARCH pt USING PRIMARY KEY \(content_id=\?\)/);
    expect(plan).not.toMatch(/tag_id=\?/);
    // A few ids are probed directly.
    const few = planQueryText(db, '-狗');
    expect(planOf(keySql(few, 'taken-desc').sql, few.params)).toMatch(
      /SEARCH pt USING PRIMARY KEY \(content_id=\? AND tag_id=\?\)/,
    );
  });

  it('uses the box owner index for has:boxes and faces', () => {
    const plan = searchPlan('dog has:boxes faces:2+');
    expect(plan).toMatch(/SEARCH b USING COVERING INDEX tag_boxes_owner \(content_id=\?/);
    expect(plan).toMatch(
      /SEARCH pt USING PRIMARY KEY \(content_id=\? AND tag_id=\? AND engine=\?\)/,
    );
  });

  it('counts albums with the same indexed plans, an OR of words driven as one tag set', () => {
    for (const query of [
      'beach OR sunset',
      '猫 date:2016',
      'dog -cat',
      '(狗 OR 猫) camera:canon',
    ]) {
      const plan = planQueryText(db, query);
      const text = planOf(countSql(plan), plan.params);
      expect(text, query).toMatch(/INDEX (photo_tags_live|contents_taken_at)/);
      expect(text, query).toMatch(
        /SEARCH p USING (COVERING )?INDEX photos_content \(content_id=\?\)/,
      );
      expect(text, query).not.toMatch(/SCAN p\b/);
    }
  });

  it('computes facets with one primary-key range of photo_tags per result photo', () => {
    const plan = planOf(facetSql.rows, [JSON.stringify([1, 2, 3])]);
    expect(plan).toMatch(/SCAN j/);
    expect(plan).toMatch(/SEARCH pt USING PRIMARY KEY \(content_id=\?\)/);
    expect(plan).not.toMatch(/SCAN pt/);
    expect(planOf(facetSql.tagNames, ['[1]'])).toMatch(/SEARCH tags USING INTEGER PRIMARY KEY/);
    // The text engine's count: one primary-key probe of the text lines per result photo.
    const text = planOf(facetSql.withText, [JSON.stringify([1, 2, 3])]);
    expect(text).toMatch(/SEARCH tl (EXISTS )?USING PRIMARY KEY \(content_id=\?\)/);
    expect(text).not.toMatch(/SCAN tl/);
  });

  it('autocompletes with one range scan of tag_terms and key lookups', () => {
    const plan = planOf(autocompleteSql, ['do', 'do\u{10FFFF}', 8]);
    expect(plan).toMatch(/SEARCH m USING PRIMARY KEY \(term>\? AND term<\?\)/);
    expect(plan).toMatch(/SEARCH s USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    expect(plan).toMatch(/SEARCH t USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    expect(plan).not.toMatch(/SCAN (tags|tag_terms|tag_stats)/);
  });
});
