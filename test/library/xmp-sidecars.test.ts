import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { saveEngineAnswer, upsertTag } from '../../main/catalog/photo-tags.ts';
import { findPhotoByPath } from '../../main/catalog/photos.ts';
import { mergeTags, removeTag } from '../../main/catalog/tag-editing.ts';
import {
  listContentFaces,
  listPersons,
  moveFace,
  namePerson,
  replaceContentFaces,
} from '../../main/catalog/people.ts';
import type { AnswerFace } from '../../main/engines/tag-model.ts';

/** One face with a descriptor (its values do not matter here: no clustering runs). */
const personFace = (): AnswerFace => ({
  box: { x: 0.3, y: 0.2, w: 0.3, h: 0.4, confidence: 90 },
  descriptor: new Float32Array(8).fill(0.35),
  sourceSide: 100,
  sharpness: 30,
});
import {
  XmpSettings,
  createKeywordImporter,
  createXmpTool,
  importKeywordsAsUserTags,
  keywordsForContent,
  mergeKeywords,
  readKeywords,
  readXmpSettings,
  sidecarPathFor,
  writeSidecars,
  writeSidecarsForContent,
  writeXmpSettings,
  type XmpTool,
} from '../../main/library/xmp-sidecars.ts';
import { ingestFolder, makeJpeg, makeTestLibrary, type TestLibrary } from './library-fixtures.ts';
import { importableFaceRegions } from '../../main/library/mwg-face-regions.ts';
import { makeFifo, unblockFifo } from '../util/fifo-fixtures.ts';

// Read-back uses a separate ExifTool run from the command line (Debian's libimage-exiftool-perl,
// installed by .ci/run; the copy bundled with exiftool-vendored otherwise), not our code path.
const exiftoolCli = existsSync('/usr/bin/exiftool')
  ? '/usr/bin/exiftool'
  : join(process.cwd(), 'node_modules/exiftool-vendored.pl/bin/exiftool');

function readBack(file: string): {
  Subject?: string | string[];
  HierarchicalSubject?: string | string[];
} {
  const out = execFileSync(exiftoolCli, [
    '-j',
    '-XMP-dc:Subject',
    '-XMP-lr:HierarchicalSubject',
    file,
  ]).toString();
  return (JSON.parse(out) as Record<string, string | string[]>[])[0] ?? {};
}

const list = (v: string | string[] | undefined) =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

let tool: XmpTool;
beforeAll(() => {
  tool = createXmpTool();
});
afterAll(async () => {
  await tool.end();
});

let lib: TestLibrary;
beforeEach(() => {
  lib = makeTestLibrary();
});
afterEach(() => {
  lib.cleanup();
});

async function ingestOne(
  relPath: string,
  colour: string,
): Promise<{ photoId: number; contentId: number }> {
  const abs = join(lib.photos, ...relPath.split('/'));
  mkdirSync(join(abs, '..'), { recursive: true });
  writeFileSync(abs, await makeJpeg({ colour }));
  await ingestFolder(lib, lib.folder.id);
  const photo = findPhotoByPath(lib.db, lib.folder.id, relPath);
  if (!photo || photo.contentId === null) throw new Error(`${relPath} not ingested`);
  return { photoId: photo.id, contentId: photo.contentId };
}

function tagDogPhoto(contentId: number): void {
  saveEngineAnswer(
    lib.db,
    contentId,
    {
      engine: 'local',
      model: 'm',
      tags: [
        {
          name: 'dog',
          i18n: { zh: '狗', en: 'dog' },
          type: 'object',
          confidence: 92,
          instances: [],
        },
        {
          name: 'beach',
          i18n: { zh: '海滩', en: 'beach' },
          type: 'scene',
          confidence: 70,
          instances: [],
        },
        {
          name: 'cat',
          i18n: { zh: '猫', en: 'cat' },
          type: 'object',
          confidence: 88,
          instances: [],
        },
        {
          name: 'kite',
          i18n: { zh: '风筝', en: 'kite' },
          type: 'object',
          confidence: 20,
          instances: [],
        },
      ],
    },
    'k',
  );
  // The user rejected "cat" and added "Grandma|Mum" (a name with the hierarchy separator).
  lib.db
    .prepare(
      `UPDATE photo_tags SET state = 'rejected' WHERE tag_id = (SELECT id FROM tags WHERE name = 'cat')`,
    )
    .run();
  importKeywordsAsUserTags(lib.db, contentId, ['Grandma|Mum']);
}

