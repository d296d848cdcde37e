// The text read in photos in XMP sidecars ([Note: Recognised text in XMP]), with real
// ExifTool on real photos in a temporary library: off by default; when on, an ExifTool run
// of its own (without Tujian's config) reads the lines back in order; a description another
// tool wrote stays exactly as it was; turning the option off takes our text out at the next
// sidecar sync and leaves everything else.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { savePhotoText } from '../../main/catalog/photo-text.ts';
import { saveEngineAnswer } from '../../main/catalog/photo-tags.ts';
import { findPhotoByPath } from '../../main/catalog/photos.ts';
import { countPendingSidecars } from '../../main/catalog/sidecar-marks.ts';
import type { EngineAnswer } from '../../main/engines/tag-model.ts';
import { relinkFolder } from '../../main/library/folder-relink.ts';
import { createSidecarSync, type SidecarSync } from '../../main/library/sidecar-sync.ts';
import {
  createXmpTool,
  readXmpSettings,
  writeSidecars,
  writeXmpSettings,
  type XmpTool,
} from '../../main/library/xmp-sidecars.ts';
import {
  recognizedTextForSidecar,
  sameRecognizedText,
  writeExiftoolConfig,
} from '../../main/library/xmp-text.ts';
import { ingestFolder, makeJpeg, makeTestLibrary, type TestLibrary } from './library-fixtures.ts';

// Read-back by a separate ExifTool run from the command line, not our code path (and without
// our -config: what any other program using ExifTool sees).
const exiftoolCli = existsSync('/usr/bin/exiftool')
  ? '/usr/bin/exiftool'
  : join(process.cwd(), 'node_modules/exiftool-vendored.pl/bin/exiftool');

interface SidecarFields {
  text: string[];
  description: string | undefined;
  subject: string[];
}

function readBack(file: string): SidecarFields {
  const out = execFileSync(exiftoolCli, [
    '-j',
    '-XMP-tujian:all',
    '-XMP-dc:Description',
    '-XMP-dc:Subject',
    file,
  ]).toString();
  const tags = (JSON.parse(out) as Record<string, string | string[] | undefined>[])[0] ?? {};
  const list = (v: string | string[] | undefined) =>
    v === undefined ? [] : Array.isArray(v) ? v : [v];
  const description = tags.Description;
  return {
    text: list(tags.RecognizedText),
    description: Array.isArray(description) ? description.join('\n') : description,
    subject: list(tags.Subject),
  };
}

let tool: XmpTool;
beforeAll(() => {
  tool = createXmpTool();
});
afterAll(async () => {
  await tool.end();
});

let lib: TestLibrary;
const syncs: SidecarSync[] = [];
beforeEach(() => {
  lib = makeTestLibrary();
});
afterEach(async () => {
  for (const sync of syncs.splice(0)) await sync.close();
  lib.cleanup();
});

/** A drainer sharing the file's ExifTool process (its close() must not end it). */
function makeSync(): SidecarSync {
  const sync = createSidecarSync(lib.db, {
    quietMs: 0,
    tool: () => ({
      read: (path) => tool.read(path),
      write: (path, keywords) => tool.write(path, keywords),
      end: () => Promise.resolve(),
    }),
  });
  syncs.push(sync);
  return sync;
}

async function ingestOne(
  relPath: string,
): Promise<{ photoId: number; contentId: number; sidecar: string }> {
  const abs = join(lib.photos, ...relPath.split('/'));
  mkdirSync(join(abs, '..'), { recursive: true });
  writeFileSync(abs, await makeJpeg({ colour: '#884422' }));
  await ingestFolder(lib, lib.folder.id);
  const photo = findPhotoByPath(lib.db, lib.folder.id, relPath);
  if (photo?.contentId == null) throw new Error(`${relPath} not ingested`);
  return { photoId: photo.id, contentId: photo.contentId, sidecar: `${abs}.xmp` };
}

const box: [number, number][] = [
  [0.1, 0.1],
  [0.6, 0.1],
  [0.6, 0.2],
  [0.1, 0.2],
];

/** What the text engine's answer commit does: the result row and its lines in one write. */
function readText(contentId: number, lines: readonly string[]): void {
  const answer: EngineAnswer = {
    engine: 'text',
    model: 'ppocr-v4',
    tags: [],
    text: {
      lines: lines.map((text) => ({ text, box, confidence: 95, language: 'mixed' as const })),
    },
  };
  lib.db.transaction(() => {
    saveEngineAnswer(lib.db, contentId, answer, 'k');
    savePhotoText(lib.db, contentId, answer);
  })();
}

