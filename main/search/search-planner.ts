// Turns a parsed query (query-parser.ts) into one SQL WHERE over photos with bound
// parameters. Tag words are resolved to tag ids first (catalog/tag-terms.ts), so the SQL only ever
// compares ids, numbers and LIKE patterns built here; nothing typed becomes SQL text.
//
// [Note: What a result is]
// A result is a photo, i.e. a place (folder + relative path), not a content: a user expects
// to see every file, so the same bytes in two folders are two results (both carry the
// content's tags). Photos whose file is `missing` are left out unless the query asks for
// them with `status:missing`. Photos without content (pending, broken) have no tags, so they
// match only queries that need no tag (`status:broken`, `-tagged`, `folder:x`, `-dog`).
//
// [Note: Tag qualifiers]
// `type:`, `engine:` and `conf` qualify tag rows. At the top level of a query (not negated,
// not inside OR or parentheses) they refine every tag word: `dog engine:huawei conf>80` is
// "Huawei said dog with more than 80", and the photo must have at least one tag meeting them
// (so `engine:user` alone lists photos the user tagged). Anywhere else they stand alone:
// `-engine:huawei` is "no Huawei tag", `(dog OR type:scene)` is "dog, or any scene tag".
//
// [Note: Words match text in photos]
// A word (or an OR of words) matches a photo whose tags name it OR whose text read in the
// photo contains it (main/catalog/photo-text.ts, [Note: Text search index]): `咖啡` finds the
// café sign as well as the coffee tag. The text matches are resolved to content ids before the
// SQL is built, like tag words to tag ids; a word with text matches drives the search from the
// union of its tag rows and those contents. With top-level tag qualifiers (`type:`, `engine:`,
// `conf`) words match tags only: the qualifiers say which tag rows count, and text has none.
// `text:"…"` matches text only, `has:text` is "some text was read". search-snapshot.ts mirrors
// this line by line.
import type { Catalog } from '../catalog/catalog-connection.ts';
import { contentsWithTextContaining } from '../catalog/photo-text.ts';
import { similarContentIdsOfPhoto } from '../catalog/perceptual-hashes.ts';
import type { TagType } from '../engines/tag-model.ts';
import { countContentsTakenBetween } from '../catalog/contents.ts';
import { estimateContentsWithTags, filterTagIdsByType } from '../catalog/photo-tags.ts';
import type { ConfOp, QueryFilter, QueryNode } from './query-parser.ts';
import {
  normaliseSearchText,
  refreshTagTerms,
  resolveTagWord,
  tagIdsByName,
} from '../catalog/tag-terms.ts';

/**
 * [Note: Area search]
 * `near:lat,lon,km` is a circle measured on a local flat map around its centre: a degree of
 * latitude is 111.195 km, a degree of longitude that times cos(lat) of the centre, and the
 * longitude difference goes the short way round (a circle across ±180° works). Within a few
 * hundred km this is within about 1 % of the great-circle distance, and it needs only
 * arithmetic that SQLite and JavaScript do identically (IEEE doubles, same order of
 * operations), so the SQL planner and the in-memory snapshot (search-snapshot.ts) agree to
 * the last bit; trigonometry runs once, here, for the bound constants. The radius is capped at
 * `nearMaxKm` (query-parser.ts), where the flat map stops being a fair approximation.
 * `area:south,west,north,east` is a plain box (the map's clusters click through to one).
 */
export function nearCircle(f: Extract<QueryFilter, { field: 'near' }>): {
  /** Latitude band the circle lies in (the index range). */
  readonly south: number;
  readonly north: number;
  /** Longitude degrees are multiplied by this to be latitude degrees (cos of the centre). */
  readonly lonScale: number;
  /** The radius in latitude degrees, squared. */
  readonly radius2: number;
} {
  const radius = f.km / kmPerDegree;
  return {
    south: f.lat - radius,
    north: f.lat + radius,
    lonScale: Math.cos((f.lat * Math.PI) / 180),
    radius2: radius * radius,
  };
}
const kmPerDegree = 111.195;

