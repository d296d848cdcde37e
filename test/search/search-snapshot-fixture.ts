// The catalog and the query generator of the search-snapshot differential test
// (search-snapshot.test.ts): one small real catalog (SQLite through openCatalog) full of the
// corners where an in-memory evaluator can part ways with the SQL planner, and a seeded
// generator of queries over the whole language. Both are deterministic: a failure names a
// query that reproduces on every run.
import type { Catalog } from '../../main/catalog/catalog-connection.ts';
import type { TagType } from '../../main/engines/tag-model.ts';
import { savePhotoText } from '../../main/catalog/photo-text.ts';
import { refreshTagTerms } from '../../main/catalog/tag-terms.ts';
import { SearchFixture, type FixturePhotoTag, type FixtureTag } from './search-fixture.ts';

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x100000000;
  };
}

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
};

// ---------------------------------------------------------------------------------------
// The catalog

/**
 * Tags whose names share characters and words: 人 is in 人脸, 人群 and 人像 (not in 合影);
 * 狗 in 小狗, 热狗 and 狗狗 (an alias); "dog" is a word of "hot dog" but not of "dogma";
 * `face` exists as two types; `text` and `document` make `has:text`; T恤 puts a Latin
 * letter in a Chinese name; 斑马 is on no photo, 幽灵 only on rejected rows.
 */
export const snapshotTags: readonly FixtureTag[] = [
  { name: 'person', zh: '人', en: 'Person' },
  { name: 'face', zh: '人脸', en: 'Face' },
  { name: 'face', zh: '面部', en: 'Face', type: 'concept' },
  { name: 'crowd', zh: '人群', en: 'Crowd', type: 'scene' },
  { name: 'group photo', zh: '合影', en: 'Group photo', type: 'concept' },
  { name: 'portrait', zh: '人像', en: 'Portrait', type: 'concept' },
  { name: 'selfie', zh: '自拍', en: 'Self-portrait', type: 'concept' },
  { name: 'dog', zh: '狗', en: 'Dog' },
  { name: 'puppy', zh: '小狗', en: 'Puppy' },
  { name: 'hot dog', zh: '热狗', en: 'Hot dog' },
  { name: 'dogma', zh: '教条', en: 'Dogma', type: 'concept' },
  { name: 'cat', zh: '猫', en: 'Cat' },
  { name: 'beach', zh: '海滩', en: 'Beach', type: 'scene' },
  { name: 'sunset', zh: '日落', en: 'Sunset', type: 'scene' },
  { name: 'sunrise', zh: '日出', en: 'Sunrise', type: 'scene' },
  { name: 'night scene', zh: '夜景', en: 'Night scene', type: 'scene' },
  { name: 'document', zh: '文档', en: 'Document', type: 'concept' },
  { name: 'text', zh: '文字', en: 'Text', type: 'concept' },
  { name: 't-shirt', zh: 'T恤', en: 'T-shirt' },
  { name: 'black and white', zh: '黑白', en: 'Black and white', type: 'concept' },
  { name: 'food', zh: '食物', en: 'Food', type: 'concept' },
  { name: 'cafe', zh: '咖啡馆', en: 'Café', type: 'scene' },
  { name: 'zebra', zh: '斑马', en: 'Zebra' },
  { name: 'ghost', zh: '幽灵', en: 'Ghost', type: 'concept' },
];

/**
 * Tags merged into others ([Note: Merged tags stay merged]): their names find the target,
 * and an alias named `face` makes `faces:` count the target's local boxes.
 */
const snapshotAliases = [
  { name: 'doggy', type: 'object', zh: '狗狗', en: 'Doggy', target: 'dog' },
  { name: 'text', type: 'object', zh: '文本', en: 'Text', target: 'document' },
  { name: 'face', type: 'scene', zh: '脸庞', en: 'Face', target: 'portrait' },
] as const;

const engines = ['local', 'huawei', 'aliyun', 'volcengine'] as const;

/** Confidences at and around the boundaries queries use, plus two-decimal values. */
const edgeConfidences = [0, 0.01, 12.5, 49.99, 50, 50.01, 79.99, 80, 80.01, 87.34, 90, 99.99, 100];

