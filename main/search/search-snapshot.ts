// An in-memory copy of what a search reads (photos, contents, folders, live tag rows, box
// counts, per-tag content lists) and an evaluator of the query language over it that gives
// exactly the rows the SQL plan gives (test/search/search-snapshot.test.ts compares the two
// on hundreds of random queries). Used by the search index (search-index.ts) while the
// catalog's search generation is unchanged.
//
// [Note: Search snapshots]
// SQLite answers a search in 10–100 ms on a 100k-photo library: three common tags mean tens
// of thousands of index probes, and the facets join every result photo to its tag rows. The
// same questions over typed arrays take a few milliseconds: the driving tag's content list is
// read straight from memory, the other conditions test a content's ~10 rows, and facets are
// counted exactly (no sampling). A snapshot is a point-in-time copy: it carries the
// `search_generation` it was read at (migration 5 bumps it on every write a search can see,
// from any process), and the index uses it only while that number is unchanged — otherwise
// the search runs in SQL, so a result is never stale. The semantics here mirror
// search-planner.ts line by line, including SQL's three-valued logic (`-camera:x` does not
// match a photo without a camera, because NOT NULL is NULL): a change to the planner must be
// made here too, and the differential test fails until it is.
import { z } from 'zod';
import type { ReadableCatalog, WritableCatalog } from '../catalog/catalog-connection.ts';
import {
  iterateContentFacts,
  iterateFolderStates,
  iterateLiveTagRows,
  iterateTagTypes,
  listBoxCounts,
  listPhotoRows,
  readSearchGeneration,
  readSnapshotSizes,
} from '../catalog/search-snapshot-rows.ts';
import { tagTypes, type TagType } from '../engines/tag-model.ts';
import {
  parseQuery,
  photoStatuses,
  type ConfOp,
  type QueryFilter,
  type QueryNode,
} from './query-parser.ts';
import {
  faceEngine,
  faceTagNames,
  isQualifier,
  textEngine,
  mentionsMissing,
  nearCircle,
  type Qualifier,
  TextMatches,
} from './search-planner.ts';
import { allSearchableText, iterateContentsWithText } from '../catalog/photo-text.ts';
import { similarContentIdsOfPhoto } from '../catalog/perceptual-hashes.ts';
import type { SearchSort } from './search-sort.ts';
import {
  normaliseSearchText,
  refreshTagTerms,
  resolveTagWord,
  tagIdsByName,
} from '../catalog/tag-terms.ts';

/** One matching photo's sort key: the rows `keySql` reads, in the same shape. */
export interface SearchKeyRow {
  id: number;
  content_id: number | null;
  folder_id: number;
  taken_at: number | null;
  rel_path?: string;
  conf?: number | null;
}

export interface SearchSnapshot {
  /** `search_generation.n` when this was read. */
  readonly generation: number;
  readonly photoCount: number;
  readonly photoId: Int32Array;
  /** -1: no content (pending, broken). */
  readonly photoContent: Int32Array;
  readonly photoFolder: Int32Array;
  /** Index into `photoStatuses`. */
  readonly photoStatus: Uint8Array;
  readonly photoRelPath: readonly string[];
  readonly folderPath: ReadonlyMap<number, string>;
  readonly folderOnline: ReadonlyMap<number, boolean>;
  /** By content id: taken_at (NaN for NULL), camera, lat and lon both set. */
  readonly contentTaken: Float64Array;
  readonly contentCamera: readonly (string | null)[];
  readonly contentLocated: Uint8Array;
  /** By content id: latitude and longitude in degrees, NaN for NULL (`near:`, `area:`). */
  readonly contentLat: Float64Array;
  readonly contentLon: Float64Array;
  /** By content id: its live tag rows [rowStart[c], rowStart[c + 1]) in (tag, engine) order. */
  readonly rowStart: Int32Array;
  readonly rowTag: Int32Array;
  readonly rowEngine: Uint8Array;
  readonly rowConf: Float64Array;
  /** Boxes of the row (tag_boxes with the row's content, tag and engine). */
  readonly rowBoxes: Int32Array;
  readonly engines: readonly string[];
  /** By tag id: contents with a live row of the tag, ascending. */
  readonly tagStart: Int32Array;
  readonly tagContents: Int32Array;
  /** By tag id: 1 + index into `tagTypes`, 0 for no such tag. */
  readonly tagType: Uint8Array;
  /** By content id: its photos (indexes into the photo arrays). */
  readonly contentPhotoStart: Int32Array;
  readonly contentPhotos: Int32Array;
  /** By content id: 1 when text lines were read in it (`has:text`). */
  readonly contentHasText: Uint8Array;
  /** Searchable text of the contents that have some ([Note: Text search index]). */
  readonly textContent: Int32Array;
  readonly textBody: readonly string[];
}

