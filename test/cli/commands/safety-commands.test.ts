import Database from 'better-sqlite3';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  utimesSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeInProgressMs } from '../../../main/catalog/catalog-check.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { integrityProblems } from '../../../main/catalog/catalog-backup.ts';
import { openCatalog } from '../../../main/catalog/catalog-connection.ts';
import { parseCsv, csvColumns } from '../../../main/catalog/catalog-export.ts';
import { addFolder } from '../../../main/catalog/folders.ts';
import { saveEngineAnswer } from '../../../main/catalog/photo-tags.ts';
import { safetyCommands } from '../../../main/cli/commands/safety-commands.ts';
import { silentLog } from '../../../main/library/library-deps.ts';
import { thumbnailPath } from '../../../main/library/library-files.ts';
import { dataPaths } from '../../../main/util/data-dir.ts';
import { ingestFolder, makeJpeg } from '../../library/library-fixtures.ts';
import { runCliCaptured } from '../cli-harness.ts';

let root: string;
let data: string;
let photos: string;

async function seedLibrary(): Promise<void> {
  const db = openCatalog(dataPaths(data).catalog);
  try {
    const folder = addFolder(db, photos);
    await ingestFolder({ db, dataRoot: data, log: silentLog }, folder.id);
    const rows = db.prepare('SELECT rel_path, content_id FROM photos ORDER BY rel_path').all() as {
      rel_path: string;
      content_id: number;
    }[];
    for (const row of rows) {
      const name = row.rel_path.startsWith('dog') ? 'dog' : 'tree';
      const zh = name === 'dog' ? '狗' : '树';
      saveEngineAnswer(
        db,
        row.content_id,
        {
          engine: 'local',
          model: 'm',
          tags: [{ name, i18n: { zh, en: name }, type: 'object', confidence: 88, instances: [] }],
        },
        'k',
      );
    }
  } finally {
    db.close();
  }
}

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'tujian-cli-safety-'));
  data = join(root, 'data');
  photos = join(root, 'photos');
  mkdirSync(photos);
  writeFileSync(join(photos, 'dog, "Rex".jpg'), await makeJpeg({ colour: '#884422' }));
  writeFileSync(join(photos, 'tree.jpg'), await makeJpeg({ colour: '#228822' }));
  await seedLibrary();
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCliCaptured(args, data);

