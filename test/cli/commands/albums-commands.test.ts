// `tujian albums` with manual albums, and `tujian export --album`, through the real CLI entry
// on a real data folder whose photos were ingested from real JPEG files: create --manual, add
// photos by id and path, move, show (human and --json), remove, the older `add <name> <query>`
// still saving a smart album, the album list telling both kinds apart, and usage errors.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCatalog } from '../../../main/catalog/catalog-connection.ts';
import { addFolder } from '../../../main/catalog/folders.ts';
import { parseCsv } from '../../../main/catalog/catalog-export.ts';
import { albumsCommand } from '../../../main/cli/commands/search-cli-commands.ts';
import { silentLog } from '../../../main/library/library-deps.ts';
import { dataPaths } from '../../../main/util/data-dir.ts';
import { ingestFolder, makeJpeg } from '../../library/library-fixtures.ts';
import { runCliCaptured } from '../cli-harness.ts';

let root: string;
let data: string;
let photos: string;
const ids = new Map<string, number>();

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'tujian-cli-albums-'));
  data = join(root, 'data');
  photos = join(root, 'photos');
  mkdirSync(photos);
  const colours = { 'a.jpg': '#884422', 'b.jpg': '#228822', 'c.jpg': '#222288' };
  for (const [name, colour] of Object.entries(colours)) {
    writeFileSync(join(photos, name), await makeJpeg({ colour }));
  }
  const db = openCatalog(dataPaths(data).catalog);
  try {
    const folder = addFolder(db, photos);
    await ingestFolder({ db, dataRoot: data, log: silentLog }, folder.id);
    const rows = db.prepare('SELECT id, rel_path FROM photos').all() as {
      id: number;
      rel_path: string;
    }[];
    for (const row of rows) ids.set(row.rel_path, row.id);
  } finally {
    db.close();
  }
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCliCaptured(args, data);
const idOf = (name: string) => String(ids.get(name));