function tagDog(contentId: number): void {
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
          confidence: 90,
          instances: [],
        },
      ],
    },
    'k',
  );
}

const signLines = ['欢迎光临咖啡馆', 'Coffee, Tea & Cake', '营业时间 8:00-22:00'];

/** Another program's caption, written before Tujian touched the sidecar. */
function describeWithAnotherTool(sidecar: string, photo: string, caption: string): void {
  execFileSync(exiftoolCli, [
    '-q',
    '-o',
    sidecar,
    `-XMP-dc:Description=${caption}`,
    '-XMP-dc:Subject=holiday',
    photo,
  ]);
}

describe(recognizedTextForSidecar.name, () => {
  it('gives the lines in reading order only when the option is on', async () => {
    const { contentId } = await ingestOne('sign.jpg');
    readText(contentId, ['  two  spaces ', '咖啡']);
    expect(recognizedTextForSidecar(lib.db, contentId, { writeText: false })).toEqual([]);
    expect(recognizedTextForSidecar(lib.db, contentId, { writeText: true })).toEqual([
      'two spaces',
      '咖啡',
    ]);
  });
});

describe(writeExiftoolConfig.name, () => {
  it('writes the namespace config (Perl ExifTool runs) where only this user can write, and removes it', () => {
    const config = writeExiftoolConfig();
    expect(readFileSync(config.path, 'utf8')).toContain(
      "'tujian' => 'https://tujian.app/xmp/1.0/'",
    );
    expect(statSync(dirname(config.path)).mode & 0o077).toBe(0);
    expect(statSync(config.path).mode & 0o077).toBe(0);
    // Each tool its own: a second one never shares (or trusts) the first one's file.
    const other = writeExiftoolConfig();
    expect(other.path).not.toBe(config.path);
    config.remove();
    other.remove();
    expect(existsSync(dirname(config.path))).toBe(false);
  });
});

describe(sameRecognizedText.name, () => {
  it('takes a line ExifTool read back as a number for the same line, and nothing else', () => {
    expect(
      sameRecognizedText(['12.50', '0800', '1e5', '咖啡'], ['12.5', '800', '100000', '咖啡']),
    ).toBe(true);
    expect(sameRecognizedText(['12.50'], ['12.6'])).toBe(false);
    expect(sameRecognizedText(['¥12.50'], ['¥12.5'])).toBe(false);
    expect(sameRecognizedText(['a'], ['a', 'b'])).toBe(false);
    expect(sameRecognizedText([''], ['0'])).toBe(false);
  });
});