const folders = [
  '/photos/Trips',
  '/photos/trips-2020',
  '/nas/Family',
  '/nas/家庭',
  '/photos/100%_done',
  '/Volumes/Old Disk', // offline
] as const;
const subdirs = ['', '', '2020/', 'Beach/', 'trips/', 'IMG/x_y/', '人像/', 'a.jpg/'];

const cameras = [
  'Canon EOS R5',
  'canon eos 5D Mark IV',
  'CANON PowerShot',
  'Canon  EOS 80D', // two spaces: camera:"Canon EOS" does not find it
  'NIKON D850',
  'Apple iPhone 14 Pro',
  'iPhone 12',
  'ÉCLAIR Étude', // SQL LIKE folds ASCII case only: camera:éclair does not find it
  'éclair mini',
  'Ricoh GR_III',
  'Test 100% Cam',
  '', // an empty camera is not NULL: -camera:x finds it
  'Kodak\uFFFD DC', // bad EXIF text decoded to U+FFFD
];

const edgeDates = [
  '2020-01-01T00:00:00',
  '2019-12-31T23:59:59.999',
  '2023-05-01T00:00:00',
  '2023-05-31T23:59:59',
  '2023-06-01T00:00:00',
  '2023-08-31T23:59:59.999',
  '2023-09-01T00:00:00',
  '2024-02-29T12:00:00',
  '1969-07-20T20:17:00',
  '2021-03-15T08:30:00',
];

function randomDate(random: Random): string | null {
  const r = random();
  if (r < 0.15) return null;
  if (r < 0.35) return pick(random, edgeDates);
  const ms = Date.UTC(2015, 0, 1) + Math.floor(random() * 11 * 365 * 86_400_000);
  return new Date(ms).toISOString().slice(0, 23);
}

function randomConfidence(random: Random): number {
  const r = random();
  if (r < 0.4) return pick(random, edgeConfidences);
  if (r < 0.7) return Math.floor(random() * 101);
  return Math.round(random() * 10_000) / 100;
}

function randomTags(random: Random): FixturePhotoTag[] {
  const rows: FixturePhotoTag[] = [];
  const used = new Set<string>();
  const add = (t: FixturePhotoTag) => {
    const key = `${t.tag}\u0000${t.engine ?? 'local'}`;
    if (used.has(key)) return;
    used.add(key);
    rows.push(t);
  };
  const n = Math.floor(random() * random() * 6);
  for (let i = 0; i < n; i++) {
    const tag = pick(random, snapshotTags).name;
    if (tag === 'zebra') continue; // on no photo
    const engine = random() < 0.12 ? 'user' : pick(random, engines);
    const state = engine === 'user' ? 'user' : random() < 0.12 ? 'rejected' : 'auto';
    // Volcengine answers yes/no: its rows have no confidence, as the engine writes them.
    const scored = randomConfidence(random);
    const confidence = engine === 'user' ? 100 : engine === 'volcengine' ? null : scored;
    // Faces: local boxes count for faces:N; a rejected row's boxes do not.
    const boxes =
      tag === 'face' || tag === 'portrait'
        ? Math.floor(random() * 4)
        : random() < 0.15
          ? 1 + Math.floor(random() * 2)
          : 0;
    add({ tag, engine, confidence, state, boxes: engine === 'user' ? 0 : boxes });
    // The same tag from a second engine, one of the two often rejected.
    if (random() < 0.25) {
      const other = pick(random, engines);
      const otherScore = randomConfidence(random);
      add({
        tag,
        engine: other,
        confidence: other === 'volcengine' ? null : otherScore,
        state: random() < 0.5 ? 'rejected' : 'auto',
        boxes: tag === 'face' ? Math.floor(random() * 3) : 0,
      });
    }
  }
  if (random() < 0.08) add({ tag: 'ghost', engine: 'huawei', confidence: 70, state: 'rejected' });
  return rows;
}