export { readSearchGeneration };

/** Read everything a search needs, in one read transaction (a consistent point in time). */
export function loadSearchSnapshot(db: ReadableCatalog): SearchSnapshot {
  const read = () => readSnapshot(db);
  return db.inTransaction ? read() : db.transaction(read).deferred();
}

function readSnapshot(db: ReadableCatalog): SearchSnapshot {
  const generation = readSearchGeneration(db);
  const { maxContent, maxTag, rowCount } = readSnapshotSizes(db);

  const tagType = new Uint8Array(maxTag + 1);
  for (const [id, type] of iterateTagTypes(db)) tagType[id] = tagTypes.indexOf(type as TagType) + 1;

  const folderPath = new Map<number, string>();
  const folderOnline = new Map<number, boolean>();
  for (const [id, path, status] of iterateFolderStates(db)) {
    folderPath.set(id, path);
    folderOnline.set(id, status === 'online');
  }

  const contentTaken = new Float64Array(maxContent + 1).fill(Number.NaN);
  const contentCamera: (string | null)[] = new Array<string | null>(maxContent + 1).fill(null);
  const contentLocated = new Uint8Array(maxContent + 1);
  const contentLat = new Float64Array(maxContent + 1).fill(Number.NaN);
  const contentLon = new Float64Array(maxContent + 1).fill(Number.NaN);
  for (const [id, taken, camera, lat, lon] of iterateContentFacts(db)) {
    if (taken !== null) contentTaken[id] = taken;
    contentCamera[id] = camera;
    contentLocated[id] = lat !== null && lon !== null ? 1 : 0;
    if (lat !== null) contentLat[id] = lat;
    if (lon !== null) contentLon[id] = lon;
  }

  const photoRows = listPhotoRows(db);
  const photoCount = photoRows.length;
  const photoId = new Int32Array(photoCount);
  const photoContent = new Int32Array(photoCount);
  const photoFolder = new Int32Array(photoCount);
  const photoStatus = new Uint8Array(photoCount);
  const photoRelPath: string[] = new Array<string>(photoCount);
  const contentPhotoStart = new Int32Array(maxContent + 2);
  photoRows.forEach(([id, content, folder, status, relPath], i) => {
    photoId[i] = id;
    photoContent[i] = content ?? -1;
    photoFolder[i] = folder;
    photoStatus[i] = photoStatuses.indexOf(status);
    photoRelPath[i] = relPath;
    if (content !== null)
      contentPhotoStart[content + 1] = (contentPhotoStart[content + 1] ?? 0) + 1;
  });
  for (let c = 1; c < contentPhotoStart.length; c++)
    contentPhotoStart[c] = (contentPhotoStart[c] ?? 0) + (contentPhotoStart[c - 1] ?? 0);
  const contentPhotos = new Int32Array(contentPhotoStart[maxContent + 1] ?? 0);
  const fill = contentPhotoStart.slice(0, maxContent + 1);
  photoContent.forEach((content, i) => {
    if (content >= 0) contentPhotos[(fill[content] = (fill[content] ?? 0) + 1) - 1] = i;
  });

  // Box counts per (content, tag, engine), merged with the tag rows below: both in key order.
  const boxes = listBoxCounts(db);
  let boxAt = 0;

  const rowStart = new Int32Array(maxContent + 2);
  const rowTag = new Int32Array(rowCount);
  const rowEngine = new Uint8Array(rowCount);
  const rowConf = new Float64Array(rowCount);
  const rowBoxes = new Int32Array(rowCount);
  const engines: string[] = [];
  const postingCount = new Int32Array(maxTag + 2);
  let n = 0;
  let lastContent = 0;
  let lastTag = -1;
  for (const [content, tag, engine, confidence] of iterateLiveTagRows(db)) {
    if (content !== lastContent) {
      for (let c = lastContent + 1; c <= content; c++) rowStart[c] = n;
      lastContent = content;
      lastTag = -1;
    }
    let e = engines.indexOf(engine);
    if (e < 0) e = engines.push(engine) - 1;
    rowTag[n] = tag;
    rowEngine[n] = e;
    // No score is NaN: every comparison with it is false, as with SQL's NULL, so `conf>80`
    // never matches it in either path ([Note: Tags without a confidence]).
    rowConf[n] = confidence ?? Number.NaN;
    // Advance the box cursor to this row's key (boxes of rejected rows are skipped over).
    for (;;) {
      const b = boxes[boxAt];
      if (!b) break;
      const order = b[0] - content || b[1] - tag || (b[2] < engine ? -1 : b[2] > engine ? 1 : 0);
      if (order > 0) break;
      boxAt++;
      if (order === 0) {
        rowBoxes[n] = b[3];
        break;
      }
    }
    if (tag !== lastTag) {
      postingCount[tag + 1] = (postingCount[tag + 1] ?? 0) + 1;
      lastTag = tag;
    }
    n++;
  }
  for (let c = lastContent + 1; c <= maxContent + 1; c++) rowStart[c] = n;

  const tagStart = postingCount;
  for (let t = 1; t < tagStart.length; t++)
    tagStart[t] = (tagStart[t] ?? 0) + (tagStart[t - 1] ?? 0);
  const tagContents = new Int32Array(tagStart[maxTag + 1] ?? 0);
  const next = tagStart.slice(0, maxTag + 1);
  for (let c = 0; c <= maxContent; c++) {
    let previous = -1;
    for (let r = rowStart[c] ?? 0; r < (rowStart[c + 1] ?? 0); r++) {
      const tag = rowTag[r] ?? 0;
      if (tag === previous) continue;
      previous = tag;
      tagContents[(next[tag] = (next[tag] ?? 0) + 1) - 1] = c;
    }
  }

  const contentHasText = new Uint8Array(maxContent + 1);
  for (const c of iterateContentsWithText(db)) if (c <= maxContent) contentHasText[c] = 1;
  const texts = [...allSearchableText(db)].sort((a, b) => a[0] - b[0]);
  const textContent = Int32Array.from(texts, ([c]) => c);
  const textBody = texts.map(([, body]) => body);

  return {
    generation,
    photoCount,
    photoId,
    photoContent,
    photoFolder,
    photoStatus,
    photoRelPath,
    folderPath,
    folderOnline,
    contentTaken,
    contentCamera,
    contentLocated,
    contentLat,
    contentLon,
    rowStart,
    rowTag: rowTag.subarray(0, n),
    rowEngine: rowEngine.subarray(0, n),
    rowConf: rowConf.subarray(0, n),
    rowBoxes: rowBoxes.subarray(0, n),
    engines,
    tagStart,
    tagContents,
    tagType,
    contentPhotoStart,
    contentPhotos,
    contentHasText,
    textContent,
    textBody,
  };
}

