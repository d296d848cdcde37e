// Builds the temporary library the browser tests run against: real photos (the shared
// samples, or photos generated with sharp when ../shared is absent) in a temp folder, a
// real catalog in a temp data folder, real thumbnails and previews made with sharp at the
// library's paths, and tags saved through the catalog module (saveEngineAnswer).
//
// The tags are written by this fixture (model `e2e-fixture`), not computed by the local
// engine, because the engine and the ingest runtime were not in the tree when the UI tests
// were written; the browser tests check the UI shows what the catalog holds.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import sharp from 'sharp';
import { openCatalog } from '../../main/catalog/catalog-connection.ts';
import { saveEngineAnswer } from '../../main/catalog/photo-tags.ts';
import type { EngineAnswer, NormalisedTag } from '../../main/engines/tag-model.ts';
import { dataPaths } from '../../main/util/data-dir.ts';

/** Debian's Chromium, which the browser tests drive (no browser download on these machines). */
export const chromiumPath = '/usr/bin/chromium';

/** Headless Chromium with the flags these machines need (no sandbox, GPU or background traffic). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
}

export const samplesDir = resolve(import.meta.dirname, '../../../shared/samples/photos');

type Box = [x: number, y: number, w: number, h: number];
type TagSpec = [name: string, zh: string, type: NormalisedTag['type'], conf: number, boxes: Box[]];

/** What the fixture says each photo shows (boxes as x, y, w, h in 0–1). */
const photoTags: Record<string, { takenAt: string; tags: TagSpec[] }> = {
  'dog.jpg': {
    takenAt: '2021-06-12T10:00:00Z',
    tags: [
      ['dog', '狗', 'object', 94, [[0.16, 0.36, 0.3, 0.58]]],
      ['bicycle', '自行车', 'object', 88, [[0.14, 0.2, 0.6, 0.55]]],
      ['outdoor', '户外', 'scene', 70, []],
    ],
  },
  'eagle.jpg': {
    takenAt: '2022-03-02T08:30:00Z',
    tags: [
      ['bird', '鸟', 'object', 96, [[0.2, 0.05, 0.6, 0.9]]],
      ['sky', '天空', 'scene', 64, []],
    ],
  },
  'giraffe.jpg': {
    takenAt: '2022-08-20T15:00:00Z',
    tags: [
      ['giraffe', '长颈鹿', 'object', 97, [[0.3, 0.05, 0.45, 0.9]]],
      ['zebra', '斑马', 'object', 81, [[0.05, 0.55, 0.3, 0.4]]],
      ['animal', '动物', 'concept', 90, []],
    ],
  },
  'horses.jpg': {
    takenAt: '2023-05-04T12:00:00Z',
    tags: [
      [
        'horse',
        '马',
        'object',
        93,
        [
          [0.05, 0.3, 0.4, 0.6],
          [0.5, 0.25, 0.45, 0.65],
        ],
      ],
      ['animal', '动物', 'concept', 88, []],
    ],
  },
  'kite.jpg': {
    takenAt: '2023-07-15T17:20:00Z',
    tags: [
      ['kite', '风筝', 'object', 85, [[0.4, 0.1, 0.15, 0.15]]],
      ['person', '人', 'object', 79, [[0.1, 0.55, 0.1, 0.3]]],
      ['beach', '海滩', 'scene', 72, []],
    ],
  },
  'person.jpg': {
    takenAt: '2023-09-09T09:09:00Z',
    tags: [
      ['person', '人', 'object', 95, [[0.3, 0.2, 0.25, 0.7]]],
      ['dog', '狗', 'object', 90, [[0.05, 0.55, 0.25, 0.35]]],
      ['horse', '马', 'object', 92, [[0.55, 0.2, 0.4, 0.7]]],
    ],
  },
  'chelsea.png': {
    takenAt: '2024-01-01T11:00:00Z',
    tags: [
      ['cat', '猫', 'object', 98, [[0.3, 0.05, 0.6, 0.9]]],
      ['animal', '动物', 'concept', 91, []],
    ],
  },
  'coffee.png': {
    takenAt: '2024-02-14T07:45:00Z',
    tags: [['cup', '杯子', 'object', 89, [[0.1, 0.05, 0.8, 0.85]]]],
  },
  'astronaut.png': {
    takenAt: '2024-04-12T12:00:00Z',
    tags: [['person', '人', 'object', 93, [[0.15, 0.05, 0.7, 0.95]]]],
  },
  'page.png': {
    takenAt: '2024-06-30T16:00:00Z',
    tags: [['text', '文字', 'concept', 87, []]],
  },
};