// A threshold, so the low-confidence kite shows that engine tags below it stay out.
const settings = (overrides: Partial<XmpSettings> = {}): XmpSettings =>
  XmpSettings.parse({ enabled: true, minConfidence: 50, ...overrides });

describe(writeSidecars.name, () => {
  it('writes dc:subject and lr:HierarchicalSubject that ExifTool reads back, never rejected tags', async () => {
    const { photoId, contentId } = await ingestOne('trip/dog.jpg', '#aa5500');
    tagDogPhoto(contentId);
    const photoBytes = readFileSync(join(lib.photos, 'trip', 'dog.jpg'));

    const report = await writeSidecars(tool, lib.db, settings(), [photoId]);
    expect(report).toMatchObject({ written: 1, unchanged: 0, skipped: [], failed: [] });
    const sidecar = join(lib.photos, 'trip', 'dog.jpg.xmp');
    const back = readBack(sidecar);
    expect(list(back.Subject)).toEqual(['Grandma/Mum', 'dog', '狗', 'beach', '海滩']);
    expect(list(back.HierarchicalSubject)).toEqual([
      'Tujian|user|Grandma/Mum',
      'Tujian|objects|dog',
      'Tujian|objects|狗',
      'Tujian|scenes|beach',
      'Tujian|scenes|海滩',
    ]);
    // The photo itself is never written.
    expect(readFileSync(join(lib.photos, 'trip', 'dog.jpg')).equals(photoBytes)).toBe(true);
    // Nothing changed: nothing written.
    expect(await writeSidecars(tool, lib.db, settings(), [photoId])).toMatchObject({
      unchanged: 1,
    });
  });

  it("keeps other tools' keywords and replaces only Tujian's own on rewrite", async () => {
    const { photoId, contentId } = await ingestOne('dog.jpg', '#336699');
    tagDogPhoto(contentId);
    const sidecar = join(lib.photos, 'dog.jpg.xmp');
    // A sidecar Lightroom left: its own flat and hierarchical keywords.
    execFileSync(exiftoolCli, [
      '-q',
      '-XMP-dc:Subject=Paris',
      '-XMP-dc:Subject=holiday',
      '-XMP-lr:HierarchicalSubject=Places|France|Paris',
      '-o',
      sidecar,
    ]);
    await writeSidecars(tool, lib.db, settings({ languages: 'en' }), [photoId]);
    expect(list(readBack(sidecar).Subject)).toEqual([
      'Paris',
      'holiday',
      'Grandma/Mum',
      'dog',
      'beach',
    ]);

    // The user rejects "dog": the next write drops it and keeps everything else.
    lib.db
      .prepare(
        `UPDATE photo_tags SET state = 'rejected' WHERE tag_id = (SELECT id FROM tags WHERE name = 'dog')`,
      )
      .run();
    await writeSidecars(tool, lib.db, settings({ languages: 'en' }), [photoId]);
    const back = readBack(sidecar);
    expect(list(back.Subject)).toEqual(['Paris', 'holiday', 'Grandma/Mum', 'beach']);
    expect(list(back.HierarchicalSubject)).toEqual([
      'Places|France|Paris',
      'Tujian|user|Grandma/Mum',
      'Tujian|scenes|beach',
    ]);
  });

  it('writes to a sidecar folder, also while the photo drive is offline', async () => {
    const { photoId, contentId } = await ingestOne('a/b/dog.jpg', '#112233');
    tagDogPhoto(contentId);
    const sidecars = join(lib.root, 'sidecars');
    const inFolder = settings({ location: 'folder', folder: sidecars, languages: 'zh' });
    renameSync(lib.photos, `${lib.photos}-away`);
    lib.db.prepare(`UPDATE folders SET status = 'offline'`).run();

    const beside = await writeSidecars(tool, lib.db, settings(), [photoId]);
    expect(beside.skipped[0]?.reason).toMatch(/folder offline/);
    const report = await writeSidecars(tool, lib.db, inFolder, [photoId]);
    expect(report.written).toBe(1);
    const path = sidecarPathFor(inFolder, lib.folder, 'a/b/dog.jpg');
    expect(path).toBe(join(sidecars, `${String(lib.folder.id)}-photos`, 'a', 'b', 'dog.jpg.xmp'));
    expect(list(readBack(path).Subject)).toEqual(['Grandma/Mum', '狗', '海滩']);
  });
});