describe('recognised text in sidecars', () => {
  it('is off by default: a sidecar gets the tags and none of the text', async () => {
    const { photoId, contentId, sidecar } = await ingestOne('sign.jpg');
    tagDog(contentId);
    readText(contentId, signLines);
    expect(readXmpSettings(lib.db).writeText).toBe(false);
    writeXmpSettings(lib.db, { enabled: true, languages: 'en' });
    expect(await writeSidecars(tool, lib.db, readXmpSettings(lib.db), [photoId])).toMatchObject({
      written: 1,
    });
    expect(readBack(sidecar)).toEqual({ text: [], description: undefined, subject: ['dog'] });
  });

  it('with text but no tags and the option off, writes no sidecar at all', async () => {
    const { photoId, contentId, sidecar } = await ingestOne('sign.jpg');
    readText(contentId, signLines);
    writeXmpSettings(lib.db, { enabled: true });
    const report = await writeSidecars(tool, lib.db, readXmpSettings(lib.db), [photoId]);
    expect(report.skipped).toHaveLength(1);
    expect(existsSync(sidecar)).toBe(false);
  });

  it('writes the lines that ExifTool reads back, keeping a description another tool wrote', async () => {
    const { photoId, contentId, sidecar } = await ingestOne('shop/sign.jpg');
    const caption = 'Our first morning in Chengdu — 成都的第一个早晨';
    describeWithAnotherTool(sidecar, join(lib.photos, 'shop', 'sign.jpg'), caption);
    tagDog(contentId);
    readText(contentId, signLines);
    writeXmpSettings(lib.db, { enabled: true, languages: 'en', writeText: true });

    const first = await writeSidecars(tool, lib.db, readXmpSettings(lib.db), [photoId]);
    expect(first).toMatchObject({ written: 1, failed: [] });
    expect(readBack(sidecar)).toEqual({
      text: signLines,
      description: caption,
      subject: ['holiday', 'dog'],
    });
    // Written once: the same text again is no write.
    expect(await writeSidecars(tool, lib.db, readXmpSettings(lib.db), [photoId])).toMatchObject({
      unchanged: 1,
      written: 0,
    });
  });

  it('does not rewrite a sidecar whose lines ExifTool reads back as numbers', async () => {
    const { photoId, contentId } = await ingestOne('receipt.jpg');
    // A receipt: prices and a time, lines ExifTool's JSON reports as numbers (12.5, 800).
    readText(contentId, ['合计', '12.50', '0800']);
    writeXmpSettings(lib.db, { enabled: true, writeText: true });
    const settings = readXmpSettings(lib.db);
    expect(await writeSidecars(tool, lib.db, settings, [photoId])).toMatchObject({ written: 1 });
    expect(await writeSidecars(tool, lib.db, settings, [photoId])).toMatchObject({
      written: 0,
      unchanged: 1,
    });
  });

  it('writes a photo with text and no tags, and follows new text through the sidecar sync', async () => {
    const { contentId, sidecar } = await ingestOne('ticket.jpg');
    writeXmpSettings(lib.db, { enabled: true, writeText: true });
    readText(contentId, ['北京南 → 上海虹桥', 'G1 次']);
    expect(countPendingSidecars(lib.db).pending).toBe(1);
    expect(await makeSync().drainDue()).toMatchObject({ done: 1, written: 1 });
    expect(readBack(sidecar).text).toEqual(['北京南 → 上海虹桥', 'G1 次']);
    // Read again by a newer model: the sidecar follows.
    readText(contentId, ['北京南 → 上海虹桥', 'G1 次 08:00']);
    expect(await makeSync().drainDue()).toMatchObject({ done: 1, written: 1 });
    expect(readBack(sidecar).text).toEqual(['北京南 → 上海虹桥', 'G1 次 08:00']);
  });

  it('writes a text-only photo again under the new name when the library folder moves (sidecar folder)', async () => {
    const { contentId } = await ingestOne('trip/ticket.jpg');
    const mirror = join(lib.root, 'sidecars');
    writeXmpSettings(lib.db, {
      enabled: true,
      location: 'folder',
      folder: mirror,
      writeText: true,
    });
    readText(contentId, ['北京南 → 上海虹桥', 'G1 次']);
    const sync = makeSync();
    expect(await sync.drainDue()).toMatchObject({ done: 1, written: 1 });
    const top = `${String(lib.folder.id)}-photos`;
    expect(readBack(join(mirror, top, 'trip', 'ticket.jpg.xmp')).text).toEqual([
      '北京南 → 上海虹桥',
      'G1 次',
    ]);
    // The library folder is relinked to a new place (`tujian relink`): its mirror moves too.
    const moved = join(lib.root, 'pictures');
    renameSync(lib.photos, moved);
    await relinkFolder(lib.db, lib.folder.path, moved);
    expect(countPendingSidecars(lib.db).pending).toBe(1);
    expect(await sync.drainDue()).toMatchObject({ done: 1, written: 1 });
    const movedTop = `${String(lib.folder.id)}-pictures`;
    expect(readBack(join(mirror, movedTop, 'trip', 'ticket.jpg.xmp')).text).toEqual([
      '北京南 → 上海虹桥',
      'G1 次',
    ]);
  });

  it('turning the option off removes our text at the next sync, and only our text', async () => {
    const { contentId, sidecar } = await ingestOne('sign.jpg');
    const caption = 'menu board';
    describeWithAnotherTool(sidecar, join(lib.photos, 'sign.jpg'), caption);
    tagDog(contentId);
    readText(contentId, signLines);
    writeXmpSettings(lib.db, { enabled: true, languages: 'en', writeText: true });
    await writeSidecars(tool, lib.db, readXmpSettings(lib.db));
    expect(readBack(sidecar).text).toEqual(signLines);

    writeXmpSettings(lib.db, { writeText: false });
    // The option marks every content with text due: no full `tujian xmp write` needed.
    expect(countPendingSidecars(lib.db).pending).toBe(1);
    expect(await makeSync().drainDue()).toMatchObject({ done: 1, written: 1 });
    expect(readBack(sidecar)).toEqual({
      text: [],
      description: caption,
      subject: ['holiday', 'dog'],
    });
    // And on again brings it back.
    writeXmpSettings(lib.db, { writeText: true });
    expect(await makeSync().drainDue()).toMatchObject({ done: 1, written: 1 });
    expect(readBack(sidecar).text).toEqual(signLines);
  });
});