/**
 * Named persons ([Note: A person is a tag] in migration 0013): tags of type `person` whose
 * rows come from the faces (engine `user`, model `people`, no confidence, the face boxes),
 * one of them removed by the user. 妈妈 shares 妈 with no other tag, 李伟 / Li Wei shares
 * "Li" with nothing, 小狗 as a person's zh name collides with the object 小狗 (puppy), and
 * `Person` as a person's en name collides with the object `person`.
 */
export const snapshotPersons: readonly FixtureTag[] = [
  { name: 'person1', zh: '妈妈', en: 'Mum', type: 'person' },
  { name: 'person2', zh: '李伟', en: 'Li Wei', type: 'person' },
  { name: 'person3', zh: '小狗', en: 'Person', type: 'person' },
];

function addPersonRows(fx: SearchFixture, random: Random): void {
  fx.addTags(snapshotPersons);
  const contents = fx.db.prepare<[], number>(`SELECT id FROM contents ORDER BY id`).pluck().all();
  const row = fx.db.prepare(
    `INSERT INTO photo_tags (content_id, tag_id, engine, model, confidence, state, created_at)
     VALUES (?, ?, 'user', 'people', NULL, ?, 0)`,
  );
  const box = fx.db.prepare(
    `INSERT INTO tag_boxes (content_id, tag_id, engine, x, y, w, h, confidence)
     VALUES (?, ?, 'user', 0.3, 0.3, 0.2, 0.2, 88)`,
  );
  for (const contentId of contents) {
    for (const person of snapshotPersons) {
      if (random() >= 0.2) continue;
      const tagId = fx.tagId(person.name);
      row.run(contentId, tagId, random() < 0.1 ? 'rejected' : 'auto');
      box.run(contentId, tagId);
    }
  }
}

/** The face tag `faces:` counts, by name and type. */
function faceTagId(fx: SearchFixture, type: TagType): number {
  const row = fx.db
    .prepare<[string], { id: number }>(`SELECT id FROM tags WHERE name = 'face' AND type = ?`)
    .get(type);
  if (!row) throw new Error(`no face tag of type ${type}`);
  return row.id;
}

/**
 * The differential test's catalog: ~300 photos in six folders (one offline), shared
 * contents, every photo status, dates, cameras and locations with NULLs, tag rows from every
 * engine and state with boxes, and tag aliases. Built the same way for the same seed.
 */