/** Canonical names of the face tag (local engine: one box per face). */
export const faceTagNames: readonly string[] = ['face'];
/** The engine whose face boxes `faces:` counts (the only one that reports a box per face). */
export const faceEngine = 'local';

type Param = string | number;
/** A filter that qualifies tag rows (see [Note: Tag qualifiers]). */
export type Qualifier = Extract<QueryFilter, { field: 'type' | 'engine' | 'conf' }>;

export interface SearchPlan {
  /** FROM clause (aliases: p photos, c contents, f folders). */
  readonly from: string;
  /** WHERE clause, with `params` bound in order. */
  readonly where: string;
  readonly params: readonly Param[];
  /** Tags named by positive words; the best confidence of a result is taken over these. */
  readonly queryTagIds: readonly number[];
  /** The term chosen to drive the search (a tag word or a date range), for tests and EXPLAIN. */
  readonly driver: {
    readonly kind: 'tag' | 'date';
    readonly tagIds: readonly number[];
    readonly estimate: number;
  } | null;
}

/**
 * [Note: engine:text means has:text]
 * The `text` engine reads words, it writes no tags, so as a tag qualifier `engine:text` would
 * match no photo. It means what a user who types it wants: photos the text engine read text
 * in, i.e. `has:text`; it qualifies no tag word (`sign engine:text` is `sign has:text`). The
 * SQL planner, the snapshot compiler and the engine facet (search-service.ts) all read it so.
 */
export const textEngine = 'text';

export const isQualifier = (f: QueryFilter): f is Qualifier =>
  f.field === 'type' || (f.field === 'engine' && f.value !== textEngine) || f.field === 'conf';

const confSql: Record<ConfOp, string> = { '>': '>', '>=': '>=', '<': '<', '<=': '<=' };

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Whether the query asks for missing photos (`status:missing`); others hide them. */
export function mentionsMissing(node: QueryNode): boolean {
  switch (node.kind) {
    case 'and':
    case 'or':
      return node.children.some(mentionsMissing);
    case 'not':
      return mentionsMissing(node.child);
    case 'filter':
      return node.filter.field === 'status' && node.filter.value === 'missing';
    case 'all':
    case 'word':
      return false;
  }
}

/** Whether a condition reads only the content's tags and boxes (not the photo or its dates). */
function dependsOnContentOnly(n: QueryNode): boolean {
  switch (n.kind) {
    case 'word':
      return true;
    case 'and':
    case 'or':
      return n.children.every(dependsOnContentOnly);
    case 'not':
      return dependsOnContentOnly(n.child);
    case 'filter':
      switch (n.filter.field) {
        case 'type':
        case 'engine':
        case 'conf':
        case 'faces':
          return true;
        case 'has':
          return n.filter.value !== 'date' && n.filter.value !== 'location';
        case 'text':
        case 'similar':
          return true;
        case 'date':
        case 'camera':
        case 'folder':
        case 'status':
        case 'near':
        case 'area':
          return false;
      }
      break;
    case 'all':
      return false;
  }
  return false;
}

/** Contents whose text contains a word, cached per compile (shared with search-snapshot.ts). */
export class TextMatches {
  private readonly cache = new Map<string, readonly number[]>();

  constructor(private readonly find: (word: string) => readonly number[]) {}

  of(word: string): readonly number[] {
    let ids = this.cache.get(word);
    if (!ids) {
      ids = this.find(word);
      this.cache.set(word, ids);
    }
    return ids;
  }

  /**
   * The contents a word, or an OR of plain words, matches by text (ascending); empty when
   * the query's tag qualifiers make words match tags only ([Note: Words match text in photos]).
   */
  forNode(n: QueryNode, hasQualifiers: boolean): readonly number[] {
    if (hasQualifiers) return [];
    if (n.kind === 'word') return this.of(n.text);
    if (n.kind !== 'or') return [];
    const union = new Set<number>();
    for (const c of n.children)
      if (c.kind === 'word') for (const id of this.of(c.text)) union.add(id);
    return [...union].sort((a, b) => a - b);
  }
}

