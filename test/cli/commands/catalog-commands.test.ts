// `tujian tags` through the real CLI entry on a real catalog in a temp data folder: the tags
// merged into a tag are listed with it.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCatalog } from '../../../main/catalog/catalog-connection.ts';
import { saveEngineAnswer } from '../../../main/catalog/photo-tags.ts';
import { mergeTags } from '../../../main/catalog/tag-editing.ts';
import { tagsCommand } from '../../../main/cli/commands/catalog-commands.ts';
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