export function buildSnapshotCatalog(seed = 0x5eed_0006): SearchFixture {
  const random = seededRandom(seed);
  const fx = new SearchFixture();
  const db: Catalog = fx.db;
  db.transaction(() => {
    fx.addTags(snapshotTags);
    for (const f of folders) fx.folderId(f);
    db.prepare(`UPDATE folders SET status = 'offline' WHERE path = ?`).run('/Volumes/Old Disk');

    const hashes: string[] = [];
    let file = 0;
    for (let i = 0; i < 300; i++) {
      const folder = pick(random, folders);
      const relPath = `${pick(random, subdirs)}${random() < 0.5 ? 'IMG_' : 'dsc'}${String(file++).padStart(4, '0')}.${random() < 0.3 ? 'JPG' : 'jpg'}`;
      const r = random();
      if (r < 0.05) {
        fx.addPhoto({ folder, relPath, hash: null, status: 'pending' });
        continue;
      }
      if (r < 0.08) {
        fx.addPhoto({ folder, relPath, hash: null, status: 'broken' });
        continue;
      }
      if (r < 0.09) {
        fx.addPhoto({ folder, relPath, hash: null, status: 'skipped' });
        continue;
      }
      // A second place of an existing content (a copy, or the old place of a moved file).
      const shared = hashes.length > 0 && random() < 0.12;
      const hash = shared ? pick(random, hashes) : `h${hashes.length}`;
      if (!shared) hashes.push(hash);
      const s = random();
      const status = s < 0.06 ? 'missing' : s < 0.09 ? 'skipped' : 'ok';
      const takenAt = randomDate(random);
      fx.addPhoto({
        folder,
        relPath,
        hash,
        status,
        takenAt,
        ...(random() < 0.7 ? { camera: pick(random, cameras) } : {}),
        ...(random() < 0.35 ? { lat: Math.round(random() * 9000) / 100 } : {}),
        tags: randomTags(random),
      });
    }
    // A latitude without a longitude is no location.
    db.prepare(
      `UPDATE contents SET lon = NULL WHERE id IN (SELECT id FROM contents WHERE lat IS NOT NULL ORDER BY id LIMIT 4)`,
    ).run();

    // Deterministic face corners on top of the random ones: local boxes on a live face row
    // (counted), on a rejected one (not counted), a Huawei face's boxes (not counted), and
    // boxes on the concept `face` (counted: faces: takes every tag named face).
    const contents = db
      .prepare<[], { id: number }>(`SELECT id FROM contents ORDER BY id LIMIT 8`)
      .all()
      .map((c) => c.id);
    const box = db.prepare(
      `INSERT INTO tag_boxes (content_id, tag_id, engine, x, y, w, h, confidence) VALUES (?, ?, ?, 0.1, 0.1, 0.2, 0.2, 80)`,
    );
    const drop = db.prepare(
      `DELETE FROM photo_tags WHERE content_id = ? AND tag_id = ? AND engine = ?`,
    );
    const row = db.prepare(
      `INSERT INTO photo_tags (content_id, tag_id, engine, model, confidence, state, created_at)
       VALUES (?, ?, ?, 'm1', ?, ?, 0)`,
    );
    const objectFace = faceTagId(fx, 'object');
    const conceptFace = faceTagId(fx, 'concept');
    const corners: [number, string, 'auto' | 'rejected', number][] = [
      [objectFace, 'local', 'auto', 2],
      [objectFace, 'local', 'rejected', 3],
      [objectFace, 'huawei', 'auto', 2],
      [conceptFace, 'local', 'auto', 1],
      [conceptFace, 'local', 'rejected', 2],
      [objectFace, 'local', 'auto', 5],
      [conceptFace, 'volcengine', 'auto', 4],
      [objectFace, 'aliyun', 'rejected', 1],
    ];
    corners.forEach(([tagId, engine, state, boxes], i) => {
      const contentId = contents[i];
      if (contentId === undefined) return;
      drop.run(contentId, tagId, engine); // its boxes go with it (ON DELETE CASCADE)
      row.run(contentId, tagId, engine, engine === 'volcengine' ? null : 90, state);
      for (let b = 0; b < boxes; b++) box.run(contentId, tagId, engine);
    });

    addPersonRows(fx, random);

    const alias = db.prepare(
      `INSERT INTO tag_aliases (name, type, tag_id, zh, en, created_at) VALUES (?, ?, ?, ?, ?, 0)`,
    );
    for (const a of snapshotAliases) {
      alias.run(a.name, a.type, fx.tagId(a.target), a.zh, a.en);
    }

    // Text read in photos ([Note: Words match text in photos]): lines that share words and
    // characters with tag names (咖啡 in 咖啡馆, "hot dog", 人), run-together words, a line of
    // punctuation only (text, but nothing searchable), and "no text" results (no lines).
    const textLines = [
      '欢迎光临咖啡馆',
      'Coffee-Shop',
      'HOT DOG 热狗 ¥12',
      'Thesemarkers are 16 px',
      '人民广场',
      '安全出口 EXIT',
      'dogma',
      '——',
      'Café 文字',
      '12:30',
    ];
    const lineBox: [number, number][] = [
      [0.1, 0.1],
      [0.6, 0.1],
      [0.6, 0.2],
      [0.1, 0.2],
    ];
    for (const { id } of db
      .prepare<[], { id: number }>(`SELECT id FROM contents ORDER BY id`)
      .all()) {
      if (random() > 0.3) continue;
      const count = Math.floor(random() * 3);
      const lines = Array.from({ length: count }, () => ({
        text: pick(random, textLines),
        box: lineBox,
        confidence: 90,
        language: 'mixed' as const,
      }));
      savePhotoText(db, id, { engine: 'text', model: 't1', tags: [], text: { lines } });
    }
  })();
  refreshTagTerms(db);
  return fx;
}

// ---------------------------------------------------------------------------------------
// The query generator