class Compiler {
  readonly params: Param[] = [];
  readonly queryTagIds = new Set<number>();
  needsFolders = false;
  /** The content the conditions test: the photo's, or the driving row's inside the driver. */
  ref = 'p.content_id';
  /** Top-level conditions evaluated inside the tag driver (see `driverSet`). */
  contentConditions: readonly QueryNode[] = [];
  private readonly wordCache = new Map<string, number[]>();
  readonly text: TextMatches;

  constructor(
    private readonly db: Catalog,
    private readonly qualifiers: readonly Qualifier[],
  ) {
    this.text = new TextMatches((word) => contentsWithTextContaining(db, word));
  }

  /** `ref IN (contents)`, false (not NULL) for a photo without content, as the snapshot tests it. */
  contentIn(contents: readonly number[]): string {
    if (contents.length === 0) return '0';
    return `(${this.ref} IS NOT NULL AND ${this.inList(this.ref, contents, false)})`;
  }

  /** A word or OR of words: its tags, or its text ([Note: Words match text in photos]). */
  wordMatch(n: QueryNode, ids: readonly number[], positive: boolean, asDriver: boolean): string {
    const text = this.text.forNode(n, this.qualifiers.length > 0);
    if (text.length === 0) return this.tagSet(ids, positive, asDriver);
    if (asDriver) {
      if (positive) for (const id of ids) this.queryTagIds.add(id);
      return this.driverSet(ids, text);
    }
    const tags = this.tagSet(ids, positive, false);
    return `(${tags} OR ${this.contentIn(text)})`;
  }

  /** Tag ids a word matches, narrowed by the top-level `type:` qualifiers. */
  wordIds(text: string, prefix = false, tagType?: TagType): number[] {
    const key = `${prefix ? 'prefix' : 'word'}:${tagType ?? ''}:${text}`;
    const cached = this.wordCache.get(key);
    if (cached) return cached;
    let ids = resolveTagWord(this.db, text, prefix);
    // `person:"Li Wei"` (person-words.ts): this word names tags of its type only.
    if (tagType !== undefined && ids.length > 0) ids = filterTagIdsByType(this.db, ids, tagType);
    for (const q of this.qualifiers) {
      if (q.field === 'type' && ids.length > 0) {
        ids = filterTagIdsByType(this.db, ids, q.value);
      }
    }
    this.wordCache.set(key, ids);
    return ids;
  }

  /**
   * `column IN (…)`: inline for a few ids (the planner sees them), json_each for many.
   * In a subquery correlated by content, a long list is better tested against the content's
   * few rows than probed id by id (a word like 人 can name dozens of tags): the unary `+`
   * keeps SQLite from probing the (content_id, tag_id) key once per listed id.
   */
  inList(column: string, ids: readonly number[], correlated = true): string {
    const col = correlated && ids.length > 4 ? `+${column}` : column;
    if (ids.length <= 50) {
      this.params.push(...ids);
      return `${col} IN (${ids.map(() => '?').join(', ')})`;
    }
    this.params.push(JSON.stringify(ids));
    return `${col} IN (SELECT value FROM json_each(?))`;
  }

  tagIn(ids: readonly number[], correlated = true): string {
    return this.inList('pt.tag_id', ids, correlated);
  }

  /** Conditions on a `photo_tags pt` row for the given qualifiers. */
  rowQualifiers(qualifiers: readonly Qualifier[], includeType: boolean, alias = 'pt'): string {
    let sql = '';
    for (const q of qualifiers) {
      switch (q.field) {
        case 'engine':
          sql += ` AND ${alias}.engine = ?`;
          this.params.push(q.value);
          break;
        case 'conf':
          sql += ` AND ${alias}.confidence ${confSql[q.op]} ?`;
          this.params.push(q.value);
          break;
        case 'type':
          if (includeType) {
            sql += ` AND ${alias}.tag_id IN (SELECT id FROM tags WHERE type = ?)`;
            this.params.push(q.value);
          }
          break;
      }
    }
    return sql;
  }