describe('safetyCommands', () => {
  it('are all registered with the CLI', async () => {
    const help = await cli('help');
    for (const command of safetyCommands) expect(help.out).toContain(`  ${command.name} `);
  });

  it('backup writes a checked copy; a second backup to the same file is refused', async () => {
    const target = join(root, 'backups', 'copy.sqlite');
    const first = await cli('backup', target);
    expect(first).toMatchObject({ code: 0 });
    expect(first.out).toMatch(/integrity ok/);
    const copy = new Database(target, { readonly: true });
    expect(integrityProblems(copy)).toEqual([]);
    expect(copy.prepare('SELECT count(*) AS n FROM photos').get()).toEqual({ n: 2 });
    copy.close();
    const again = await cli('backup', target);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already exists/);
    expect((await cli('backup')).code).toBe(2);

    // Restore it over a catalog that lost its photos.
    const db = openCatalog(dataPaths(data).catalog);
    db.prepare('DELETE FROM photos').run();
    db.close();
    const restored = await cli('restore', target);
    expect(restored.code).toBe(0);
    expect(restored.out).toMatch(/kept at .*catalog-replaced-/);
    const back = openCatalog(dataPaths(data).catalog);
    expect(back.prepare('SELECT count(*) AS n FROM photos').get()).toEqual({ n: 2 });
    back.close();
    expect((await cli('restore', join(root, 'nope.sqlite'))).code).toBe(1);
  });

  it('export --format csv writes a photo named like a formula as a text cell', async () => {
    // A real photo whose name and tag a spreadsheet would run as formulas.
    writeFileSync(join(photos, '=HYPERLINK(1).jpg'), await makeJpeg({ colour: '#224488' }));
    const db = openCatalog(dataPaths(data).catalog);
    try {
      // Rescan and ingest as seedLibrary does (no tagging engine: the tag is written below).
      const folderId = (db.prepare('SELECT id FROM folders').get() as { id: number }).id;
      await ingestFolder({ db, dataRoot: data, log: silentLog }, folderId);
      const row = db
        .prepare("SELECT content_id FROM photos WHERE rel_path = '=HYPERLINK(1).jpg'")
        .get() as { content_id: number };
      saveEngineAnswer(
        db,
        row.content_id,
        {
          engine: 'huawei',
          model: 'm',
          tags: [
            {
              name: '@SUM(1)',
              i18n: { zh: '+1', en: '-1' },
              type: 'object',
              confidence: 70,
              instances: [],
            },
          ],
        },
        'k2',
      );
    } finally {
      db.close();
    }
    const csv = await cli('export', '--format', 'csv', '--layout', 'photos');
    expect(csv.code).toBe(0);
    const rows = parseCsv(csv.out);
    const formulaRow = rows.find((r) => r[2]?.includes('HYPERLINK'));
    expect(formulaRow?.[2]).toBe("'=HYPERLINK(1).jpg");
    expect(formulaRow?.slice(-2)).toEqual(["'-1", "'+1"]);
    // No cell of the file starts like a formula.
    for (const cell of rows.flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('export writes CSV for a query and JSON for everything', async () => {
    const csv = await cli('export', '--format', 'csv', '狗');
    expect(csv.code).toBe(0);
    const [header, ...rows] = parseCsv(csv.out);
    expect(header).toEqual(csvColumns.tags);
    expect(rows.map((r) => [r[0], r[csvColumns.tags.indexOf('tag_zh')]])).toEqual([
      [join(photos, 'dog, "Rex".jpg'), '狗'],
    ]);

    const file = join(root, 'all.json');
    const json = await cli('export', '--format', 'json', '--output', file);
    expect(json.code).toBe(0);
    expect(json.err).toMatch(/Exported 2 photos/);
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as {
      relPath: string;
      tags: { en: string }[];
    }[];
    expect(parsed.map((p) => [p.relPath, p.tags.map((t) => t.en)])).toEqual([
      ['dog, "Rex".jpg', ['dog']],
      ['tree.jpg', ['tree']],
    ]);
    expect((await cli('export', '--format', 'xml')).code).toBe(2);
  });

  it('check reports orphans (exit 3) and --fix-orphans removes them', async () => {
    expect(await cli('check')).toMatchObject({ code: 0 });
    const orphan = thumbnailPath(data, 'c'.repeat(64));
    mkdirSync(join(orphan, '..'), { recursive: true });
    writeFileSync(orphan, 'stale');
    // Just written, it may be another process's write in progress: reported, left alone.
    const fresh = await cli('check', '--fix-orphans');
    expect(fresh.out).toMatch(/being written by another Tujian right now: 1/);
    expect(existsSync(orphan)).toBe(true);
    const old = new Date(Date.now() - 2 * writeInProgressMs);
    utimesSync(orphan, old, old);
    const found = await cli('check');
    expect(found.code).toBe(3);
    expect(found.out).toMatch(/Orphan thumbnails\/previews: 1 .*--fix-orphans/);
    const fixed = await cli('check', '--fix-orphans');
    expect(fixed.code).toBe(0);
    expect(existsSync(orphan)).toBe(false);

    // A photo deleted behind the catalog's back: exit 3 until a scan records it as missing.
    rmSync(join(photos, 'tree.jpg'));
    const gone = await cli('check');
    expect(gone.code).toBe(3);
    expect(gone.out).toMatch(/missing: .*tree\.jpg \(not yet noticed by a scan\)/);
  });

  it('relink follows a renamed folder and keeps its tags', async () => {
    const renamed = join(root, 'photos-renamed');
    renameSync(photos, renamed);
    const result = await cli('relink', photos, renamed);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/moved: .*photos-renamed/);
    expect(result.out).toMatch(/2 unchanged/);
    const search = await cli('export', '--format', 'json', 'tree');
    expect((JSON.parse(search.out) as { path: string }[]).map((p) => p.path)).toEqual([
      join(renamed, 'tree.jpg'),
    ]);
    expect((await cli('relink', join(root, 'nowhere'), renamed)).code).toBe(2);
  });

  it('xmp settings and write produce sidecars next to the photos', async () => {
    const set = await cli('xmp', 'settings', '--write', 'on', '--languages', 'en', '--json');
    expect(JSON.parse(set.out)).toMatchObject({ enabled: true, languages: 'en' });
    expect((await cli('xmp', 'settings', '--location', 'folder')).code).toBe(2);
    const written = await cli('xmp', 'write');
    expect(written.code).toBe(0);
    expect(written.out).toMatch(/2 written/);
    expect(readFileSync(join(photos, 'tree.jpg.xmp'), 'utf8')).toContain('Tujian|objects|tree');
  });

  it('previews shows and sets the preview size and budget, and prunes to it', async () => {
    const shown = await cli('previews', '--json');
    expect(JSON.parse(shown.out)).toMatchObject({
      settings: { size: 1600, budgetBytes: null },
      storage: { thumbnails: { files: 2 }, previews: { files: 2 } },
    });
    expect((await cli('previews', '--size', '12')).code).toBe(2);
    const pruned = await cli('previews', '--size', '1024', '--budget', '0.000001', '--prune');
    expect(pruned.code).toBe(0);
    expect(pruned.out).toMatch(/Preview size: 1024 px/);
    expect(pruned.out).toMatch(/Pruned 2 least recently used previews/);
    expect(pruned.out).toMatch(/Thumbnails: 2 files/);
    expect(pruned.out).toMatch(/Previews: 0 files/);
  });
});