const words = [
  'dog',
  'Dog',
  'DOG',
  'ＤＯＧ',
  '狗',
  '小狗',
  '热狗',
  '狗狗',
  'doggy',
  'hot',
  'puppy',
  'dogma',
  'cat',
  '猫',
  '人',
  '人脸',
  '脸',
  '人群',
  '人像',
  '合影',
  '影',
  'group',
  'photo',
  'face',
  'Face',
  'faces',
  'person',
  'crowd',
  'portrait',
  'selfie',
  'self',
  '自拍',
  'beach',
  '海滩',
  '海',
  'sunset',
  '日',
  '日落',
  'sunrise',
  'night',
  'scene',
  '夜景',
  'document',
  '文档',
  'text',
  '文字',
  '文本',
  '文',
  't',
  'T',
  'T恤',
  'shirt',
  't-shirt',
  'black',
  'white',
  'and',
  '黑白',
  'food',
  '食物',
  'café',
  'CAFÉ',
  'cafe',
  '咖啡',
  'zebra',
  '斑马',
  'ghost',
  '幽灵',
  '面部',
  '脸庞',
  // text read in photos (and tags sharing their characters)
  'coffee',
  'COFFEE',
  '咖',
  '光临',
  '欢迎光临咖啡馆',
  'exit',
  '出口',
  'markers',
  'thesemarkers',
  '16',
  '12',
  '人民',
  '¥12',
  // one and two characters (the gram index, [Note: Short words in text search]): a word's
  // last character, a pair that spans two words (never a match), a letter with an accent
  '啡馆',
  '馆',
  'g热',
  'é',
  'px',
  'x',
  '6',
  '——',
  // persons (snapshotPersons), plain and as person words
  '妈妈',
  '妈',
  'mum',
  'Li',
  '"Li Wei"',
  '李伟',
  'person:妈妈',
  'person:"Li Wei"',
  '人物:李伟',
  'person:小狗',
  'person:person',
  'PEOPLE:mum',
  'person:狗',
  // prefixes, which match only Chinese names
  'do',
  'ca',
  'gro',
  'sun',
  'docu',
  // nothing
  'xyzzy',
  '龙',
  'unicorn',
  // punctuation only: names nothing and restricts nothing
  ';',
  '--',
  '-',
  '!!',
  '...',
  '、',
  '%',
  '_',
  // punctuation inside: a word of several words, or not a filter
  'hot-dog',
  'group_photo',
  'dog=cat',
  '12:30',
  '人:狗',
  // injection attempts are words
  "dog';DROP",
  'dog%',
  "';--",
];

const phrases = [
  '"hot dog"',
  '"group photo"',
  '"dog hot"',
  '「热狗」',
  '“人脸”',
  '"black and white"',
  '"and white"',
  '"night scene"',
  '"T-shirt"',
  '"self portrait"',
  '"dog"',
  '" dog "',
  '"OR"',
  '"-dog"',
  '"type:scene"',
  '"人 脸"',
  '"!!"',
];

const qualifierFilters = [
  'type:object',
  'type:scene',
  'type:concept',
  'type:person',
  '类型:场景',
  'type:物体',
  'TYPE:Concept',
  'engine:local',
  'engine:huawei',
  'engine:aliyun',
  'engine:volcengine',
  'engine:user',
  'engine:text',
  '引擎:华为',
  'engine:火山',
  'conf>80',
  'conf>=80',
  'conf<50',
  'conf<=50',
  'conf<=90',
  'conf>90',
  'conf:80',
  'conf:>90',
  'conf=90',
  'confidence>50',
  '置信度>=90',
  'conf＞80',
  'conf>87.34',
  'conf>=87.34',
  'conf<=87.34',
  'conf<0',
  'conf<=0',
  'conf>=100',
  'conf>99.99',
  'conf>50%',
  'conf:>=80',
  'type=scene',
  'engine：用户',
];