  /**
   * The driving set: live rows of the driver's tags from the live-tag index, filtered right
   * there by the other top-level conditions that depend on the content only (other tag
   * words, boxes, faces, …), so photos and contents are read only for contents that match.
   */
  driverSet(ids: readonly number[], textContents: readonly number[] = []): string {
    const saved = this.ref;
    const parts: string[] = [];
    if (ids.length > 0) {
      const inList = this.inList('d.tag_id', ids, false);
      let sql = `SELECT d.content_id FROM photo_tags d WHERE ${inList} AND d.state != 'rejected'${this.rowQualifiers(this.qualifiers, false, 'd')}`;
      this.ref = 'd.content_id';
      for (const n of this.contentConditions) sql += ` AND ${this.node(n, true, null)}`;
      this.ref = saved;
      parts.push(sql);
    }
    if (textContents.length > 0) {
      // The contents whose text matched, filtered by the same content conditions.
      this.params.push(JSON.stringify(textContents));
      let sql = `SELECT t.value FROM json_each(?) t WHERE 1`;
      this.ref = 't.value';
      for (const n of this.contentConditions) sql += ` AND ${this.node(n, true, null)}`;
      this.ref = saved;
      parts.push(sql);
    }
    if (parts.length === 0) return '0';
    return `p.content_id IN (${parts.join(' UNION ')})`;
  }

  /**
   * The tag ids a word names, or the union for an OR of plain words (`beach OR sunset` is
   * one set: any of those tags), so both can drive a search from the tag index. Null for
   * anything else.
   */
  tagSetIds(n: QueryNode): number[] | null {
    if (n.kind === 'word') {
      return normaliseSearchText(n.text) === ''
        ? null
        : this.wordIds(n.text, n.prefix === true, n.tagType);
    }
    if (n.kind !== 'or') return null;
    const union = new Set<number>();
    for (const c of n.children) {
      const ids = this.tagSetIds(c);
      if (ids === null || c.kind !== 'word') return null;
      for (const id of ids) union.add(id);
    }
    return [...union].sort((a, b) => a - b);
  }

  /** A live row of one of these tags (with the global qualifiers) on the photo's content. */
  tagSet(ids: readonly number[], positive: boolean, asDriver: boolean): string {
    if (ids.length === 0) return '0';
    if (positive) for (const id of ids) this.queryTagIds.add(id);
    if (asDriver) return this.driverSet(ids);
    const inList = this.tagIn(ids);
    return (
      `EXISTS (SELECT 1 FROM photo_tags pt WHERE pt.content_id = ${this.ref} AND ${inList}` +
      ` AND pt.state != 'rejected'${this.rowQualifiers(this.qualifiers, false)})`
    );
  }

  /** A date range as the driving set: contents from the taken-at index, then their photos. */
  dateDriver(f: Extract<QueryFilter, { field: 'date' }>): string {
    const parts: string[] = [];
    if (f.from !== null) {
      parts.push('taken_at >= ?');
      this.params.push(f.from);
    }
    if (f.to !== null) {
      parts.push('taken_at < ?');
      this.params.push(f.to);
    }
    return `p.content_id IN (SELECT id FROM contents WHERE ${parts.join(' AND ')})`;
  }

  /** "Has a live tag meeting these qualifiers". */
  anyTag(qualifiers: readonly Qualifier[]): string {
    return (
      `EXISTS (SELECT 1 FROM photo_tags pt WHERE pt.content_id = ${this.ref}` +
      ` AND pt.state != 'rejected'${this.rowQualifiers(qualifiers, true)})`
    );
  }

