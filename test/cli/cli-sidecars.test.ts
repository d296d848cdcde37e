// XMP sidecars and one-shot CLI commands, through the real CLI entry on a real catalog, with
// real ExifTool: `tujian tag add|rm|rename` leave the changed photos' sidecars current before
// they exit when writing is on (and --json output stays one JSON document), and nothing is
// written while it is off.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCatalog } from '../../main/catalog/catalog-connection.ts';
import { saveEngineAnswer } from '../../main/catalog/photo-tags.ts';
import { savePhotoText } from '../../main/catalog/photo-text.ts';
import { startCliSidecars } from '../../main/cli/cli-sidecars.ts';
import { dataPaths } from '../../main/util/data-dir.ts';
import { runCliCaptured } from './cli-harness.ts';

const exiftoolCli = existsSync('/usr/bin/exiftool')
  ? '/usr/bin/exiftool'
  : join(process.cwd(), 'node_modules/exiftool-vendored.pl/bin/exiftool');

function subjectsIn(file: string): string[] {
  if (!existsSync(file)) return [];
  const out = execFileSync(exiftoolCli, ['-j', '-XMP-dc:Subject', file]).toString();
  const subject = (JSON.parse(out) as { Subject?: string | string[] }[])[0]?.Subject;
  return subject === undefined ? [] : Array.isArray(subject) ? subject : [subject];
}

let root: string;
let data: string;
let photos: string;