describe(albumsCommand.name, () => {
  it('creates a manual album, adds photos by id and path, moves, shows and removes them', async () => {
    expect(await cli('albums', 'create', '--manual', 'Trip')).toMatchObject({
      code: 0,
      out: expect.stringMatching(/Manual album "Trip" created/) as unknown,
    });
    const added = await cli('albums', 'add', 'trip', idOf('c.jpg'), join(photos, 'a.jpg'), 'b.jpg');
    expect(added.out).toBe('Added 3 photos to "Trip".\n');
    await cli('albums', 'move', 'Trip', idOf('b.jpg'), '--before', idOf('c.jpg'));
    const shown = await cli('albums', 'show', 'Trip');
    expect(shown.out.split('\n').slice(0, 4)).toEqual([
      `Trip (manual album, 3 photos, in the album's order)`,
      expect.stringMatching(/^ {3}1 {2}\d+ {2}.*\/b\.jpg$/),
      expect.stringMatching(/^ {3}2 {2}\d+ {2}.*\/c\.jpg$/),
      expect.stringMatching(/^ {3}3 {2}\d+ {2}.*\/a\.jpg$/),
    ]);
    const json = JSON.parse((await cli('albums', 'show', 'Trip', '--json')).out) as {
      album: { kind: string; count: number };
      photos: { id: number }[];
    };
    expect(json.album).toMatchObject({ kind: 'manual', count: 3 });
    expect(json.photos.map((p) => p.id)).toEqual([
      ids.get('b.jpg'),
      ids.get('c.jpg'),
      ids.get('a.jpg'),
    ]);

    // Export keeps the album's order.
    const csv = parseCsv((await cli('export', '--layout', 'photos', '--album', 'Trip')).out);
    const pathColumn = csv[0]?.indexOf('path') ?? -1;
    expect(csv.slice(1).map((row) => row[pathColumn]?.replace(/^.*\//, ''))).toEqual([
      'b.jpg',
      'c.jpg',
      'a.jpg',
    ]);

    expect((await cli('albums', 'remove', 'Trip', idOf('c.jpg'))).out).toMatch(
      /Removed 1 photo from "Trip"/,
    );
    const list = JSON.parse((await cli('albums', 'list', '--json')).out) as {
      name: string;
      kind: string;
      count: number;
    }[];
    expect(list.map((a) => [a.name, a.kind, a.count])).toEqual([['Trip', 'manual', 2]]);
  });

  it('still saves a smart album with add <new name> <query>, and lists both kinds apart', async () => {
    expect((await cli('albums', 'add', 'Everything', '-tagged')).code).toBe(0);
    expect((await cli('albums', 'create', 'Untagged', '-tagged')).code).toBe(0);
    await cli('albums', 'create', '--manual', 'Picks');
    const list = (await cli('albums')).out;
    expect(list).toMatch(/^Everything +3 {2}-tagged$/m);
    expect(list).toMatch(/^Picks +0 {2}\(manual\)$/m);
    // A smart album takes no photos; a photo that is not there is named.
    const smart = await cli('albums', 'add', 'Everything', idOf('a.jpg'));
    expect(smart.code).toBe(2);
    expect(smart.err).toMatch(/"Everything" is a smart album/);
    const missing = await cli('albums', 'add', 'Picks', '/nowhere/x.jpg');
    expect(missing).toMatchObject({ code: 2, err: 'No photo /nowhere/x.jpg in the catalog.\n' });
    expect((await cli('albums', 'show', 'Everything')).out).toMatch(
      /^Everything \(smart album: -tagged; 3 photos, newest first\)/,
    );
  });

  it('leaves a deleted file out of the album (the real scanner marks it missing) and shows it again when it is back', async () => {
    await cli('albums', 'create', '--manual', 'Trip');
    await cli('albums', 'add', 'Trip', idOf('a.jpg'), idOf('b.jpg'), idOf('c.jpg'));
    const bytes = readFileSync(join(photos, 'b.jpg'));
    const rescan = async () => {
      const db = openCatalog(dataPaths(data).catalog);
      try {
        const folderId = (db.prepare('SELECT id FROM folders').get() as { id: number }).id;
        await ingestFolder({ db, dataRoot: data, log: silentLog }, folderId);
      } finally {
        db.close();
      }
    };
    const shown = async () =>
      JSON.parse((await cli('albums', 'show', 'Trip', '--json')).out) as {
        album: { count: number };
        photos: { id: number }[];
      };
    rmSync(join(photos, 'b.jpg'));
    await rescan();
    const without = await shown();
    expect(without.album.count).toBe(2);
    expect(without.photos.map((p) => p.id)).toEqual([ids.get('a.jpg'), ids.get('c.jpg')]);
    writeFileSync(join(photos, 'b.jpg'), bytes);
    await rescan();
    expect((await shown()).photos.map((p) => p.id)).toEqual([
      ids.get('a.jpg'),
      ids.get('b.jpg'),
      ids.get('c.jpg'),
    ]);
    // The folder leaves the library: its photos leave every album, and the album still works.
    const db = openCatalog(dataPaths(data).catalog);
    const folderId = (db.prepare('SELECT id FROM folders').get() as { id: number }).id;
    db.close();
    expect((await cli('remove', String(folderId), '--yes')).code).toBe(0);
    expect(await shown()).toMatchObject({ album: { count: 0 }, photos: [] });
  });

  it('refuses misused options with a usage error', async () => {
    expect((await cli('albums', 'add', 'X', '--manual')).code).toBe(2);
    expect((await cli('albums', 'create', '--manual', 'X', 'dog')).code).toBe(2);
    expect((await cli('albums', 'show', 'X', '--before', '1')).code).toBe(2);
    expect((await cli('albums', 'remove', 'X')).code).toBe(2);
    expect((await cli('export', '--album', 'X', 'dog')).code).toBe(2);
  });
});