  filter(f: QueryFilter): string {
    switch (f.field) {
      case 'engine':
        if (f.value === textEngine) return this.filter({ field: 'has', value: 'text' });
        return this.anyTag([f]);
      case 'type':
      case 'conf':
        return this.anyTag([f]);
      case 'date': {
        const parts: string[] = [];
        if (f.from !== null) {
          parts.push('c.taken_at >= ?');
          this.params.push(f.from);
        }
        if (f.to !== null) {
          parts.push('c.taken_at < ?');
          this.params.push(f.to);
        }
        return `(${parts.join(' AND ')})`;
      }
      case 'camera':
        this.params.push(`%${escapeLike(f.value)}%`);
        return `c.camera LIKE ? ESCAPE '\\'`;
      case 'folder':
        // The text must be in the directory part: something after it is a path separator.
        this.needsFolders = true;
        this.params.push(`%${escapeLike(f.value)}%/%`);
        return `(f.path || '/' || p.rel_path) LIKE ? ESCAPE '\\'`;
      case 'faces': {
        const ids = tagIdsByName(this.db, faceTagNames);
        let count = '0';
        if (ids.length > 0) {
          this.params.push(faceEngine);
          count =
            `(SELECT count(*) FROM tag_boxes b JOIN photo_tags pt ON pt.content_id = b.content_id` +
            ` AND pt.tag_id = b.tag_id AND pt.engine = b.engine` +
            ` WHERE b.content_id = ${this.ref} AND b.engine = ? AND ${this.inList('b.tag_id', ids)}` +
            ` AND pt.state != 'rejected')`;
        }
        if (f.max === null) {
          this.params.push(f.min);
          return `${count} >= ?`;
        }
        this.params.push(f.min, f.max);
        return `${count} BETWEEN ? AND ?`;
      }
      case 'has':
        switch (f.value) {
          case 'tags':
            return this.anyTag([]);
          case 'boxes':
            return (
              `EXISTS (SELECT 1 FROM tag_boxes b JOIN photo_tags pt ON pt.content_id = b.content_id` +
              ` AND pt.tag_id = b.tag_id AND pt.engine = b.engine` +
              ` WHERE b.content_id = ${this.ref} AND pt.state != 'rejected')`
            );
          case 'text':
            // Text was read in the photo (the `text` engine's lines), not a guess from a tag.
            return `EXISTS (SELECT 1 FROM photo_text_lines tl WHERE tl.content_id = ${this.ref})`;
          case 'faces':
            return this.filter({ field: 'faces', min: 1, max: null });
          case 'date':
            return 'c.taken_at IS NOT NULL';
          case 'location':
            return '(c.lat IS NOT NULL AND c.lon IS NOT NULL)';
        }
        break;
      case 'text':
        return this.contentIn(this.text.of(f.value));
      case 'similar':
        // The band search answers first ([Note: Near-duplicate search by bands]); a short list.
        return this.contentIn(similarContentIdsOfPhoto(this.db, f.photoId));
      case 'area': {
        const lon = f.west <= f.east ? 'c.lon BETWEEN ? AND ?' : '(c.lon >= ? OR c.lon <= ?)';
        this.params.push(f.south, f.north, f.west, f.east);
        return `(c.lat BETWEEN ? AND ? AND ${lon})`;
      }
      case 'near': {
        const circle = nearCircle(f);
        const dLon = `min(abs(c.lon - ?), 360 - abs(c.lon - ?))`;
        this.params.push(circle.south, circle.north);
        this.params.push(f.lon, f.lon, circle.lonScale, f.lon, f.lon, circle.lonScale);
        this.params.push(f.lat, f.lat, circle.radius2);
        return (
          `(c.lat BETWEEN ? AND ? AND ` +
          `(${dLon} * ?) * (${dLon} * ?) + (c.lat - ?) * (c.lat - ?) <= ?)`
        );
      }
      case 'status':
        if (f.value === 'offline' || f.value === 'online') {
          this.needsFolders = true;
          this.params.push(f.value);
          return 'f.status = ?';
        }
        this.params.push(f.value);
        return 'p.status = ?';
    }
    throw new Error('unreachable');
  }

