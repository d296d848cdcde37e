// The SQL a search runs when no snapshot answers it (main/search/search-service.ts). The
// planner (search/search-planner.ts) compiles the query language into a FROM/WHERE with bound
// parameters; this module is where those compiled statements, and the fixed ones around them
// (the page's rows, the facets), meet the connection, so the catalog holds every `prepare`.
// The facet statements are exported so test/search/search-plans.test.ts can assert their plans.
import type { ReadableCatalog as Catalog } from './catalog-connection.ts';

export const facetSql = {
  rows: `SELECT j.key, pt.tag_id, pt.engine
         FROM json_each(?) j CROSS JOIN photo_tags pt ON pt.content_id = j.value
         WHERE pt.state != 'rejected'`,
  tagNames: `SELECT id AS tagId, name, type, zh, en FROM tags WHERE id IN (SELECT value FROM json_each(?))`,
  tagTypes: `SELECT id, type FROM tags`,
  // Entries (photos) whose content has text read in it: the `text` engine's facet count
  // ([Note: engine:text means has:text] in search-planner.ts).
  withText: `SELECT count(*) AS n FROM json_each(?) j
             WHERE EXISTS (SELECT 1 FROM photo_text_lines tl WHERE tl.content_id = j.value)`,
} as const;

type Param = string | number;

/** How many photos a compiled plan matches. */
export function countPlannedPhotos(
  db: Catalog,
  plan: { readonly from: string; readonly where: string; readonly params: readonly Param[] },
): number {
  return (
    db
      .prepare<Param[], { n: number }>(`SELECT count(*) AS n FROM ${plan.from} WHERE ${plan.where}`)
      .get(...plan.params)?.n ?? 0
  );
}

/** The sort-key rows of a compiled key query (search-service.ts `keySql`). */
export function listPlannedRows<Row>(db: Catalog, sql: string, params: readonly Param[]): Row[] {
  return db.prepare<Param[], Row>(sql).all(...params);
}

/** One page of photos with what a result item shows; `best` is the given confidence SQL. */
export function listSearchItemRows<Row>(
  db: Catalog,
  best: { readonly sql: string; readonly params: readonly Param[] },
  photoIds: readonly number[],
): Row[] {
  return db
    .prepare<Param[], Row>(
      `SELECT p.id, p.content_id, p.folder_id, f.path AS folder_path, f.status AS folder_status,
              p.rel_path, p.status, c.hash, c.width, c.height, c.taken_at, c.camera, ${best.sql} AS best
       FROM photos p JOIN folders f ON f.id = p.folder_id LEFT JOIN contents c ON c.id = p.content_id
       WHERE p.id IN (SELECT value FROM json_each(?))`,
    )
    .all(...best.params, JSON.stringify(photoIds));
}

/** Paths of the given folders. */
export function listFolderPathsByIds(
  db: Catalog,
  folderIds: readonly number[],
): { id: number; path: string }[] {
  return db
    .prepare<[string], { id: number; path: string }>(
      `SELECT id, path FROM folders WHERE id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(folderIds));
}

/** Names of the given tags, for the tag facet. */
export function listFacetTagNames<Row>(db: Catalog, tagIds: readonly number[]): Row[] {
  return db.prepare<[string], Row>(facetSql.tagNames).all(JSON.stringify(tagIds));
}

/** [tag id, type] of every tag. */
export function listTagTypePairs<Type extends string>(db: Catalog): [number, Type][] {
  return db.prepare<[], [number, Type]>(facetSql.tagTypes).raw().all();
}

/** How many of these contents (one entry per photo, repeats counted) have text read in them. */
export function countEntriesWithText(db: Catalog, contentIds: readonly number[]): number {
  return (
    db.prepare<[string], { n: number }>(facetSql.withText).get(JSON.stringify(contentIds))?.n ?? 0
  );
}

/** [photo key, tag id, engine] of the live tag rows of the given contents (by key). */
export function iterateFacetRows(
  db: Catalog,
  contentIds: readonly number[],
): IterableIterator<[number, number, string]> {
  return db
    .prepare<[string], [number, number, string]>(facetSql.rows)
    .raw()
    .iterate(JSON.stringify(contentIds));
}
