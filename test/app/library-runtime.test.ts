// The live library runtime keeps XMP sidecars current while it runs (a tag change is written
// without anyone asking) and writes the last changes when it is drained on quit. Real
// catalog, real photos, real ExifTool; no engines are needed for user tag edits.
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLibraryRuntime, type LibraryRuntime } from '../../main/app/library-runtime.ts';
import { findPhotoByPath } from '../../main/catalog/photos.ts';
import { addTag, removeTag } from '../../main/catalog/tag-editing.ts';
import { writeXmpSettings } from '../../main/library/xmp-sidecars.ts';
import { silentLogger } from '../../main/util/logger.ts';
import {
  ingestFolder,
  makeJpeg,
  makeTestLibrary,
  type TestLibrary,
} from '../library/library-fixtures.ts';

const exiftoolCli = existsSync('/usr/bin/exiftool')
  ? '/usr/bin/exiftool'
  : join(process.cwd(), 'node_modules/exiftool-vendored.pl/bin/exiftool');

function subjectsIn(file: string): string[] {
  if (!existsSync(file)) return [];
  const out = execFileSync(exiftoolCli, ['-j', '-XMP-dc:Subject', file]).toString();
  const subject = (JSON.parse(out) as { Subject?: string | string[] }[])[0]?.Subject;
  return subject === undefined ? [] : Array.isArray(subject) ? subject : [subject];
}

let lib: TestLibrary;
let runtime: LibraryRuntime | undefined;
beforeEach(() => {
  lib = makeTestLibrary();
});
afterEach(async () => {
  await runtime?.drain();
  runtime = undefined;
  lib.cleanup();
});

describe(startLibraryRuntime.name, () => {
  it('writes sidecars of changed tags while running, and the last ones when drained', async () => {
    writeFileSync(join(lib.photos, 'dog.jpg'), await makeJpeg());
    await ingestFolder(lib, lib.folder.id);
    const photo = findPhotoByPath(lib.db, lib.folder.id, 'dog.jpg');
    if (!photo) throw new Error('not ingested');
    const sidecar = join(lib.photos, 'dog.jpg.xmp');
    writeXmpSettings(lib.db, { enabled: true, languages: 'en' });

    runtime = startLibraryRuntime({
      db: lib.db,
      dataRoot: lib.dataRoot,
      log: silentLogger,
      engines: new Map(),
      watch: false,
    });
    addTag(lib.db, { photoIds: [photo.id] }, 'Rex');
    // Written by the runtime's own polling once the photo has been quiet a moment.
    const deadline = Date.now() + 15_000;
    while (subjectsIn(sidecar).length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(subjectsIn(sidecar)).toEqual(['Rex']);

    // A change just before quitting is written by the drain, not left for the next start.
    removeTag(lib.db, { photoIds: [photo.id] }, 'Rex');
    addTag(lib.db, { photoIds: [photo.id] }, 'ball');
    await runtime.drain();
    runtime = undefined;
    expect(subjectsIn(sidecar)).toEqual(['ball']);
    expect(lib.db.prepare(`SELECT count(*) AS n FROM sidecar_pending`).get()).toEqual({ n: 0 });
  });
});