describe('MWG face regions', () => {
  it('writes named faces as mwg-rs regions ExifTool reads back, keeping regions other tools wrote', async () => {
    const { photoId, contentId } = await ingestOne('family/mum.jpg', '#7a6a5a');
    const sidecar = join(lib.photos, 'family', 'mum.jpg.xmp');
    // digiKam was here first: one region of its own.
    execFileSync(exiftoolCli, [
      '-q',
      '-o',
      sidecar,
      '-struct',
      '-XMP-mwg-rs:RegionInfo={AppliedToDimensions={W=64,H=48,Unit=pixel},RegionList=[{Area={X=0.1,Y=0.1,W=0.05,H=0.05,Unit=normalized},Name=Grandpa,Type=Face}]}',
      join(lib.photos, 'family', 'mum.jpg'),
    ]);
    replaceContentFaces(lib.db, contentId, [personFace()], 'test-faces', 1);
    const personId = moveFace(lib.db, listContentFaces(lib.db, contentId)[0]?.id ?? 0, null, 1);
    namePerson(lib.db, personId, { zh: '妈妈', en: 'Mum' }, 1);

    expect(await writeSidecars(tool, lib.db, settings(), [photoId])).toMatchObject({ written: 1 });
    const regionsOf = () =>
      (
        JSON.parse(
          execFileSync(exiftoolCli, [
            '-j',
            '-struct',
            '-XMP-mwg-rs:RegionInfo',
            sidecar,
          ]).toString(),
        ) as { RegionInfo?: { AppliedToDimensions?: unknown; RegionList?: unknown[] } }[]
      )[0]?.RegionInfo;
    expect(regionsOf()).toEqual({
      AppliedToDimensions: { W: 64, H: 48, Unit: 'pixel' },
      RegionList: [
        {
          Area: { X: 0.1, Y: 0.1, W: 0.05, H: 0.05, Unit: 'normalized' },
          Name: 'Grandpa',
          Type: 'Face',
        },
        {
          Area: { X: 0.45, Y: 0.4, W: 0.3, H: 0.4, Unit: 'normalized' },
          Name: 'Mum',
          Type: 'Face',
          Description: 'Tujian',
        },
      ],
    });
    expect(await writeSidecars(tool, lib.db, settings(), [photoId])).toMatchObject({
      unchanged: 1,
    });
    // A rename replaces our region only.
    namePerson(lib.db, personId, { en: 'Mother' }, 2);
    await writeSidecars(tool, lib.db, settings(), [photoId]);
    const names = (regionsOf()?.RegionList ?? []).map((r) => (r as { Name?: string }).Name);
    expect(names).toEqual(['Grandpa', 'Mother']);
  });
});