export interface E2eLibrary {
  readonly root: string;
  readonly photosDir: string;
  readonly dataRoot: string;
  readonly fromSamples: boolean;
}

async function writePhotos(photosDir: string): Promise<boolean> {
  mkdirSync(photosDir, { recursive: true });
  if (existsSync(samplesDir)) {
    for (const name of Object.keys(photoTags)) {
      copyFileSync(join(samplesDir, name), join(photosDir, name));
    }
    return true;
  }
  // No ../shared (a fresh clone): generated photos with the same names, distinct content.
  let i = 0;
  for (const name of Object.keys(photoTags)) {
    const hue = (i++ * 37) % 255;
    const image = sharp({
      create: {
        width: 640,
        height: 480,
        channels: 3,
        background: { r: hue, g: 120, b: 255 - hue },
      },
    }).composite([
      {
        input: Buffer.from(
          `<svg width="640" height="480"><circle cx="${200 + i * 20}" cy="240" r="120" fill="white"/></svg>`,
        ),
      },
    ]);
    const file = join(photosDir, name);
    if (name.endsWith('.png')) await image.png().toFile(file);
    else await image.jpeg().toFile(file);
  }
  return false;
}

export async function createE2eLibrary(): Promise<E2eLibrary> {
  const root = mkdtempSync(join(tmpdir(), 'tujian-e2e-'));
  const photosDir = join(root, 'Photos');
  const dataRoot = join(root, 'data');
  const fromSamples = await writePhotos(photosDir);
  const db = openCatalog(dataPaths(dataRoot).catalog);
  try {
    const now = Date.now();
    const folder = db
      .prepare<[string, number, number], { id: number }>(
        `INSERT INTO folders (path, engines, added_at, last_scan_at) VALUES (?, '["local"]', ?, ?) RETURNING id`,
      )
      .get(photosDir, now, now);
    if (!folder) throw new Error('folder insert failed');
    for (const [name, spec] of Object.entries(photoTags)) {
      const file = join(photosDir, name);
      const bytes = readFileSync(file);
      const hash = createHash('sha256').update(bytes).digest('hex');
      const meta = await sharp(bytes).metadata();
      for (const [kind, size] of [
        ['thumbnails', 320],
        ['previews', 1600],
      ] as const) {
        const out = join(dataPaths(dataRoot)[kind], hash.slice(0, 2), `${hash}.webp`);
        mkdirSync(dirname(out), { recursive: true });
        await sharp(bytes)
          .rotate()
          .resize(size, size, { fit: 'inside', withoutEnlargement: true })
          .webp()
          .toFile(out);
      }
      const content = db
        .prepare<[string, number, string, number, number, number, number], { id: number }>(
          `INSERT INTO contents (hash, size, format, width, height, taken_at, has_preview, created_at)
           VALUES (?, ?, ?, ?, ?, ?, 1, ?) RETURNING id`,
        )
        .get(
          hash,
          bytes.length,
          meta.format,
          meta.width,
          meta.height,
          Date.parse(spec.takenAt),
          now,
        );
      if (!content) throw new Error('content insert failed');
      db.prepare(
        `INSERT INTO photos (folder_id, rel_path, size, mtime_ms, content_id, status, indexed_at)
         VALUES (?, ?, ?, ?, ?, 'ok', ?)`,
      ).run(folder.id, name, bytes.length, Math.round(statSync(file).mtimeMs), content.id, now);
      const answer: EngineAnswer = {
        engine: 'local',
        model: 'e2e-fixture',
        tags: spec.tags.map(([tagName, zh, type, confidence, boxes]) => ({
          name: tagName,
          i18n: { zh, en: tagName },
          type,
          confidence,
          instances: boxes.map(([x, y, w, h]) => ({ x, y, w, h, confidence })),
        })),
      };
      saveEngineAnswer(db, content.id, answer, 'e2e-fixture');
    }
  } finally {
    db.close();
  }
  return { root, photosDir, dataRoot, fromSamples };
}