  node(n: QueryNode, positive: boolean, driver: QueryNode | null): string {
    switch (n.kind) {
      case 'all':
        return '1';
      case 'word': {
        // A "word" of punctuation only (`--`, `;`) names nothing and restricts nothing.
        const ids = this.tagSetIds(n);
        return ids === null ? '1' : this.wordMatch(n, ids, positive, n === driver);
      }
      case 'filter':
        if (n === driver && n.filter.field === 'date') return this.dateDriver(n.filter);
        return this.filter(n.filter);
      case 'not':
        return `NOT (${this.node(n.child, !positive, driver)})`;
      case 'and':
        return `(${n.children.map((c) => this.node(c, positive, driver)).join(' AND ')})`;
      case 'or': {
        const ids = this.tagSetIds(n);
        if (ids !== null) return this.wordMatch(n, ids, positive, n === driver);
        return `(${n.children.map((c) => this.node(c, positive, driver)).join(' OR ')})`;
      }
    }
  }
}

/** Plan a parsed query: resolve its words and build the WHERE clause. */
export function planSearch(db: Catalog, query: QueryNode): SearchPlan {
  refreshTagTerms(db);
  const top = query.kind === 'and' ? query.children : [query];
  const qualifiers = top.flatMap((c) =>
    c.kind === 'filter' && isQualifier(c.filter) ? [c.filter] : [],
  );
  const rest = top.filter((c) => !(c.kind === 'filter' && isQualifier(c.filter)));
  const compiler = new Compiler(db, qualifiers);

  // Drive from the most selective positive top-level term: a tag word through the live-tag
  // index (estimated from tag_stats) or a date range through contents_taken_at (counted).
  type Driver = { node: QueryNode; kind: 'tag' | 'date'; tagIds: number[]; estimate: number };
  let driver = null as Driver | null;
  for (const c of rest) {
    const ids = compiler.tagSetIds(c);
    if (ids !== null) {
      const text = compiler.text.forNode(c, qualifiers.length > 0).length;
      const n = (ids.length === 0 ? 0 : estimateContentsWithTags(db, ids)) + text;
      if (!driver || n < driver.estimate)
        driver = { node: c, kind: 'tag', tagIds: ids, estimate: n };
    } else if (c.kind === 'filter' && c.filter.field === 'date') {
      const n = countContentsTakenBetween(db, c.filter.from ?? -8.64e15, c.filter.to ?? 8.64e15);
      if (!driver || n < driver.estimate)
        driver = { node: c, kind: 'date', tagIds: [], estimate: n };
    }
  }

  if (driver?.kind === 'tag') {
    const drv = driver.node;
    compiler.contentConditions = rest.filter((c) => c !== drv && dependsOnContentOnly(c));
  }
  const inner = new Set(compiler.contentConditions);
  const driverNode = driver?.node ?? null;
  const conditions = rest
    .filter((c) => !inner.has(c))
    .map((c) => compiler.node(c, true, driverNode));
  if (qualifiers.length > 0 && !rest.some((c) => c.kind === 'word')) {
    conditions.push(compiler.anyTag(qualifiers));
  }
  if (!mentionsMissing(query)) conditions.unshift(`p.status != 'missing'`);
  const where = conditions.length > 0 ? conditions.join(' AND ') : '1';
  const from =
    `photos p LEFT JOIN contents c ON c.id = p.content_id` +
    (compiler.needsFolders ? ` JOIN folders f ON f.id = p.folder_id` : '');
  return {
    from,
    where,
    params: compiler.params,
    queryTagIds: [...compiler.queryTagIds].sort((a, b) => a - b),
    driver: driver ? { kind: driver.kind, tagIds: driver.tagIds, estimate: driver.estimate } : null,
  };
}