// ---------------------------------------------------------------------------------------
// Evaluation. Truth values are SQL's: 0 false, 1 true, 2 NULL (unknown).

type Truth = 0 | 1 | 2;
type Test = (photo: number, content: number) => Truth;

const TRUE: Test = () => 1;
const FALSE: Test = () => 0;
const not = (t: Truth): Truth => (t === 2 ? 2 : t === 1 ? 0 : 1);
const and = (a: Truth, b: Truth): Truth => (a === 0 || b === 0 ? 0 : a === 2 || b === 2 ? 2 : 1);
/** SQL's `v BETWEEN lo AND hi`, NaN standing for NULL. */
const between = (v: number, lo: number, hi: number): Truth =>
  Number.isNaN(v) ? 2 : lo <= v && v <= hi ? 1 : 0;

function compareConf(op: ConfOp, value: number, limit: number): boolean {
  switch (op) {
    case '>':
      return value > limit;
    case '>=':
      return value >= limit;
    case '<':
      return value < limit;
    case '<=':
      return value <= limit;
  }
}

/** SQLite's LIKE folds case for ASCII letters only. */
function foldAscii(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** A compiled query: a test per photo, and the tag sets that can drive it. */
interface CompiledQuery {
  readonly test: (photo: number) => boolean;
  /**
   * Positive top-level tag sets (each: a content needs a live row of one of these tags, or
   * is one of `text`, the contents whose text matched: [Note: Words match text in photos]).
   */
  readonly requiredTagSets: readonly { tags: readonly number[]; text: readonly number[] }[];
  /** A positive top-level date range, if any. */
  readonly dateRange: { readonly from: number | null; readonly to: number | null } | null;
  /** Tags named by positive words: the best confidence is taken over these. */
  readonly queryTagIds: readonly number[];
}

class SnapshotCompiler {
  readonly queryTagIds = new Set<number>();
  private readonly wordCache = new Map<string, number[]>();
  private readonly missingStatus = photoStatuses.indexOf('missing');
  readonly text: TextMatches;

  constructor(
    private readonly s: SearchSnapshot,
    private readonly db: ReadableCatalog,
    private readonly qualifiers: readonly Qualifier[],
  ) {
    // From the snapshot's own copy of the text (not SQL), so the differential test compares
    // two implementations: `includes` here, FTS5 trigram / instr there.
    this.text = new TextMatches((word) => {
      const needle = normaliseSearchText(word);
      if (needle === '') return [];
      const found: number[] = [];
      s.textBody.forEach((body, i) => {
        if (body.includes(needle)) found.push(s.textContent[i] ?? 0);
      });
      return found;
    });
  }

  /** The content is one of these (false for a photo without content). */
  contentIn(contents: readonly number[]): Test {
    if (contents.length === 0) return FALSE;
    const set = new Set(contents);
    return (_p, c) => (c >= 0 && set.has(c) ? 1 : 0);
  }

  /** A word or OR of words: its tags, or its text ([Note: Words match text in photos]). */
  wordMatch(n: QueryNode, ids: readonly number[], positive: boolean): Test {
    const tags = this.tagSet(ids, positive);
    const text = this.text.forNode(n, this.qualifiers.length > 0);
    if (text.length === 0) return tags;
    const inText = this.contentIn(text);
    return (p, c) => (tags(p, c) === 1 || inText(p, c) === 1 ? 1 : 0);
  }

  wordIds(text: string, prefix = false, tagType?: TagType): number[] {
    const key = `${prefix ? 'prefix' : 'word'}:${tagType ?? ''}:${text}`;
    const cached = this.wordCache.get(key);
    if (cached) return cached;
    let ids = resolveTagWord(this.db, text, prefix);
    // `person:"Li Wei"` (person-words.ts): this word names tags of its type only.
    if (tagType !== undefined) {
      const wordType = tagTypes.indexOf(tagType) + 1;
      ids = ids.filter((id) => this.s.tagType[id] === wordType);
    }
    for (const q of this.qualifiers) {
      if (q.field === 'type' && ids.length > 0) {
        const type = tagTypes.indexOf(q.value) + 1;
        ids = ids.filter((id) => this.s.tagType[id] === type);
      }
    }
    this.wordCache.set(key, ids);
    return ids;
  }

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

  /** A row test for qualifiers (`includeType`: type is tested on the row's tag). */
  rowTest(
    qualifiers: readonly Qualifier[],
    includeType: boolean,
  ): ((row: number) => boolean) | null {
    const s = this.s;
    const tests: ((row: number) => boolean)[] = [];
    for (const q of qualifiers) {
      switch (q.field) {
        case 'engine': {
          const e = s.engines.indexOf(q.value);
          tests.push((r) => s.rowEngine[r] === e);
          break;
        }
        case 'conf':
          tests.push((r) => compareConf(q.op, s.rowConf[r] ?? Number.NaN, q.value));
          break;
        case 'type':
          if (includeType) {
            const type = tagTypes.indexOf(q.value) + 1;
            tests.push((r) => s.tagType[s.rowTag[r] ?? 0] === type);
          }
          break;
      }
    }
    if (tests.length === 0) return null;
    return (r) => tests.every((t) => t(r));
  }

  /** "The content has a live row of one of these tags meeting the top-level qualifiers." */
  tagSet(ids: readonly number[], positive: boolean): Test {
    if (ids.length === 0) return FALSE;
    if (positive) for (const id of ids) this.queryTagIds.add(id);
    return this.anyRow(ids, this.rowTest(this.qualifiers, false));
  }

  anyRow(ids: readonly number[] | null, rowTest: ((row: number) => boolean) | null): Test {
    const { rowStart, rowTag } = this.s;
    let mask: Uint8Array | null = null;
    if (ids !== null) {
      mask = new Uint8Array(this.s.tagType.length);
      for (const id of ids) if (id < mask.length) mask[id] = 1;
    }
    return (_photo, c) => {
      if (c < 0) return 0;
      const end = rowStart[c + 1] ?? 0;
      for (let r = rowStart[c] ?? 0; r < end; r++) {
        if (mask && mask[rowTag[r] ?? 0] !== 1) continue;
        if (rowTest && !rowTest(r)) continue;
        return 1;
      }
      return 0;
    };
  }

  /** Sum of box counts of live rows of these tags from one engine (faces). */
  boxCount(ids: readonly number[], engine: string): (c: number) => number {
    const { rowStart, rowTag, rowEngine, rowBoxes } = this.s;
    const e = this.s.engines.indexOf(engine);
    const mask = new Set(ids);
    return (c) => {
      if (c < 0) return 0;
      let count = 0;
      const end = rowStart[c + 1] ?? 0;
      for (let r = rowStart[c] ?? 0; r < end; r++) {
        if (rowEngine[r] === e && mask.has(rowTag[r] ?? 0)) count += rowBoxes[r] ?? 0;
      }
      return count;
    };
  }

  filter(f: QueryFilter): Test {
    const s = this.s;
    switch (f.field) {
      case 'engine':
        // [Note: engine:text means has:text] in search-planner.ts.
        if (f.value === textEngine) return this.filter({ field: 'has', value: 'text' });
        return this.anyRow(null, this.rowTest([f], true));
      case 'type':
      case 'conf':
        return this.anyRow(null, this.rowTest([f], true));
      case 'date': {
        const { from, to } = f;
        return (_p, c) => {
          const taken = c < 0 ? Number.NaN : (s.contentTaken[c] ?? Number.NaN);
          if (Number.isNaN(taken)) return 2;
          return (from === null || taken >= from) && (to === null || taken < to) ? 1 : 0;
        };
      }
      case 'camera': {
        const needle = foldAscii(f.value);
        return (_p, c) => {
          const camera = c < 0 ? null : (s.contentCamera[c] ?? null);
          if (camera === null) return 2;
          return foldAscii(camera).includes(needle) ? 1 : 0;
        };
      }
      case 'folder': {
        // `(f.path || '/' || p.rel_path) LIKE '%value%/%'`: the value, then a separator after it.
        const needle = foldAscii(f.value);
        return (p) => {
          const full = foldAscii(
            `${s.folderPath.get(s.photoFolder[p] ?? 0) ?? ''}/${s.photoRelPath[p] ?? ''}`,
          );
          const at = full.indexOf(needle);
          return at >= 0 && full.indexOf('/', at + needle.length) >= 0 ? 1 : 0;
        };
      }
      case 'faces': {
        const ids = tagIdsByName(this.db, faceTagNames);
        const count = ids.length > 0 ? this.boxCount(ids, faceEngine) : () => 0;
        const { min, max } = f;
        return (_p, c) => {
          const n = count(c);
          return n >= min && (max === null || n <= max) ? 1 : 0;
        };
      }
      case 'has':
        switch (f.value) {
          case 'tags':
            return this.anyRow(null, null);
          case 'boxes':
            return this.anyRow(null, (r) => (s.rowBoxes[r] ?? 0) > 0);
          case 'text':
            return (_p, c) => (c >= 0 && s.contentHasText[c] === 1 ? 1 : 0);
          case 'faces':
            return this.filter({ field: 'faces', min: 1, max: null });
          case 'date':
            return (_p, c) => (c >= 0 && !Number.isNaN(s.contentTaken[c] ?? Number.NaN) ? 1 : 0);
          case 'location':
            return (_p, c) => (c >= 0 && s.contentLocated[c] === 1 ? 1 : 0);
        }
        break;
      case 'text':
        return this.contentIn(this.text.of(f.value));
      case 'similar':
        // Read from the catalog as the planner does: hashes are not part of the snapshot.
        return this.contentIn(similarContentIdsOfPhoto(this.db, f.photoId));
      case 'area': {
        // The planner's `(c.lat BETWEEN … AND c.lon BETWEEN …)` (or the OR across ±180°).
        const { south, west, north, east } = f;
        return (_p, c) => {
          const lat = c < 0 ? Number.NaN : (s.contentLat[c] ?? Number.NaN);
          const lon = c < 0 ? Number.NaN : (s.contentLon[c] ?? Number.NaN);
          const inLon: Truth =
            west <= east
              ? between(lon, west, east)
              : Number.isNaN(lon)
                ? 2
                : lon >= west || lon <= east
                  ? 1
                  : 0;
          return and(between(lat, south, north), inLon);
        };
      }
      case 'near': {
        // The planner's arithmetic, in its order ([Note: Area search]).
        const { south, north, lonScale, radius2 } = nearCircle(f);
        const { lat: lat0, lon: lon0 } = f;
        return (_p, c) => {
          const lat = c < 0 ? Number.NaN : (s.contentLat[c] ?? Number.NaN);
          const lon = c < 0 ? Number.NaN : (s.contentLon[c] ?? Number.NaN);
          const band = between(lat, south, north);
          if (band === 0) return 0;
          if (Number.isNaN(lat) || Number.isNaN(lon)) return 2;
          const dLon = Math.min(Math.abs(lon - lon0), 360 - Math.abs(lon - lon0));
          const inside: Truth =
            dLon * lonScale * (dLon * lonScale) + (lat - lat0) * (lat - lat0) <= radius2 ? 1 : 0;
          return and(band, inside);
        };
      }
      case 'status': {
        if (f.value === 'offline' || f.value === 'online') {
          const online = f.value === 'online';
          return (p) => (s.folderOnline.get(s.photoFolder[p] ?? 0) === online ? 1 : 0);
        }
        const status = photoStatuses.indexOf(f.value);
        return (p) => (s.photoStatus[p] === status ? 1 : 0);
      }
    }
    throw new Error('unreachable');
  }

  node(n: QueryNode, positive: boolean): Test {
    switch (n.kind) {
      case 'all':
        return TRUE;
      case 'word': {
        const ids = this.tagSetIds(n);
        return ids === null ? TRUE : this.wordMatch(n, ids, positive);
      }
      case 'filter':
        return this.filter(n.filter);
      case 'not': {
        const child = this.node(n.child, !positive);
        return (p, c) => not(child(p, c));
      }
      case 'and': {
        const children = n.children.map((c) => this.node(c, positive));
        return (p, c) => {
          let result: Truth = 1;
          for (const child of children) {
            const t = child(p, c);
            if (t === 0) return 0;
            if (t === 2) result = 2;
          }
          return result;
        };
      }
      case 'or': {
        const ids = this.tagSetIds(n);
        if (ids !== null) return this.wordMatch(n, ids, positive);
        const children = n.children.map((c) => this.node(c, positive));
        return (p, c) => {
          let result: Truth = 0;
          for (const child of children) {
            const t = child(p, c);
            if (t === 1) return 1;
            if (t === 2) result = 2;
          }
          return result;
        };
      }
    }
  }

  compile(query: QueryNode): CompiledQuery {
    const top = query.kind === 'and' ? query.children : [query];
    const rest = top.filter((c) => !(c.kind === 'filter' && isQualifier(c.filter)));
    const conditions: Test[] = rest.map((c) => this.node(c, true));
    const requiredTagSets: { tags: number[]; text: readonly number[] }[] = [];
    let dateRange: CompiledQuery['dateRange'] = null;
    for (const c of rest) {
      const ids = this.tagSetIds(c);
      if (ids !== null)
        requiredTagSets.push({ tags: ids, text: this.text.forNode(c, this.qualifiers.length > 0) });
      else if (c.kind === 'filter' && c.filter.field === 'date' && dateRange === null)
        dateRange = { from: c.filter.from, to: c.filter.to };
    }
    if (this.qualifiers.length > 0 && !rest.some((c) => c.kind === 'word')) {
      conditions.push(this.anyRow(null, this.rowTest(this.qualifiers, true)));
    }
    const hideMissing = !mentionsMissing(query);
    const s = this.s;
    const missing = this.missingStatus;
    return {
      test: (p) => {
        if (hideMissing && s.photoStatus[p] === missing) return false;
        const c = s.photoContent[p] ?? -1;
        for (const condition of conditions) if (condition(p, c) !== 1) return false;
        return true;
      },
      requiredTagSets,
      dateRange,
      queryTagIds: [...this.queryTagIds].sort((a, b) => a - b),
    };
  }
}

/** Compile a query against a snapshot (tag words are resolved through the catalog). */
export function compileSnapshotQuery(
  snapshot: SearchSnapshot,
  // Writable: the tag-term index is brought up to date first (refreshTagTerms writes).
  db: WritableCatalog,
  query: QueryNode,
): CompiledQuery {
  refreshTagTerms(db);
  const top = query.kind === 'and' ? query.children : [query];
  const qualifiers = top.flatMap((c) =>
    c.kind === 'filter' && isQualifier(c.filter) ? [c.filter] : [],
  );
  return new SnapshotCompiler(snapshot, db, qualifiers).compile(query);
}

/**
 * The photos worth testing: the contents of the smallest required tag set (a content list
 * read from memory), or every photo when the query requires no tag.
 */
function candidatePhotos(s: SearchSnapshot, compiled: CompiledQuery): Iterable<number> {
  let best: { tags: readonly number[]; text: readonly number[] } | null = null;
  let bestSize = Infinity;
  for (const set of compiled.requiredTagSets) {
    let size = set.text.length;
    for (const id of set.tags) size += (s.tagStart[id + 1] ?? 0) - (s.tagStart[id] ?? 0);
    if (size < bestSize) {
      best = set;
      bestSize = size;
    }
  }
  if (best === null) return allPhotos(s.photoCount);
  const { tags: ids, text } = best;
  return (function* () {
    const seen =
      ids.length > 1 || text.length > 0 ? new Uint8Array(s.contentPhotoStart.length) : null;
    const photosOf = function* (c: number) {
      if (seen) {
        if (seen[c] === 1) return;
        seen[c] = 1;
      }
      const last = s.contentPhotoStart[c + 1] ?? 0;
      for (let k = s.contentPhotoStart[c] ?? 0; k < last; k++) yield s.contentPhotos[k] ?? 0;
    };
    for (const id of ids) {
      const end = s.tagStart[id + 1] ?? 0;
      for (let i = s.tagStart[id] ?? 0; i < end; i++) yield* photosOf(s.tagContents[i] ?? 0);
    }
    for (const c of text) if (c < s.contentPhotoStart.length - 1) yield* photosOf(c);
  })();
}

function* allPhotos(count: number): Iterable<number> {
  for (let p = 0; p < count; p++) yield p;
}

/** The best live confidence of a content over the query's tags (all tags when none). */
function bestConfidence(
  s: SearchSnapshot,
  c: number,
  queryTagIds: ReadonlySet<number>,
): number | null {
  if (c < 0) return null;
  let best: number | null = null;
  const end = s.rowStart[c + 1] ?? 0;
  for (let r = s.rowStart[c] ?? 0; r < end; r++) {
    if (queryTagIds.size > 0 && !queryTagIds.has(s.rowTag[r] ?? 0)) continue;
    const conf = s.rowConf[r] ?? Number.NaN;
    if (Number.isNaN(conf)) continue; // no score: as SQL's max() skips NULL
    if (best === null || conf > best) best = conf;
  }
  return best;
}

/** Matching photos (photo indexes into the snapshot) and the query's tags. */
export function matchSnapshotPhotos(
  snapshot: SearchSnapshot,
  db: WritableCatalog,
  query: QueryNode,
): { photos: number[]; queryTagIds: readonly number[] } {
  const compiled = compileSnapshotQuery(snapshot, db, query);
  const photos: number[] = [];
  for (const p of candidatePhotos(snapshot, compiled)) if (compiled.test(p)) photos.push(p);
  return { photos, queryTagIds: compiled.queryTagIds };
}

/** The key rows of the matching photos, unsorted: what `keySql` reads, from memory. */
export function snapshotKeyRows(
  snapshot: SearchSnapshot,
  db: WritableCatalog,
  query: string | QueryNode,
  sort: SearchSort,
): SearchKeyRow[] {
  const node = typeof query === 'string' ? parseQuery(query) : query;
  const { photos, queryTagIds } = matchSnapshotPhotos(snapshot, db, node);
  return keyRowsOf(snapshot, photos, queryTagIds, sort);
}

export function keyRowsOf(
  s: SearchSnapshot,
  photos: readonly number[],
  queryTagIds: readonly number[],
  sort: SearchSort,
): SearchKeyRow[] {
  const tags = new Set(queryTagIds);
  return photos.map((p) => {
    const c = s.photoContent[p] ?? -1;
    const taken = c < 0 ? Number.NaN : (s.contentTaken[c] ?? Number.NaN);
    const row: SearchKeyRow = {
      id: s.photoId[p] ?? 0,
      content_id: c < 0 ? null : c,
      folder_id: s.photoFolder[p] ?? 0,
      taken_at: Number.isNaN(taken) ? null : taken,
    };
    if (sort === 'path-asc') row.rel_path = s.photoRelPath[p] ?? '';
    if (sort === 'confidence-desc') row.conf = bestConfidence(s, c, tags);
    return row;
  });
}

/** The buffers under a snapshot's typed arrays, each once (to transfer it between threads). */
export function snapshotBuffers(s: SearchSnapshot): ArrayBuffer[] {
  const arrays = [
    s.photoId,
    s.photoContent,
    s.photoFolder,
    s.photoStatus,
    s.contentTaken,
    s.contentLocated,
    s.contentLat,
    s.contentLon,
    s.rowStart,
    s.rowTag,
    s.rowEngine,
    s.rowConf,
    s.rowBoxes,
    s.tagStart,
    s.tagContents,
    s.tagType,
    s.contentPhotoStart,
    s.contentPhotos,
    s.contentHasText,
    s.textContent,
  ];
  return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
}

/** A snapshot that came from another thread, checked for shape (zod at the boundary). */
export const SearchSnapshotMessage = z.object({
  generation: z.number().int(),
  photoCount: z.number().int().nonnegative(),
  photoId: z.instanceof(Int32Array),
  photoContent: z.instanceof(Int32Array),
  photoFolder: z.instanceof(Int32Array),
  photoStatus: z.instanceof(Uint8Array),
  photoRelPath: z.array(z.string()),
  folderPath: z.map(z.number(), z.string()),
  folderOnline: z.map(z.number(), z.boolean()),
  contentTaken: z.instanceof(Float64Array),
  contentCamera: z.array(z.string().nullable()),
  contentLocated: z.instanceof(Uint8Array),
  contentLat: z.instanceof(Float64Array),
  contentLon: z.instanceof(Float64Array),
  rowStart: z.instanceof(Int32Array),
  rowTag: z.instanceof(Int32Array),
  rowEngine: z.instanceof(Uint8Array),
  rowConf: z.instanceof(Float64Array),
  rowBoxes: z.instanceof(Int32Array),
  engines: z.array(z.string()),
  tagStart: z.instanceof(Int32Array),
  tagContents: z.instanceof(Int32Array),
  tagType: z.instanceof(Uint8Array),
  contentPhotoStart: z.instanceof(Int32Array),
  contentPhotos: z.instanceof(Int32Array),
  contentHasText: z.instanceof(Uint8Array),
  textContent: z.instanceof(Int32Array),
  textBody: z.array(z.string()),
});
