// `tujian tags` through the real CLI entry on a real catalog in a temp data folder: the tags
// merged into a tag are listed with it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCatalog } from '../../../main/catalog/catalog-connection.ts';
import { saveEngineAnswer } from '../../../main/catalog/photo-tags.ts';
import { mergeTags } from '../../../main/catalog/tag-editing.ts';
import { failuresCommand, tagsCommand } from '../../../main/cli/commands/catalog-commands.ts';
import type { EngineAnswer } from '../../../main/engines/tag-model.ts';
import { dataPaths } from '../../../main/util/data-dir.ts';
import { runCliCaptured } from '../cli-harness.ts';

let root: string;
let data: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tujian-tags-cli-'));
  data = join(root, 'data');
  mkdirSync(data, { recursive: true });
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCliCaptured(args, data);

const tag = (name: string, zh: string, en: string) => ({
  name,
  i18n: { zh, en },
  type: 'object' as const,
  confidence: 80,
  instances: [],
});

describe(tagsCommand.name, () => {
  it('lists each tag with the names merged into it', async () => {
    const db = openCatalog(dataPaths(data).catalog);
    try {
      db.exec(`INSERT INTO folders (path, added_at) VALUES ('/p', 0);
               INSERT INTO contents (hash, size, created_at) VALUES ('h1', 1, 0), ('h2', 1, 0);
               INSERT INTO photos (folder_id, rel_path, size, mtime_ms, content_id, status)
                 VALUES (1, 'a.jpg', 1, 0, 1, 'ok'), (1, 'b.jpg', 1, 0, 2, 'ok');`);
      const answer = (tags: EngineAnswer['tags']): EngineAnswer => ({
        engine: 'local',
        model: 'm',
        tags,
      });
      saveEngineAnswer(db, 1, answer([tag('dog', '狗', 'Dog'), tag('cat', '猫', 'Cat')]), 'k');
      saveEngineAnswer(db, 2, answer([tag('puppy', '小狗', 'Puppy')]), 'k');
      const id = (name: string) =>
        db.prepare<[string], { id: number }>(`SELECT id FROM tags WHERE name = ?`).get(name)?.id ??
        -1;
      mergeTags(db, id('puppy'), id('dog'));
    } finally {
      db.close();
    }
    const text = await cli('tags');
    expect(text.code).toBe(0);
    expect(text.out.split('\n').filter(Boolean)).toEqual([
      '     2  狗 / Dog  (object)  also: 小狗 / Puppy',
      '     1  猫 / Cat  (object)',
    ]);
    const json = await cli('tags', '--json');
    expect(JSON.parse(json.out)).toEqual([
      {
        name: 'dog',
        zh: '狗',
        en: 'Dog',
        type: 'object',
        photos: 2,
        also: [{ name: 'puppy', type: 'object', zh: '小狗', en: 'Puppy' }],
      },
      { name: 'cat', zh: '猫', en: 'Cat', type: 'object', photos: 1, also: [] },
    ]);
  });
});

describe(failuresCommand.name, () => {
  it('prints file names with control characters escaped, and exact JSON with --json', async () => {
    const photos = join(root, 'photos');
    mkdirSync(photos);
    // A real broken file whose name would retitle the terminal and forge a line.
    const evil = 'evil\x1b]0;pwned\x07\nbroken: 0 \x1b[2J.jpg';
    writeFileSync(join(photos, evil), 'not a JPEG');
    expect((await cli('index', photos)).code).toBe(3);
    const human = await cli('failures');
    expect(human.code).toBe(0);
    // No control character but the line feeds ending lines, and the one broken photo is one line.
    // eslint-disable-next-line no-control-regex -- looking for control characters
    expect(human.out).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
    const lines = human.out.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('evil\\x1b]0;pwned\\x07\\nbroken: 0 \\x1b[2J.jpg');
    const json = JSON.parse((await cli('failures', '--json')).out) as {
      photos: { path: string }[];
    };
    expect(json.photos.map((p) => p.path)).toEqual([join(photos, evil)]);
  });
});
