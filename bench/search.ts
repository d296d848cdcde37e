// Search benchmark (issue 6): builds a catalog of 100k photos with ~1M tag rows (a few very
// common tags and a long Zipf tail, zh and en names, dates over 15 years, folders, four
// engines, boxes), then measures p50/p95 of
//   - 3-term searches with a filter, with facets (searchPhotos), as the app runs them (from the
//     search index's in-memory snapshot, [Note: Search snapshots]) and in SQL (what a stale
//     snapshot or the CLI runs), against the same searches written by hand as raw SQL on the
//     same database;
//   - autocomplete for 1-3 typed characters, Chinese and Latin (autocompleteTags), against a
//     raw LIKE query;
//   - smart-album counts (countPhotos), from the snapshot and in SQL, against hand-written
//     COUNT queries;
//   - the snapshot's build (in its worker thread, as the app does) and its size.
// The last line of output is one JSON object. Usage: npm run bench:search [-- --photos N]
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openCatalog, type Catalog } from '../main/catalog/catalog-connection.ts';
import { refreshTagTerms, resolveTagWord } from '../main/catalog/tag-terms.ts';
import { autocompleteTags, countPhotos, searchPhotos } from '../main/search/search-service.ts';
import { currentSearchSnapshot, startSearchIndex } from '../main/search/search-index.ts';
import { snapshotBuffers } from '../main/search/search-snapshot.ts';

const args = process.argv.slice(2);
const photoCount = Number(args[args.indexOf('--photos') + 1] ?? 0) || 100_000;
const tagVocabulary = 2000;

// xorshift32: a fixed seed makes every run build the same catalog.
let seed = 0x9e3779b9;
function random(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 0x100000000;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

// ---------------------------------------------------------------------------------------
// Vocabulary: real local-engine-like names first (the common ones), then a long tail.

const headTags: [string, string, 'object' | 'scene' | 'concept'][] = [
  ['person', '人', 'object'],
  ['face', '人脸', 'object'],
  ['outdoor', '户外', 'scene'],
  ['sky', '天空', 'scene'],
  ['tree', '树', 'object'],
  ['car', '汽车', 'object'],
  ['dog', '狗', 'object'],
  ['cat', '猫', 'object'],
  ['beach', '海滩', 'scene'],
  ['mountain', '山', 'scene'],
  ['food', '食物', 'concept'],
  ['building', '建筑', 'object'],
  ['sunset', '日落', 'scene'],
  ['flower', '花', 'object'],
  ['portrait', '人像', 'concept'],
  ['group photo', '合影', 'concept'],
  ['document', '文档', 'concept'],
  ['black and white', '黑白', 'concept'],
  ['bicycle', '自行车', 'object'],
  ['bird', '鸟', 'object'],
];
const zhChars = Array.from(
  '山水花草树木鸟鱼虫天地日月星云雨雪风海湖河江桥路车船飞机城市街道房屋门窗桌椅床灯书画笔纸杯碗盘刀叉食物水果蔬菜米面肉蛋奶茶酒咖啡猫狗马牛羊猪鸡鸭兔熊虎狮象猴人脸手脚头发眼睛衣服帽子鞋包红黄蓝绿白黑灰紫金银大小高低长短新旧春夏秋冬早晚夜光影色彩',
);
const enAdjectives = [
  'red',
  'blue',
  'green',
  'old',
  'small',
  'big',
  'night',
  'wooden',
  'stone',
  'snowy',
  'sunny',
  'wild',
  'city',
  'golden',
  'quiet',
];
const enNouns = [
  'lake',
  'bridge',
  'tower',
  'garden',
  'market',
  'boat',
  'train',
  'temple',
  'forest',
  'street',
  'river',
  'field',
  'castle',
  'harbor',
  'kite',
  'lamp',
  'table',
  'window',
  'horse',
  'pond',
];

interface VocabTag {
  name: string;
  zh: string;
  en: string;
  type: 'object' | 'scene' | 'concept';
}
function buildVocabulary(): VocabTag[] {
  const tags: VocabTag[] = headTags.map(([name, zh, type]) => ({
    name,
    zh,
    en: name.charAt(0).toUpperCase() + name.slice(1),
    type,
  }));
  const seen = new Set(tags.map((t) => t.name));
  while (tags.length < tagVocabulary) {
    const en =
      random() < 0.5 ? `${pick(enAdjectives)} ${pick(enNouns)}` : `${pick(enNouns)} ${tags.length}`;
    if (seen.has(en)) continue;
    seen.add(en);
    const len = 1 + Math.floor(random() * 4);
    const zh = Array.from({ length: len }, () => pick(zhChars)).join('');
    tags.push({
      name: en,
      zh,
      en: en.charAt(0).toUpperCase() + en.slice(1),
      type: pick(['object', 'scene', 'concept'] as const),
    });
  }
  return tags;
}

// Zipf(1.05) over the vocabulary: index 0 is the most common tag.
function zipfSampler(n: number, s: number): () => number {
  const cumulative = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += 1 / Math.pow(i + 1, s);
    cumulative[i] = sum;
  }
  return () => {
    const r = random() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] ?? 0) < r) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

