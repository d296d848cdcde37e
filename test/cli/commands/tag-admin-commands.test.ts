// `tujian tag rename|merge` through the real CLI entry on a real catalog in a temp data
// folder: tags named in either language or as name:type, ambiguity, the merge preview and
// --yes, --json, and that searches and `tujian tags` see the result.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCatalog } from '../../../main/catalog/catalog-connection.ts';
import { saveEngineAnswer } from '../../../main/catalog/photo-tags.ts';
import type { CliInvocation } from '../../../main/cli/cli-command.ts';
import { runTagAdminCommand } from '../../../main/cli/commands/tag-admin-commands.ts';
import type { NormalisedTag } from '../../../main/engines/tag-model.ts';
import { dataPaths } from '../../../main/util/data-dir.ts';
import { runCliCaptured } from '../cli-harness.ts';

let root: string;
let data: string;

const cli = (...args: string[]) => runCliCaptured(args, data);

const tag = (name: string, zh: string, en: string, type: NormalisedTag['type'] = 'object') => ({
  name,
  i18n: { zh, en },
  type,
  confidence: 80,
  instances: [],
});

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tujian-tag-admin-cli-'));
  data = join(root, 'data');
  mkdirSync(data, { recursive: true });
  const db = openCatalog(dataPaths(data).catalog);
  try {
    db.exec(`INSERT INTO folders (path, added_at) VALUES ('/p', 0);
             INSERT INTO contents (hash, size, created_at) VALUES ('h1', 1, 0), ('h2', 1, 0), ('h3', 1, 0);
             INSERT INTO photos (folder_id, rel_path, size, mtime_ms, content_id, status)
               VALUES (1, 'a.jpg', 1, 0, 1, 'ok'), (1, 'b.jpg', 1, 0, 2, 'ok'), (1, 'c.jpg', 1, 0, 3, 'ok');`);
    const save = (content: number, tags: ReturnType<typeof tag>[]) =>
      saveEngineAnswer(db, content, { engine: 'local', model: 'm', tags }, `k${content}`);
    save(1, [tag('dog', '狗', 'Dog'), tag('orange', '橙子', 'Orange')]);
    save(2, [tag('puppy', '小狗', 'Puppy'), tag('orange', '橙色', 'Orange', 'concept')]);
    save(3, [tag('puppy', '小狗', 'Puppy'), tag('hot dog', '热狗', 'Hot dog')]);
  } finally {
    db.close();
  }
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe(runTagAdminCommand.name, () => {
  it('renames a tag named in Chinese, and searches find it by the new name', async () => {
    const r = await cli('tag', 'rename', '小狗', '--zh', '幼犬', '--en', 'Pup');
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toBe(
      'Renamed 小狗 / Puppy → 幼犬 / Pup (puppy:object, 2 photos).\n' +
        'Engines that report "puppy" keep landing on it.\n',
    );
    expect((await cli('search', '幼犬')).out).toMatch(/^2 photos/);
    expect((await cli('search', 'pup')).out).toMatch(/^2 photos/);
    // Only one name given: the other stays; a name with spaces is quoted in the spec shown.
    const spaced = await cli('tag', 'rename', 'hot', 'dog', '--en', 'Hotdog', '--json');
    expect(JSON.parse(spaced.out)).toMatchObject({
      before: { zh: '热狗', en: 'Hot dog' },
      tag: { name: 'hot dog', zh: '热狗', en: 'Hotdog', photos: 1 },
      sameName: [],
    });
  });

  it('warns when the new name is another tag’s and shows the merge command', async () => {
    const r = await cli('tag', 'rename', 'Hot dog', '--en', 'Dog');
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      "Note: 狗 / Dog (dog:object, 1 photo) has the same name. To make them one tag: tujian tag merge dog:object 'hot dog:object'",
    );
  });

  it('lists the candidates of an ambiguous name and accepts name:type', async () => {
    const r = await cli('tag', 'rename', 'orange', '--en', 'Tangerine');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(
      [
        '"orange" names 2 tags:',
        '  orange:object   橙子 / Orange  1 photo',
        '  orange:concept  橙色 / Orange  1 photo',
        'Name one as name:type, e.g. tujian tag rename orange:object --en …',
        '',
      ].join('\n'),
    );
    const picked = await cli('tag', 'rename', 'orange:concept', '--zh', '橘色', '--json');
    expect(picked.code).toBe(0);
    expect(JSON.parse(picked.out)).toMatchObject({ tag: { type: 'concept', zh: '橘色' } });
    // No longer ambiguous by its Chinese name; the object one is untouched.
    expect((await cli('tag', 'rename', '橙子', '--en', 'Tangerine')).code).toBe(0);
    const tags = JSON.parse((await cli('tags', '--json')).out) as { zh: string; en: string }[];
    expect(tags.map((t) => `${t.zh}/${t.en}`).sort()).toEqual(
      ['橘色/Orange', '橙子/Tangerine', '热狗/Hot dog', '小狗/Puppy', '狗/Dog'].sort(),
    );
  });

  it('refuses bad rename arguments with exit code 2 and changes nothing', async () => {
    expect(await cli('tag', 'rename', 'dog')).toMatchObject({ code: 2 });
    expect((await cli('tag', 'rename', 'dog')).err).toContain('needs --zh');
    expect((await cli('tag', 'rename', '--en', 'X')).err).toContain('needs the tag');
    const missing = await cli('tag', 'rename', 'wolf', '--en', 'Wolf');
    expect(missing).toMatchObject({ code: 2 });
    expect(missing.err).toContain('No tag named "wolf"');
    const empty = await cli('tag', 'rename', 'dog', '--en', '   ');
    expect(empty.code).toBe(2);
    expect(empty.err).toContain('cannot be empty');
    expect((await cli('tag', 'rename', 'dog', '--yes', '--en', 'X')).err).toContain(
      '--yes is for tag merge',
    );
    expect((await cli('tag', 'add', '1', 'cat', '--en', 'Cat')).code).toBe(2);
    expect((await cli('tags', '--json')).out).not.toContain('"X"');
  });

  it('previews a merge without --yes (exit 2, nothing changed), then merges with it', async () => {
    const preview = await cli('tag', 'merge', 'puppy', '狗');
    expect(preview.code).toBe(2);
    expect(preview.out).toBe(
      [
        'Merge 小狗 / Puppy (puppy:object, 2 photos) into 狗 / Dog (dog:object, 1 photo):',
        '  2 photos will get 狗 / Dog; 小狗 / Puppy disappears.',
        '  Its names (and any merged into it) will point to 狗 / Dog: engines that report them tag 狗 / Dog, and searching for them finds it.',
        '',
      ].join('\n'),
    );
    expect(preview.err).toBe('Nothing changed. Run again with --yes to merge.\n');
    // `dog` finds dog and hot dog (a.jpg, c.jpg); the merge adds b.jpg.
    expect((await cli('search', 'dog')).out).toMatch(/^2 photos/);

    const merged = await cli('tag', 'merge', 'puppy', '狗', '--yes');
    expect(merged).toMatchObject({ code: 0, err: '' });
    expect(merged.out).toBe(
      'Merged 小狗 / Puppy into 狗 / Dog: 2 tag rows moved (2 photos had 小狗 / Puppy); 2 photos newly tagged 狗 / Dog, 3 photos have it now.\n' +
        'Old names now point to 狗 / Dog: 小狗 / Puppy (puppy:object). Engines that report them tag 狗 / Dog, and searching for them finds it.\n',
    );
    expect((await cli('search', 'dog')).out).toMatch(/^3 photos/);
    expect((await cli('search', '小狗')).out).toMatch(/^3 photos/);
    const tags = JSON.parse((await cli('tags', '--json')).out) as { name: string }[];
    expect(tags.map((t) => t.name)).not.toContain('puppy');

    // The old name now belongs to the target: merging it again says so.
    const again = await cli('tag', 'merge', 'puppy', 'dog', '--yes');
    expect(again.code).toBe(2);
    expect(again.err).toBe(
      '"puppy" was merged into 狗 / Dog (dog:object); name that tag instead.\n',
    );
    // Into a merged name: the merge lands on the tag it went to.
    const into = await cli('tag', 'merge', 'hot dog', '小狗', '--yes', '--json');
    expect(into.code).toBe(0);
    expect(JSON.parse(into.out)).toMatchObject({
      merged: true,
      from: { name: 'hot dog' },
      into: { name: 'dog', photos: 3 },
      movedRows: 1,
      gainedPhotos: 0,
      aliases: [{ name: 'hot dog', type: 'object' }],
    });
  });

  it('gives the preview as JSON and refuses bad merges', async () => {
    const preview = await cli('tag', 'merge', 'orange:concept', 'orange:object', '--json');
    expect(preview.code).toBe(2);
    expect(JSON.parse(preview.out)).toMatchObject({
      merged: false,
      preview: {
        from: { type: 'concept', photos: 1 },
        into: { type: 'object', photos: 1 },
        gainedPhotos: 1,
        lostPhotos: 0,
      },
    });
    const same = await cli('tag', 'merge', 'dog', 'Dog', '--yes');
    expect(same).toMatchObject({ code: 2, err: 'A tag cannot be merged into itself.\n' });
    const ambiguous = await cli('tag', 'merge', 'orange', 'dog', '--yes');
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.err).toContain('e.g. tujian tag merge orange:object …');
    expect((await cli('tag', 'merge', 'dog', '--yes')).err).toContain('needs two tags');
    expect((await cli('tag', 'merge', 'hot', 'dog', 'puppy', '--yes')).err).toContain(
      'quote names with spaces',
    );
    expect((await cli('tag', 'merge', 'wolf', 'dog', '--yes')).err).toContain(
      'No tag named "wolf"',
    );
    expect((await cli('tag', 'merge', 'dog', 'puppy', '--en', 'X')).err).toContain(
      '--zh and --en are for tag rename',
    );
    expect(JSON.parse((await cli('tags', '--json')).out)).toHaveLength(5);
  });

  it('asks at a terminal before merging: "y" merges, anything else changes nothing', async () => {
    let out = '';
    let err = '';
    const questions: string[] = [];
    const terminal = (sink: (s: string) => void) =>
      ({
        write: (chunk: string) => {
          sink(chunk);
          return true;
        },
        isTTY: true,
      }) as unknown as NodeJS.WriteStream;
    const inv: CliInvocation = {
      positionals: ['merge', 'puppy', 'dog'],
      values: {},
      global: { data, json: false, verbose: false },
      io: {
        stdout: terminal((s) => (out += s)),
        stderr: terminal((s) => (err += s)),
        print: (line) => (out += `${line}\n`),
        printJson: () => undefined,
      },
    };
    const answering = (answer: string) => (question: string) => {
      questions.push(question);
      return Promise.resolve(answer);
    };
    expect(await runTagAdminCommand(inv, 'merge', ['puppy', 'dog'], answering('n'))).toBe(2);
    expect(questions).toEqual(['Merge? [y/N] ']);
    expect(out).toContain('Merge 小狗 / Puppy (puppy:object, 2 photos) into 狗 / Dog');
    expect(err).toBe('Nothing changed. Run again with --yes to merge.\n');
    const tagNames = async () =>
      (JSON.parse((await cli('tags', '--json')).out) as { name: string }[]).map((t) => t.name);
    expect(await tagNames()).toContain('puppy');

    out = '';
    expect(await runTagAdminCommand(inv, 'merge', ['puppy', 'dog'], answering(' Yes '))).toBe(0);
    expect(out).toContain('Merged 小狗 / Puppy into 狗 / Dog');
    expect(await tagNames()).not.toContain('puppy');
  });
});