const otherFilters = [
  'date:2020',
  'date:2019',
  'date:2023',
  'date:2023-05',
  'date:2023-06',
  'date:2023-05..2023-08',
  'date:2020..',
  'date:..2019',
  'date:2024-02-29',
  'date:1969',
  'date:..1970',
  'date:2019..2020',
  'date:2020/01',
  'date:"2021-03"',
  'year:2021',
  '日期:2022',
  'date:2015..2025',
  'date:2023-05-04..2023-05-31',
  'status=broken',
  'status：离线',
  'camera:canon',
  'camera:"Canon EOS"',
  'camera:CANON',
  'camera:iphone',
  'camera:éclair',
  'camera:ÉCLAIR',
  'camera:Étude',
  'camera:_',
  'camera:%',
  'camera:100%',
  '相机:nikon',
  'camera:"canon  eos"',
  'camera:r',
  'folder:Trips',
  'folder:trips',
  'folder:trips-2020',
  'folder:family',
  'folder:家庭',
  'folder:/',
  'folder:"Old Disk"',
  'folder:_',
  'folder:%',
  'folder:100%',
  'folder:2020',
  'folder:IMG_',
  'folder:jpg',
  'folder:a.jpg',
  '文件夹:Trips',
  'folder:"/photos/Trips"',
  'folder:人像',
  'faces:0',
  'faces:1',
  'faces:2',
  'faces:2+',
  'faces:1-3',
  'faces:0-1',
  'faces:4+',
  'faces:0+',
  'face:1+',
  '人脸:2',
  'has:boxes',
  'has:box',
  'has:text',
  'text:咖啡',
  'text:啡馆',
  'text:馆',
  'text:g热',
  'text:x',
  'text:"coffee shop"',
  'text:coffee-shop',
  '文字:出口',
  'text:dog',
  'text:狗',
  'text:——',
  'text:"热狗 ¥12"',
  'TEXT:markers',
  'has:faces',
  'has:date',
  'has:location',
  'has:gps',
  // Areas ([Note: Area search]); the fixture's photos sit at lat = lon, 0–90 in steps of 0.01.
  'near:45,45,500',
  'near:45.5,45.5,80',
  'near:10,10',
  'near:20.12,20.12,1.5km',
  '附近:60，60，300',
  'near:89.9,-179.9,1000',
  'area:10,10,40,40',
  'area:0,0,90,90',
  'area:30.5,30.5,30.5,30.5',
  'area:50,60,70,-170',
  'bbox:-10,-10,5,5',
  '区域:20,20,25,25',
  'has:tags',
  '有:框',
  '有:文字',
  'has:位置',
  'status:ok',
  'status:pending',
  'status:broken',
  'status:skipped',
  'status:missing',
  'status:offline',
  'status:online',
  '状态:离线',
  'status:损坏',
  'status:缺失',
  'tagged',
  'untagged',
  '已标记',
  '未标记',
];

const invalidQueries = [
  'foo:bar',
  'near:45',
  'near:91,0',
  'near:45,45,0',
  'near:45,45,5000',
  'near:a,b',
  'area:1,2,3',
  'area:40,0,30,10',
  'area:0,0,10,190',
  'type:animal',
  'engine:google',
  'conf>101',
  'conf>abc',
  'conf>',
  'date:2023-13',
  'date:2020..2019',
  'date:..',
  'date:99',
  'faces:3-1',
  'faces:x',
  'has:color',
  'status:gone',
  'camera:',
  'camera:"  "',
  'type>object',
  'date>2020',
  '(dog',
  'dog)',
  '()',
  'dog OR',
  'OR dog',
  'AND dog',
  'dog AND',
  'dog OR OR cat',
  '"dog',
  '""',
  'NOT',
  'dog NOT',
  '-)',
  '(dog OR (cat)',
  '「热狗',
];