describe('MWG face regions of a turned photo', () => {
  it('writes the region for the stored pixels with their AppliedToDimensions, as other tools read it', async () => {
    // Stored 64 × 48 with orientation 6: shown 48 × 64.
    writeFileSync(join(lib.photos, 'upright.jpg'), await makeJpeg({ orientation: 6 }));
    await ingestFolder(lib, lib.folder.id);
    const photo = findPhotoByPath(lib.db, lib.folder.id, 'upright.jpg');
    const contentId = photo?.contentId ?? 0;
    // The face box is of the shown photo: x 0.3–0.6, y 0.2–0.6.
    replaceContentFaces(lib.db, contentId, [personFace()], 'test-faces', 1);
    const personId = moveFace(lib.db, listContentFaces(lib.db, contentId)[0]?.id ?? 0, null, 1);
    namePerson(lib.db, personId, { en: 'Mum' }, 1);
    expect(await writeSidecars(tool, lib.db, settings(), [photo?.id ?? 0])).toMatchObject({
      written: 1,
    });
    const sidecar = join(lib.photos, 'upright.jpg.xmp');
    const info = (
      JSON.parse(
        execFileSync(exiftoolCli, ['-j', '-struct', '-XMP-mwg-rs:RegionInfo', sidecar]).toString(),
      ) as { RegionInfo?: { AppliedToDimensions?: unknown; RegionList?: { Area?: unknown }[] } }[]
    )[0]?.RegionInfo;
    // Turned back a quarter anticlockwise: stored x = shown y, stored y = 1 - shown x - w.
    expect(info?.AppliedToDimensions).toEqual({ W: 64, H: 48, Unit: 'pixel' });
    expect(info?.RegionList?.[0]?.Area).toEqual({
      X: 0.4,
      Y: 0.55,
      W: 0.4,
      H: 0.3,
      Unit: 'normalized',
    });
    // Read as another tool's region, it lands on the face again.
    const read = await tool.read(sidecar);
    const asForeign = {
      ...read,
      regions: (read.regions ?? []).map((r) => ({ ...r, ours: false })),
    };
    const [box] = importableFaceRegions(asForeign, { width: 48, height: 64, orientation: 6 });
    expect(box?.name).toBe('Mum');
    for (const [k, v] of Object.entries({ x: 0.3, y: 0.2, w: 0.3, h: 0.4 })) {
      expect(box?.[k as 'x'], k).toBeCloseTo(v, 6);
    }
  });
});

describe(readKeywords.name, () => {
  it('reads embedded IPTC and XMP keywords and sidecars, but not our engine keywords', async () => {
    const { photoId, contentId } = await ingestOne('x.jpg', '#445566');
    const photo = join(lib.photos, 'x.jpg');
    // Keywords embedded by another tool, and a Lightroom-style sidecar (x.xmp).
    execFileSync(exiftoolCli, [
      '-q',
      '-overwrite_original',
      '-IPTC:CodedCharacterSet=UTF8',
      '-IPTC:Keywords=sunset',
      '-IPTC:Keywords=家人',
      '-XMP-dc:Subject=sunset',
      photo,
    ]);
    execFileSync(exiftoolCli, ['-q', '-XMP-dc:Subject=2019', '-o', join(lib.photos, 'x.xmp')]);
    // And our own sidecar from an earlier catalog: engine keywords and one user keyword.
    tagDogPhoto(contentId);
    await writeSidecars(tool, lib.db, settings(), [photoId]);

    const keywords = await readKeywords(tool, photo);
    expect(keywords.sort()).toEqual(['2019', 'Grandma/Mum', 'sunset', '家人'].sort());
  });

  it('reads the photo but never hands exiftool a pipe planted as its sidecar', async () => {
    await ingestOne('piped.jpg', '#334455');
    const photo = join(lib.photos, 'piped.jpg');
    execFileSync(exiftoolCli, ['-q', '-overwrite_original', '-XMP-dc:Subject=harbour', photo]);
    // A real FIFO: exiftool reading it would wait for a writer for ever (exiftool-vendored
    // has no task timeout by default), and every later read would queue behind it.
    const fifo = makeFifo(join(lib.photos, 'piped.xmp'));
    try {
      expect(await readKeywords(tool, photo)).toEqual(['harbour']);
    } finally {
      unblockFifo(fifo);
    }
  }, 20_000);

  it('returns nothing for a photo without keywords or a damaged sidecar', async () => {
    await ingestOne('plain.jpg', '#778899');
    writeFileSync(join(lib.photos, 'plain.jpg.xmp'), '<not xmp');
    expect(await readKeywords(tool, join(lib.photos, 'plain.jpg'))).toEqual([]);
  });
});