const cli = (...args: string[]) => runCliCaptured(args, data, { printSuppressedForJson: true });

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tujian-cli-sidecars-'));
  data = join(root, 'data');
  photos = join(root, 'photos');
  mkdirSync(photos, { recursive: true });
  const db = openCatalog(dataPaths(data).catalog);
  try {
    // Catalog rows for two photos; their sidecars go next to where the files would be.
    db.prepare(`INSERT INTO folders (path, added_at) VALUES (?, 0)`).run(photos);
    db.exec(`INSERT INTO contents (hash, size, created_at) VALUES ('h1', 1, 0), ('h2', 1, 0);
             INSERT INTO photos (folder_id, rel_path, size, mtime_ms, content_id, status)
               VALUES (1, 'a.jpg', 1, 0, 1, 'ok'), (1, 'b.jpg', 1, 0, 2, 'ok');`);
    for (const content of [1, 2]) {
      saveEngineAnswer(
        db,
        content,
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
  } finally {
    db.close();
  }
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe(startCliSidecars.name, () => {
  it('tag add, rm and rename write the changed sidecars before the command exits', async () => {
    const on = await cli('xmp', 'settings', '--write', 'on', '--languages', 'en');
    expect(on.code).toBe(0);
    // Turning it on does not rewrite what is already tagged: the command says what to run.
    expect(on.out).toMatch(/run "tujian xmp write" once/);
    const again = await cli('xmp', 'settings', '--write', 'on');
    expect(again.out).not.toMatch(/xmp write/);
    // One option set leaves the others as they were (it once reset them to their defaults).
    expect(again.out).toMatch(/languages +en/);
    expect((await cli('xmp', 'settings', '--min-confidence', '60')).out).toMatch(/enabled +true/);
    const a = join(photos, 'a.jpg.xmp');
    const b = join(photos, 'b.jpg.xmp');

    const added = await cli('tag', 'add', '1', 'Rex');
    expect(added).toMatchObject({ code: 0, err: '' });
    expect(added.out).toMatch(/XMP sidecars: 1 written\n$/);
    expect(subjectsIn(a)).toEqual(['Rex', 'dog']);
    // Only the photo whose tags changed.
    expect(existsSync(b)).toBe(false);

    const removed = await cli('tag', 'rm', '1', 'dog', '--json');
    expect(removed).toMatchObject({ code: 0, err: '' });
    expect(() => JSON.parse(removed.out) as unknown).not.toThrow();
    expect(subjectsIn(a)).toEqual(['Rex']);

    // A rename reaches every photo carrying the tag.
    const renamed = await cli('tag', 'rename', 'dog', '--en', 'hound');
    expect(renamed.code).toBe(0);
    expect(renamed.out).toMatch(/XMP sidecars: 1 written\n$/);
    expect(subjectsIn(a)).toEqual(['Rex']); // removed from a, so still not there
    expect(subjectsIn(b)).toEqual(['hound']);
  });

  it('writes nothing, and says nothing about sidecars, while writing is off', async () => {
    const added = await cli('tag', 'add', '1', 'Rex');
    expect(added.code).toBe(0);
    expect(added.out).not.toMatch(/XMP/);
    expect((await cli('status')).out).not.toMatch(/XMP/);
    expect(existsSync(join(photos, 'a.jpg.xmp'))).toBe(false);
  });

  it('keeps a sidecar it cannot write due, and says so', async () => {
    await cli('xmp', 'settings', '--write', 'on');
    // A directory where the sidecar belongs: ExifTool cannot write it.
    mkdirSync(join(photos, 'a.jpg.xmp'));
    const added = await cli('tag', 'add', '1', 'Rex');
    expect(added.code).toBe(0);
    expect(added.out).toMatch(/XMP sidecars: 0 written, 1 still due/);
    // (The reason goes to the CLI's stderr logger: process.stderr, not this io.)
    const db = openCatalog(dataPaths(data).catalog);
    try {
      expect(db.prepare(`SELECT content_id FROM sidecar_pending`).all()).toEqual([
        { content_id: 1 },
      ]);
    } finally {
      db.close();
    }
    // `tujian status` tells, in words and in --json.
    expect((await cli('status')).out).toContain(
      'XMP sidecars: written as tags change, 1 due (1 unreachable or failing, retried later)',
    );
    const status = JSON.parse((await cli('status', '--json')).out) as { sidecars: unknown };
    expect(status.sidecars).toEqual({ enabled: true, pending: 1, retrying: 1 });
  });

  it('xmp settings --text on writes the text read in photos into their sidecars, --text off takes it out', async () => {
    const db = openCatalog(dataPaths(data).catalog);
    try {
      const box: [number, number][] = [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 1],
      ];
      savePhotoText(db, 1, {
        engine: 'text',
        model: 'm',
        tags: [],
        text: {
          lines: ['出口 EXIT', '2号线'].map((text) => ({
            text,
            box,
            confidence: 90,
            language: 'mixed' as const,
          })),
        },
      });
    } finally {
      db.close();
    }
    const textIn = (file: string): unknown =>
      (
        JSON.parse(
          execFileSync(exiftoolCli, ['-j', '-XMP-tujian:RecognizedText', file]).toString(),
        ) as { RecognizedText?: unknown }[]
      )[0]?.RecognizedText;
    const a = join(photos, 'a.jpg.xmp');
    await cli('xmp', 'settings', '--write', 'on', '--languages', 'en');
    await cli('xmp', 'write');
    expect(subjectsIn(a)).toEqual(['dog']);
    expect(textIn(a)).toBeUndefined();

    const on = await cli('xmp', 'settings', '--text', 'on');
    expect(on.code).toBe(0);
    expect(on.out).toMatch(/writeText +true/);
    // Written before the command returned, no `xmp write` needed.
    expect(on.out).toMatch(/XMP sidecars: 1 written/);
    expect(textIn(a)).toEqual(['出口 EXIT', '2号线']);

    const off = await cli('xmp', 'settings', '--text', 'off', '--json');
    expect(off.code).toBe(0);
    expect((JSON.parse(off.out) as { writeText: boolean }).writeText).toBe(false);
    expect(textIn(a)).toBeUndefined();
    expect(subjectsIn(a)).toEqual(['dog']);
    expect((await cli('xmp', 'settings', '--text', 'maybe')).code).toBe(2);
  });
});