/** Queries written by hand for the corners the random ones may miss. */
export const cornerQueries: readonly string[] = [
  '',
  // Words match tags or text read in the photo; qualifiers make them match tags only.
  '咖啡',
  'coffee',
  '咖啡 -咖啡馆',
  '-咖啡',
  '-coffee',
  'coffee OR dog',
  '(coffee OR 出口) has:date',
  'coffee engine:local',
  'type:scene 咖啡',
  'hot dog',
  '"hot dog"',
  '人 has:text',
  '-has:text',
  'has:text -text:coffee',
  'text:咖啡 OR 狗',
  '-text:dog',
  // The text engine writes no tags: engine:text is has:text and qualifies no word.
  'engine:text',
  '引擎:文字',
  'coffee engine:text',
  '狗 engine:text',
  '-engine:text',
  'engine:text engine:local',
  'engine:text type:object 狗',
  '(engine:text OR engine:huawei) dog',
  'markers date:2020..',
  '16 status:broken',
  '——',
  // Persons: a person word narrows to persons; type:person narrows every word.
  '妈妈 -李伟 date:2024',
  'person:妈妈 -person:"Li Wei"',
  'type:person',
  'type:人物 小狗',
  'person:小狗 OR 狗',
  '-person:mum',
  'person:"Li Wei" faces:1+',
  'person:',
  // Tags without a confidence (Volcengine): no conf filter matches them, either way round.
  'engine:volcengine conf>80',
  'engine:volcengine conf<=100',
  'engine:volcengine -conf>=0',
  'face conf<50',
  '-conf>80',
  '   ',
  '-camera:canon',
  '-camera:""',
  'camera:canon OR -camera:canon',
  '-date:2020',
  'date:2020 OR -date:2020',
  '-(date:2020 dog)',
  '-(date:2020 OR dog)',
  '-(-date:2020 OR -camera:canon)',
  'NOT (camera:iphone OR has:date)',
  '-has:date',
  '-has:location',
  // An area's edge is in it; a lone latitude is no position ([Note: Area search]).
  '-near:45,45,500',
  'near:45,45,500 OR -near:45,45,500',
  '-area:10,10,40,40 has:location',
  'area:30,30,60,60 -near:45,45,100',
  'dog near:45,45,2000km',
  '-dog',
  '-(dog OR cat)',
  '-狗 -tagged',
  'dog OR -dog',
  'engine:user',
  '-engine:user',
  'engine:huawei ;',
  'engine:huawei -dog',
  'engine:huawei (dog OR cat)',
  'engine:huawei dog cat',
  'engine:local engine:huawei',
  'engine:local engine:huawei dog',
  'type:scene 人',
  'type:object type:scene',
  'type:object type:scene dog',
  'type:concept face',
  'conf>50 conf<80',
  'conf>50 conf<80 dog',
  'conf>=87.34',
  'conf>87.34',
  'conf<=87.34 狗',
  'conf>=80 -狗',
  '(engine:user)',
  '(conf>90) dog',
  'dog (type:scene)',
  'dog OR type:scene',
  'faces:0',
  '-faces:0',
  'faces:2+',
  'faces:1-3',
  '-faces:1+',
  'has:faces',
  'has:boxes',
  '-has:boxes',
  'has:text',
  'text:咖啡',
  'text:"coffee shop"',
  'text:coffee-shop',
  '文字:出口',
  'text:dog',
  'text:狗',
  'text:——',
  'text:"热狗 ¥12"',
  'TEXT:markers',
  'has:text type:object',
  'status:missing',
  '-status:missing',
  'status:missing OR dog',
  '(status:missing OR -status:missing)',
  'status:offline',
  '-status:offline',
  'status:online -status:ok',
  'status:pending OR status:broken',
  '-tagged',
  'untagged',
  '-untagged',
  'tagged engine:aliyun',
  '人',
  '人脸',
  '脸',
  'face',
  'faces',
  '"face"',
  'hot dog',
  '"hot dog"',
  '"dog hot"',
  'dog',
  'DOG',
  'ＤＯＧ',
  '狗',
  '狗狗',
  'doggy',
  'text',
  '文本',
  'T',
  'T恤',
  't-shirt',
  'café',
  'CAFÉ',
  ';',
  '-;',
  '; OR dog',
  'dog ;',
  '-- dog',
  'dog -',
  'zebra',
  '-zebra',
  'ghost',
  '-ghost',
  'zebra OR dog',
  'camera:"Canon EOS"',
  'camera:éclair',
  'camera:ÉCLAIR',
  'camera:_',
  'camera:%',
  'camera:100%',
  'folder:Trips',
  'folder:/',
  'folder:家庭',
  'folder:a.jpg',
  'folder:"Old Disk" status:offline',
  'date:..1970',
  'date:2020..',
  'date:..2019',
  'date:2023-05..2023-08',
  'date:2019 OR date:2020',
  'date:2023-05-31',
  'date:2019-12-31',
  'date:2023-5..2023-8',
  '-date:2023-05..',
  'date:2020 dog',
  'date:2020 date:2019',
  '狗 date:2023 engine:local',
  '人 人脸',
  '人 OR 合影',
  '(人 OR 狗) -人脸',
  '(dog OR "hot dog") conf>=50 engine:local',
  '-(-(-dog))',
  'NOT NOT dog',
  'dog AND cat',
  'dog | cat | 猫',
  '（狗 OR 猫）',
  '－狗',
  '(((dog)))',
  `${'('.repeat(20)}dog${')'.repeat(20)}`,
  `${'('.repeat(21)}dog${')'.repeat(21)}`,
  Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? 'dog' : 'cat')).join(' OR '),
  Array.from({ length: 101 }, () => 'dog').join(' '),
  "dog';DROP TABLE photos;--",
  ...invalidQueries,
];