// ---------------------------------------------------------------------------------------
// Catalog generation: prepared statements in one transaction.

const startYear = 2010;
const years = 16;
const folderRoots = [
  '/photos/Camera',
  '/photos/Trips',
  '/photos/Family',
  '/nas/Archive',
  '/photos/Phone',
];
const cameras = [
  'Canon EOS R5',
  'Canon EOS 5D Mark IV',
  'NIKON Z 6',
  'iPhone 14 Pro',
  'iPhone 12',
  'SONY ILCE-7M3',
  'FUJIFILM X-T4',
  'HUAWEI P40',
  'Xiaomi 13',
  'Pixel 7',
];
const engineShare: [string, number, number][] = [
  // engine, share of contents, tags per answer (mean)
  ['local', 1, 7],
  ['huawei', 0.35, 7],
  ['aliyun', 0.1, 3],
  ['volcengine', 0.1, 1],
];

function generate(
  db: Catalog,
  vocab: VocabTag[],
): { tagRows: number; boxRows: number; ms: number; cpuMs: number } {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const zipf = zipfSampler(vocab.length, 1.05);
  let tagRows = 0;
  let boxRows = 0;
  db.transaction(() => {
    const insertTag = db.prepare(`INSERT INTO tags (name, type, zh, en) VALUES (?, ?, ?, ?)`);
    vocab.forEach((t) => insertTag.run(t.name, t.type, t.zh, t.en));
    const insertFolder = db.prepare(`INSERT INTO folders (path, added_at) VALUES (?, 0)`);
    folderRoots.forEach((f) => insertFolder.run(f));
    db.prepare(`UPDATE folders SET status = 'offline' WHERE path = '/nas/Archive'`).run();
    const insertContent = db.prepare(
      `INSERT INTO contents (id, hash, size, format, width, height, taken_at, camera, lat, lon, created_at)
       VALUES (?, ?, ?, 'jpeg', 4000, 3000, ?, ?, ?, ?, 0)`,
    );
    const insertPhoto = db.prepare(
      `INSERT INTO photos (folder_id, rel_path, size, mtime_ms, content_id, status, indexed_at) VALUES (?, ?, 1000, 0, ?, ?, 0)`,
    );
    const insertRow = db.prepare(
      `INSERT INTO photo_tags (content_id, tag_id, engine, model, confidence, state, created_at) VALUES (?, ?, ?, 'm1', ?, ?, 0)`,
    );
    const insertBox = db.prepare(
      `INSERT INTO tag_boxes (content_id, tag_id, engine, x, y, w, h, confidence) VALUES (?, ?, ?, 0.1, 0.2, 0.3, 0.3, ?)`,
    );
    const faceId = vocab.findIndex((t) => t.name === 'face') + 1;
    let contentId = 0;
    for (let i = 0; i < photoCount; i++) {
      // 2% of photos are a second copy of an earlier content (the same bytes in two places).
      const duplicate = contentId > 0 && random() < 0.02;
      const folder = 1 + Math.floor(random() * folderRoots.length);
      const year = startYear + Math.floor(random() * years);
      const rel = `${year}/${pick(['Japan', 'Home', 'Beijing', 'Hiking', 'Party', 'Misc'])}/IMG_${i}.jpg`;
      const status = random() < 0.005 ? 'missing' : 'ok';
      if (duplicate) {
        insertPhoto.run(folder, rel, 1 + Math.floor(random() * contentId), status);
        continue;
      }
      contentId++;
      const taken =
        random() < 0.05 ? null : Date.UTC(year, 0, 1) + Math.floor(random() * 365 * 86_400_000);
      insertContent.run(
        contentId,
        `h${contentId}`,
        1000,
        taken,
        pick(cameras),
        random() < 0.3 ? 31.2 : null,
        random() < 0.3 ? 121.4 : null,
      );
      insertPhoto.run(folder, rel, contentId, status);
      for (const [engine, share, mean] of engineShare) {
        if (random() >= share) continue;
        const n = Math.max(1, Math.round(mean * (0.5 + random())));
        const chosen = new Set<number>();
        for (let k = 0; k < n * 3 && chosen.size < n; k++) chosen.add(zipf() + 1);
        for (const tagId of chosen) {
          // Half a percent of rows were removed by the user (rejected).
          const state = random() < 0.005 ? 'rejected' : 'auto';
          insertRow.run(contentId, tagId, engine, 30 + Math.floor(random() * 70), state);
          tagRows++;
          const vt = vocab[tagId - 1];
          if (vt?.type === 'object' && engine === 'local') {
            const boxes = tagId === faceId ? 1 + Math.floor(random() * 4) : random() < 0.5 ? 1 : 0;
            for (let b = 0; b < boxes; b++)
              insertBox.run(contentId, tagId, engine, 50 + random() * 50);
            boxRows += boxes;
          }
        }
      }
      if (random() < 0.01) {
        const tagId = zipf() + 1;
        insertRow.run(contentId, tagId, 'user', 100, 'user');
        tagRows++;
      }
    }
  })();
  refreshTagTerms(db);
  db.exec('ANALYZE');
  const cpu = process.cpuUsage(cpu0);
  return { tagRows, boxRows, ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

// ---------------------------------------------------------------------------------------
// Measurement helpers

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? 0;
}
// CPU time of each measured call, next to its wall time: other processes on a shared
// 2-core machine inflate wall time, CPU time much less.
const cpuTimes = new Map<number[], number[]>();
function measure(run: () => unknown, into?: number[]): number {
  const c = process.cpuUsage();
  const t = performance.now();
  run();
  const wall = performance.now() - t;
  if (into) {
    const used = process.cpuUsage(c);
    let list = cpuTimes.get(into);
    if (!list) cpuTimes.set(into, (list = []));
    list.push((used.user + used.system) / 1000);
    into.push(wall);
  }
  return wall;
}
function cpuStats(wall: number[]): { p50: number; p95: number } {
  const s = stats(cpuTimes.get(wall) ?? []);
  return { p50: s.p50, p95: s.p95 };
}
function stats(times: number[]): { p50: number; p95: number; max: number; n: number } {
  const s = [...times].sort((a, b) => a - b);
  const r = (v: number) => Math.round(v * 1000) / 1000;
  return {
    p50: r(percentile(s, 50)),
    p95: r(percentile(s, 95)),
    max: r(s.at(-1) ?? 0),
    n: s.length,
  };
}

// ---------------------------------------------------------------------------------------
// Raw SQL written by hand for the same questions (tag ids looked up by name first).

// Tag ids for the raw queries: the same resolution as search, memoised so raw timings
// measure only the hand-written SQL.
const rawIdCache = new Map<string, number[]>();
function rawTagIds(db: Catalog, word: string): number[] {
  let ids = rawIdCache.get(word);
  if (!ids) {
    ids = resolveTagWord(db, word);
    rawIdCache.set(word, ids);
  }
  return ids;
}

interface Filter {
  text: string;
  /** Condition on p (photos), c (contents), f (folders); for `conf`, a tag-row condition. */
  sql: string;
  params: (string | number)[];
  rowCondition?: string;
}

interface RawQuery {
  /** Tag ids per word, resolved before timing (the hand-writer knows the ids). */
  ids: number[][];
  /** Index of the word with the fewest photos: the driving set. */
  driver: number;
  filter: Filter;
}

// The same question as hand-written SQL: drive from the rarest tag, test the others per
// content, one statement for the page, one for the total, one per facet.
function rawSearch(db: Catalog, q: RawQuery): unknown {
  const row = q.filter.rowCondition ?? '';
  const has = (list: number[]) =>
    `EXISTS (SELECT 1 FROM photo_tags pt WHERE pt.content_id = p.content_id AND pt.tag_id IN (${list.join(',') || 'NULL'}) AND pt.state != 'rejected'${row})`;
  const drv = q.ids[q.driver] ?? [];
  const where = [
    `p.status != 'missing'`,
    `p.content_id IN (SELECT content_id FROM photo_tags WHERE tag_id IN (${drv.join(',') || 'NULL'}) AND state != 'rejected'${row.replace(/pt\./g, '')})`,
    ...q.ids.filter((_, i) => i !== q.driver).map(has),
    q.filter.sql,
  ].join(' AND ');
  const from = `photos p LEFT JOIN contents c ON c.id = p.content_id JOIN folders f ON f.id = p.folder_id`;
  const params = q.filter.params;
  const matched = `SELECT p.id, p.content_id FROM ${from} WHERE ${where}`;
  const page = db
    .prepare(
      `SELECT p.id, p.content_id, p.folder_id, p.rel_path, p.status, f.path, c.hash, c.width, c.height, c.taken_at, c.camera
       FROM ${from} WHERE ${where} ORDER BY c.taken_at IS NULL, c.taken_at DESC, p.id DESC LIMIT 100`,
    )
    .all(...params);
  const total = db.prepare(`SELECT count(*) FROM ${from} WHERE ${where}`).get(...params);
  const tags = db
    .prepare(
      `SELECT t.id, t.name, t.zh, t.en, t.type, x.n FROM (SELECT pt.tag_id, count(DISTINCT r.id) AS n
         FROM (${matched}) r JOIN photo_tags pt ON pt.content_id = r.content_id
         WHERE pt.state != 'rejected' GROUP BY pt.tag_id ORDER BY n DESC LIMIT 30) x JOIN tags t ON t.id = x.tag_id`,
    )
    .all(...params);
  const yearsFacet = db
    .prepare(
      `SELECT strftime('%Y', c.taken_at / 1000, 'unixepoch') AS y, count(*) FROM ${from} WHERE ${where} AND c.taken_at IS NOT NULL GROUP BY y`,
    )
    .all(...params);
  const folders = db
    .prepare(
      `SELECT p.folder_id, f.path, count(*) FROM ${from} WHERE ${where} GROUP BY p.folder_id`,
    )
    .all(...params);
  const engines = db
    .prepare(
      `SELECT pt.engine, count(DISTINCT r.id) FROM (${matched}) r JOIN photo_tags pt ON pt.content_id = r.content_id
       WHERE pt.state != 'rejected' GROUP BY pt.engine`,
    )
    .all(...params);
  const types = db
    .prepare(
      `SELECT t.type, count(DISTINCT r.id) FROM (${matched}) r JOIN photo_tags pt ON pt.content_id = r.content_id
       JOIN tags t ON t.id = pt.tag_id WHERE pt.state != 'rejected' GROUP BY t.type`,
    )
    .all(...params);
  return { page, total, tags, yearsFacet, folders, engines, types };
}

// An FTS5 `trigram` index over the tag names, measured beside tag_terms: MATCH needs three
// characters, so one- and two-character input falls back to LIKE (a scan of the table).
function createTrigramIndex(db: Catalog): (prefix: string) => unknown {
  db.exec(`CREATE VIRTUAL TABLE temp.tags_fts USING fts5(name, zh, en, tokenize = 'trigram')`);
  db.exec(`INSERT INTO temp.tags_fts (rowid, name, zh, en) SELECT id, name, zh, en FROM tags`);
  const rank = `JOIN tag_stats s ON s.tag_id = f.rowid JOIN tags t ON t.id = f.rowid
    WHERE s.contents > 0 ORDER BY s.contents DESC LIMIT 8`;
  const match = db.prepare(
    `SELECT t.id, t.name, t.zh, t.en, s.contents FROM (SELECT rowid FROM temp.tags_fts WHERE tags_fts MATCH ?) f ${rank}`,
  );
  const like = db.prepare(
    `SELECT t.id, t.name, t.zh, t.en, s.contents FROM (SELECT rowid FROM temp.tags_fts
       WHERE name LIKE ? ESCAPE '\\' OR zh LIKE ? ESCAPE '\\' OR en LIKE ? ESCAPE '\\') f ${rank}`,
  );
  return (prefix) => {
    if (Array.from(prefix).length >= 3) return match.all(`"${prefix.replace(/"/g, '""')}"`);
    const p = `%${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return like.all(p, p, p);
  };
}

function rawAutocomplete(db: Catalog, prefix: string): unknown {
  const p = prefix.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
  return db
    .prepare(
      `SELECT t.id, t.name, t.zh, t.en, s.contents FROM tags t JOIN tag_stats s ON s.tag_id = t.id
       WHERE (t.zh LIKE ? ESCAPE '\\' OR t.en LIKE ? ESCAPE '\\' OR t.en LIKE ? ESCAPE '\\') AND s.contents > 0
       ORDER BY s.contents DESC LIMIT 8`,
    )
    .all(`%${p}%`, `${p}%`, `% ${p}%`);
}

// ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tujian-bench-search-'));
  const catalogFile = join(dir, 'catalog.sqlite');
  const db = openCatalog(catalogFile);
  if (args.includes('--generate-only')) {
    const vocab = buildVocabulary();
    generate(db, vocab);
    db.close();
    console.log(join(dir, 'catalog.sqlite'));
    return;
  }
  try {
    const loadStart = loadavg().map((x) => Math.round(x * 10) / 10);
    const vocab = buildVocabulary();
    const gen = generate(db, vocab);
    const photos = (db.prepare(`SELECT count(*) AS n FROM photos`).get() as { n: number }).n;
    console.error(
      `generated ${photos} photos, ${gen.tagRows} tag rows, ${gen.boxRows} boxes in ${Math.round(gen.ms)} ms`,
    );
    // The app's search index: the first snapshot is read in a worker thread.
    const rssBefore = process.memoryUsage().rss;
    const index = startSearchIndex(db, catalogFile);
    await index.refresh();
    const snapshot = currentSearchSnapshot(db);
    if (!snapshot) throw new Error('the search snapshot did not load');
    const snapshotInfo = {
      buildMs: index.state().lastBuildMs,
      typedArrayBytes: snapshotBuffers(snapshot).reduce((n, b) => n + b.byteLength, 0),
      rssGrowthBytes: process.memoryUsage().rss - rssBefore,
    };
    console.error(`search snapshot read in ${String(snapshotInfo.buildMs)} ms`);

    // Queries: 3 tags drawn from the 60 most common (so results are not empty), by zh or en
    // name, with one filter.
    const filters: (() => Filter)[] = [
      () => {
        const y = startYear + Math.floor(random() * years);
        return {
          text: `date:${y}`,
          sql: 'c.taken_at >= ? AND c.taken_at < ?',
          params: [Date.UTC(y, 0, 1), Date.UTC(y + 1, 0, 1)],
        };
      },
      () => ({ text: 'conf>50', sql: '1', params: [], rowCondition: ' AND pt.confidence > 50' }),
      () => ({
        text: 'folder:Trips',
        sql: `(f.path || '/' || p.rel_path) LIKE ?`,
        params: ['%Trips%/%'],
      }),
      () => ({ text: 'camera:canon', sql: `c.camera LIKE ?`, params: ['%canon%'] }),
      () => ({
        text: 'has:boxes',
        sql: `EXISTS (SELECT 1 FROM tag_boxes b JOIN photo_tags pt ON pt.content_id = b.content_id AND pt.tag_id = b.tag_id AND pt.engine = b.engine WHERE b.content_id = p.content_id AND pt.state != 'rejected')`,
        params: [],
      }),
    ];
    const popularity = db.prepare<[string], { n: number | null }>(
      `SELECT sum(contents) AS n FROM tag_stats WHERE tag_id IN (SELECT value FROM json_each(?))`,
    );
    const queries: { text: string; raw: RawQuery }[] = [];
    for (let i = 0; i < 200; i++) {
      const chosen = new Set<number>();
      while (chosen.size < 3) chosen.add(Math.floor(Math.pow(random(), 2) * 60));
      const words = [...chosen].map((k) => {
        const t = vocab[k] as VocabTag;
        return random() < 0.5 ? t.zh : t.en.includes(' ') ? `"${t.en}"` : t.en;
      });
      const filter = pick(filters)();
      const ids = words.map((w) => resolveTagWord(db, w.replace(/"/g, '')));
      const sizes = ids.map((list) => popularity.get(JSON.stringify(list))?.n ?? 0);
      const driver = sizes.indexOf(Math.min(...sizes));
      queries.push({ text: `${words.join(' ')} ${filter.text}`, raw: { ids, driver, filter } });
    }
    // Warm the page cache and statement paths once.
    for (const q of queries.slice(0, 10)) {
      searchPhotos(db, q.text);
      searchPhotos(db, q.text, {}, null);
      rawSearch(db, q.raw);
    }
    const searchTimes: number[] = [];
    const sqlTimes: number[] = [];
    const rawTimes: number[] = [];
    const totals: number[] = [];
    let disagreements = 0;
    for (const q of queries) {
      let total = 0;
      let sqlTotal = 0;
      measure(() => (total = searchPhotos(db, q.text, { limit: 100 }).total), searchTimes);
      measure(() => (sqlTotal = searchPhotos(db, q.text, { limit: 100 }, null).total), sqlTimes);
      measure(() => rawSearch(db, q.raw), rawTimes);
      if (total !== sqlTotal) disagreements++;
      totals.push(total);
    }
    if (!index.state().current) throw new Error('the catalog changed during the benchmark');

    // Autocomplete: the first 1, 2 or 3 characters of tag names, Chinese and Latin.
    const prefixes: { text: string; script: 'zh' | 'latin'; len: number }[] = [];
    for (let i = 0; i < 600; i++) {
      const t = pick(vocab);
      const zh = random() < 0.5;
      const source = zh ? t.zh : t.en;
      const len = 1 + (i % 3);
      const text = Array.from(source).slice(0, len).join('');
      prefixes.push({ text, script: zh ? 'zh' : 'latin', len });
    }
    const acTimes: Record<string, number[]> = {};
    const acRaw: number[] = [];
    const acAll: number[] = [];
    const ftsTimes: Record<string, number[]> = {};
    const fts = createTrigramIndex(db);
    for (const p of prefixes) {
      const t = measure(() => autocompleteTags(db, p.text, 8), acAll);
      (acTimes[`${p.script}-${p.len}`] ??= []).push(t);
      measure(() => rawAutocomplete(db, p.text), acRaw);
      (ftsTimes[`${p.script}-${p.len}`] ??= []).push(measure(() => fts(p.text)));
    }

    // Smart-album counts.
    const albumQueries: { text: string; raw: () => unknown }[] = [
      {
        text: '狗 date:2020',
        raw: () =>
          rawCount(db, ['狗'], 'c.taken_at >= ? AND c.taken_at < ?', [
            Date.UTC(2020, 0, 1),
            Date.UTC(2021, 0, 1),
          ]),
      },
      { text: 'beach OR sunset', raw: () => rawCountOr(db, ['beach', 'sunset']) },
      {
        text: 'person faces:2+',
        raw: () =>
          rawCount(
            db,
            ['person'],
            `(SELECT count(*) FROM tag_boxes b WHERE b.content_id = p.content_id AND b.tag_id = ${vocab.findIndex((t) => t.name === 'face') + 1}) >= 2`,
            [],
          ),
      },
      {
        text: '猫 -狗',
        raw: () =>
          rawCount(
            db,
            ['猫'],
            `NOT EXISTS (SELECT 1 FROM photo_tags pt WHERE pt.content_id = p.content_id AND pt.tag_id IN (${rawTagIds(db, '狗').join(',')}) AND pt.state != 'rejected')`,
            [],
          ),
      },
      { text: 'has:text', raw: () => rawCount(db, ['document'], '1', []) },
      {
        text: 'engine:huawei conf>90',
        raw: () =>
          rawCount(
            db,
            [],
            `EXISTS (SELECT 1 FROM photo_tags pt WHERE pt.content_id = p.content_id AND pt.engine = 'huawei' AND pt.confidence > 90 AND pt.state != 'rejected')`,
            [],
          ),
      },
      {
        text: 'mountain type:scene date:2015..2018',
        raw: () =>
          rawCount(db, ['mountain'], 'c.taken_at >= ? AND c.taken_at < ?', [
            Date.UTC(2015, 0, 1),
            Date.UTC(2019, 0, 1),
          ]),
      },
      {
        text: 'status:offline 汽车',
        raw: () =>
          rawCount(
            db,
            ['汽车'],
            `p.folder_id IN (SELECT id FROM folders WHERE status = 'offline')`,
            [],
          ),
      },
    ];
    const albumTimes: number[] = [];
    const albumSql: number[] = [];
    const albumRaw: number[] = [];
    const albumCounts: Record<string, number> = {};
    for (let round = 0; round < 10; round++) {
      for (const a of albumQueries) {
        let fromSql = 0;
        measure(() => (albumCounts[a.text] = countPhotos(db, a.text)), albumTimes);
        measure(() => (fromSql = countPhotos(db, a.text, null)), albumSql);
        measure(a.raw, albumRaw);
        if (fromSql !== albumCounts[a.text]) disagreements++;
      }
    }
    await index.close();

    const search = stats(searchTimes);
    const sql = stats(sqlTimes);
    const raw = stats(rawTimes);
    const sortedTotals = [...totals].sort((a, b) => a - b);
    const ac = stats(acAll);
    const result = {
      bench: 'search',
      photos,
      contents: (db.prepare(`SELECT count(*) AS n FROM contents`).get() as { n: number }).n,
      tags: vocab.length,
      tagRows: gen.tagRows,
      boxRows: gen.boxRows,
      generateMs: Math.round(gen.ms),
      generateCpuMs: Math.round(gen.cpuMs),
      snapshot: snapshotInfo,
      // Results (totals and album counts) that differed between the snapshot and SQL: 0.
      disagreements,
      search: {
        ...search,
        cpu: cpuStats(searchTimes),
        sql: {
          ...sql,
          cpu: cpuStats(sqlTimes),
          ratioP95: Math.round((sql.p95 / raw.p95) * 100) / 100,
        },
        raw: { ...raw, cpu: cpuStats(rawTimes) },
        ratioP50: Math.round((search.p50 / raw.p50) * 100) / 100,
        ratioP95: Math.round((search.p95 / raw.p95) * 100) / 100,
        resultSize: {
          p50: percentile(sortedTotals, 50),
          p95: percentile(sortedTotals, 95),
          max: sortedTotals.at(-1),
        },
        example: queries[0]?.text,
      },
      autocomplete: {
        ...ac,
        cpu: cpuStats(acAll),
        byKind: Object.fromEntries(
          Object.entries(acTimes)
            .sort()
            .map(([k, v]) => [k, stats(v)]),
        ),
        raw: { ...stats(acRaw), cpu: cpuStats(acRaw) },
        // The FTS5 trigram alternative to tag_terms, for the record ([Note: Tag term index]).
        fts5Trigram: Object.fromEntries(
          Object.entries(ftsTimes)
            .sort()
            .map(([k, v]) => [k, stats(v)]),
        ),
      },
      albumCounts: {
        ...stats(albumTimes),
        cpu: cpuStats(albumTimes),
        sql: { ...stats(albumSql), cpu: cpuStats(albumSql) },
        raw: { ...stats(albumRaw), cpu: cpuStats(albumRaw) },
        counts: albumCounts,
      },
      loadAverage: { start: loadStart, end: loadavg().map((x) => Math.round(x * 10) / 10) },
      targets: {
        searchP95Under20ms: search.p95 < 20,
        searchWithin3xRaw: search.p95 <= 3 * raw.p95,
        sqlSearchWithin3xRaw: sql.p95 <= 3 * raw.p95,
        autocompleteP95Under5ms: ac.p95 < 5,
      },
    };
    console.log(JSON.stringify(result));
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function rawCount(
  db: Catalog,
  words: string[],
  extra: string,
  params: (string | number)[],
): number {
  const has = words.map(
    (w) =>
      `p.content_id IN (SELECT content_id FROM photo_tags WHERE tag_id IN (${rawTagIds(db, w).join(',') || 'NULL'}) AND state != 'rejected')`,
  );
  const where = [`p.status != 'missing'`, ...has, extra].join(' AND ');
  return (
    db
      .prepare(
        `SELECT count(*) AS n FROM photos p LEFT JOIN contents c ON c.id = p.content_id WHERE ${where}`,
      )
      .get(...params) as { n: number }
  ).n;
}

function rawCountOr(db: Catalog, words: string[]): number {
  const ids = words.flatMap((w) => rawTagIds(db, w));
  return (
    db
      .prepare(
        `SELECT count(*) AS n FROM photos p WHERE p.status != 'missing' AND p.content_id IN
         (SELECT content_id FROM photo_tags WHERE tag_id IN (${ids.join(',')}) AND state != 'rejected')`,
      )
      .get() as { n: number }
  ).n;
}

await main();