describe(importKeywordsAsUserTags.name, () => {
  it('adds user tags, reuses known tags in either language, and keeps rejections', async () => {
    const { contentId } = await ingestOne('k.jpg', '#010203');
    const dog = upsertTag(lib.db, { name: 'dog', type: 'object', zh: '狗', en: 'dog' });
    expect(importKeywordsAsUserTags(lib.db, contentId, ['狗', 'Sunset', 'sunset'])).toBe(2);
    const rows = lib.db
      .prepare(
        `SELECT t.name, pt.engine, pt.state FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id
         WHERE pt.content_id = ? ORDER BY t.name`,
      )
      .all(contentId);
    expect(rows).toEqual([
      { name: 'dog', engine: 'user', state: 'user' },
      { name: 'sunset', engine: 'user', state: 'user' },
    ]);
    lib.db.prepare(`UPDATE photo_tags SET state = 'rejected' WHERE tag_id = ?`).run(dog);
    lib.db.prepare(`DELETE FROM photo_tags WHERE state = 'user'`).run();
    expect(importKeywordsAsUserTags(lib.db, contentId, ['dog'])).toBe(0);
  });

  it('puts the old name of a merged tag on the tag it was merged into', async () => {
    const { contentId } = await ingestOne('m.jpg', '#040506');
    const dog = upsertTag(lib.db, { name: 'dog', type: 'object', zh: '狗', en: 'Dog' });
    const puppy = upsertTag(lib.db, { name: 'puppy', type: 'object', zh: '小狗', en: 'Puppy' });
    mergeTags(lib.db, puppy, dog);
    expect(importKeywordsAsUserTags(lib.db, contentId, ['puppy', '小狗'])).toBe(1);
    const names = lib.db
      .prepare(
        `SELECT t.name FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.content_id = ?`,
      )
      .pluck()
      .all(contentId);
    expect(names).toEqual(['dog']);
    expect(lib.db.prepare(`SELECT count(*) FROM tags WHERE name = 'puppy'`).pluck().get()).toBe(0);
  });
});

describe(keywordsForContent.name, () => {
  it('follows the language and confidence settings', async () => {
    const { contentId } = await ingestOne('c.jpg', '#0a0b0c');
    tagDogPhoto(contentId);
    expect(
      keywordsForContent(lib.db, contentId, { languages: 'en', minConfidence: 10 }).subject,
    ).toEqual(['Grandma/Mum', 'dog', 'beach', 'kite']);
    expect(
      keywordsForContent(lib.db, contentId, { languages: 'zh', minConfidence: 80 }).subject,
    ).toEqual(['Grandma/Mum', '狗']);
  });

  it('writes a tag the engine detected without a score whatever the threshold', async () => {
    // Volcengine answers yes/no ([Note: Tags without a confidence]); its "yes" is not a low score.
    const { contentId } = await ingestOne('v.jpg', '#0c0b0a');
    saveEngineAnswer(
      lib.db,
      contentId,
      {
        engine: 'volcengine',
        model: 'v',
        tags: [
          {
            name: 'person',
            i18n: { zh: '人', en: 'person' },
            type: 'object',
            confidence: null,
            instances: [],
          },
        ],
      },
      'k',
    );
    expect(
      keywordsForContent(lib.db, contentId, { languages: 'en', minConfidence: 90 }).subject,
    ).toEqual(['person']);
  });

  it('writes a named person under Tujian|people in both languages, and not after the user removed it', async () => {
    const { contentId } = await ingestOne('p.jpg', '#0b0c0a');
    replaceContentFaces(lib.db, contentId, [personFace()], 'test-faces', 1);
    const face = listContentFaces(lib.db, contentId)[0];
    const personId = moveFace(lib.db, face?.id ?? 0, null, 1);
    namePerson(lib.db, personId, { zh: '妈妈', en: 'Mum' }, 1);
    expect(keywordsForContent(lib.db, contentId, { languages: 'both', minConfidence: 90 })).toEqual(
      {
        subject: ['Mum', '妈妈'],
        hierarchical: ['Tujian|people|Mum', 'Tujian|people|妈妈'],
        regions: [{ name: 'Mum', x: 0.45, y: 0.4, w: 0.3, h: 0.4, ours: true }],
        regionDimensions: { W: 64, H: 48, Unit: 'pixel' },
      },
    );
    const photo = lib.db
      .prepare(`SELECT id FROM photos WHERE content_id = ?`)
      .pluck()
      .get(contentId);
    removeTag(lib.db, { photoIds: [photo as number] }, listPersons(lib.db)[0]?.tagId ?? 0);
    expect(
      keywordsForContent(lib.db, contentId, { languages: 'both', minConfidence: 0 }).subject,
    ).toEqual([]);
  });

  it('merges by replacing only the Tujian branch', () => {
    expect(
      mergeKeywords(
        { subject: ['dog', 'mine'], hierarchical: ['Tujian|objects|dog', 'A|B'] },
        { subject: ['cat'], hierarchical: ['Tujian|objects|cat'] },
      ),
    ).toEqual({ subject: ['mine', 'cat'], hierarchical: ['A|B', 'Tujian|objects|cat'] });
  });
});