interface Generated {
  text: string;
  /** Whether the text is an OR at its top (so it needs parentheses inside an AND). */
  or: boolean;
}

function primary(random: Random, depth: number): string {
  const r = random();
  if (r < 0.14 && depth < 3) return `(${expression(random, depth + 1).text})`;
  if (r < 0.52) return pick(random, words);
  if (r < 0.6) return pick(random, phrases);
  if (r < 0.72) return pick(random, qualifierFilters);
  return pick(random, otherFilters);
}

function unary(random: Random, depth: number): string {
  const r = random();
  if (r < 0.15) return `-${primary(random, depth)}`;
  if (r < 0.2) return `NOT ${unary(random, depth)}`;
  if (r < 0.22) return `－${primary(random, depth)}`;
  return primary(random, depth);
}

function conjunction(random: Random, depth: number): string {
  const n = 1 + Math.floor(random() * random() * 4);
  const terms = Array.from({ length: n }, () => unary(random, depth));
  return terms.reduce((text, t) => `${text}${random() < 0.15 ? ' AND ' : ' '}${t}`);
}

function expression(random: Random, depth: number): Generated {
  if (depth < 3 && random() < 0.3) {
    const n = 2 + Math.floor(random() * 2);
    const parts = Array.from({ length: n }, () => conjunction(random, depth + 1));
    const text = parts.reduce((t, p) => `${t}${random() < 0.2 ? ' | ' : ' OR '}${p}`);
    return { text, or: true };
  }
  return { text: conjunction(random, depth), or: false };
}

/** One random query: often with top-level qualifiers ([Note: Tag qualifiers]), sometimes broken. */
function randomQuery(random: Random): string {
  const r = random();
  if (r < 0.04) return pick(random, invalidQueries);
  const e = expression(random, 0);
  let text = e.text;
  if (r < 0.4) {
    const qualifiers = Array.from({ length: 1 + Math.floor(random() * random() * 3) }, () =>
      pick(random, qualifierFilters),
    ).join(' ');
    // Parentheses make the body one nested term: the qualifiers then also need a tag of their own.
    const body = e.or || random() < 0.3 ? `(${text})` : text;
    text = random() < 0.5 ? `${qualifiers} ${body}` : `${body} ${qualifiers}`;
  }
  if (r > 0.96) {
    // Break a valid query: the error must be the same on both paths.
    const breakers = [
      (t: string) => `(${t}`,
      (t: string) => `${t})`,
      (t: string) => `${t} OR`,
      (t: string) => `${t} "`,
      (t: string) => `${t} ${pick(random, invalidQueries)}`,
    ];
    text = pick(random, breakers)(text);
  }
  return text;
}

/** The corner queries, then random ones up to `count` in all, without repeats. */
export function generateSnapshotQueries(seed: number, count: number): string[] {
  const random = seededRandom(seed);
  const queries = new Set<string>(cornerQueries);
  let attempts = 0;
  while (queries.size < count && attempts < count * 20) {
    queries.add(randomQuery(random));
    attempts++;
  }
  return [...queries];
}