describe(readXmpSettings.name, () => {
  it('defaults to off, validates, and refuses a folder location without a folder', () => {
    expect(readXmpSettings(lib.db)).toMatchObject({
      enabled: false,
      minConfidence: 0,
      location: 'beside',
      languages: 'both',
    });
    expect(writeXmpSettings(lib.db, { enabled: true, minConfidence: 60 })).toMatchObject({
      enabled: true,
      minConfidence: 60,
    });
    expect(readXmpSettings(lib.db).minConfidence).toBe(60);
    expect(() => writeXmpSettings(lib.db, { location: 'folder' })).toThrow(/folder/);
    expect(() => writeXmpSettings(lib.db, { minConfidence: 300 })).toThrow();
  });
});

describe(createKeywordImporter.name, () => {
  it('imports keywords of new content when enabled, starting ExifTool only when needed', async () => {
    const { contentId } = await ingestOne('kw.jpg', '#302010');
    const photo = join(lib.photos, 'kw.jpg');
    execFileSync(exiftoolCli, ['-q', '-overwrite_original', '-XMP-dc:Subject=lighthouse', photo]);
    let started = 0;
    const off = createKeywordImporter(lib.db, {
      tool: () => {
        started++;
        return tool;
      },
    });
    writeXmpSettings(lib.db, { importKeywords: false });
    await off.onNewContent(contentId, photo);
    expect(started).toBe(0);

    writeXmpSettings(lib.db, { importKeywords: true });
    const on = createKeywordImporter(lib.db, {
      tool: () => {
        started++;
        return tool;
      },
    });
    await on.onNewContent(contentId, photo);
    expect(started).toBe(1);
    const names = lib.db
      .prepare(
        `SELECT t.name FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.content_id = ? AND pt.state = 'user'`,
      )
      .all(contentId);
    expect(names).toEqual([{ name: 'lighthouse' }]);
  });
});

describe(writeSidecarsForContent.name, () => {
  it('writes the sidecars of every place showing the content, only when enabled', async () => {
    const { contentId } = await ingestOne('one/dog.jpg', '#5a5a5a');
    await ingestOne('two/same.jpg', '#5a5a5a'); // the same bytes in a second place
    tagDogPhoto(contentId);
    expect(await writeSidecarsForContent(tool, lib.db, contentId)).toBeUndefined();
    writeXmpSettings(lib.db, { enabled: true });
    const report = await writeSidecarsForContent(tool, lib.db, contentId);
    expect(report?.written).toBe(2);
    expect(list(readBack(join(lib.photos, 'two', 'same.jpg.xmp')).Subject)).toContain('dog');
  });
});

describe('ingest with the keyword importer', () => {
  it('turns keywords another tool embedded into user tags, once per content', async () => {
    const first = join(lib.photos, 'tagged-elsewhere.jpg');
    writeFileSync(first, await makeJpeg({ colour: '#607080' }));
    execFileSync(exiftoolCli, [
      '-q',
      '-overwrite_original',
      '-XMP-dc:Subject=harbour',
      '-XMP-dc:Subject=boat',
      first,
    ]);
    mkdirSync(join(lib.photos, 'copy'));
    writeFileSync(join(lib.photos, 'copy', 'same.jpg'), readFileSync(first));
    let calls = 0;
    const importer = createKeywordImporter(lib.db, { tool: () => tool });
    await ingestFolder(lib, lib.folder.id, {
      onNewContent: async (contentId, path) => {
        calls++;
        await importer.onNewContent(contentId, path);
      },
    });
    expect(calls).toBe(1);
    const photo = findPhotoByPath(lib.db, lib.folder.id, 'copy/same.jpg');
    const names = lib.db
      .prepare(
        `SELECT t.name FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id
         WHERE pt.content_id = ? AND pt.state = 'user' ORDER BY t.name`,
      )
      .all(photo?.contentId ?? -1);
    expect(names).toEqual([{ name: 'boat' }, { name: 'harbour' }]);
  });
});
