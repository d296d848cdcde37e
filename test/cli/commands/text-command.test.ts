// `tujian index` reads text with the real text engine (on by default with the on-device
// engine), then `tujian text`, `tujian show`, `tujian status` and `tujian search` report it,
// for humans and as JSON.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textCommand } from '../../../main/cli/commands/text-command.ts';
import { renderSign, samplePhotosDir, signNamed } from '../../engines/text/text-images.ts';
import { runCliCaptured } from '../cli-harness.ts';

let root: string;
let data: string;
let photos: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'tujian-cli-text-'));
  data = join(root, 'data');
  photos = join(root, 'photos');
  mkdirSync(photos);
  writeFileSync(join(photos, 'cafe.png'), await renderSign(signNamed('cafe')));
  copyFileSync(join(samplePhotosDir, 'dog.jpg'), join(photos, 'dog.jpg'));
  const indexed = await runCliCaptured(['index', photos], data);
  expect(indexed.err).toBe('');
  expect(indexed.code).toBe(0);
}, 240_000);

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe(textCommand.name, () => {
  it('prints the lines read in a photo, and each line with its box as JSON', async () => {
    const human = await runCliCaptured(['text', join(photos, 'cafe.png')], data);
    expect(human.code).toBe(0);
    expect(human.out).toContain('咖啡');
    expect(human.out.toLowerCase()).toContain('coffee');
    const json = await runCliCaptured(['text', join(photos, 'cafe.png'), '--json'], data);
    const report = JSON.parse(json.out) as {
      state: string;
      lines: { text: string; box: number[][]; language: string; confidence: number }[];
    };
    expect(report.state).toBe('text');
    expect(report.lines[0]?.language).toBe('zh');
    expect(report.lines[0]?.box).toHaveLength(4);
    const none = await runCliCaptured(['text', join(photos, 'dog.jpg'), '--json'], data);
    expect(JSON.parse(none.out)).toMatchObject({ state: 'no-text', lines: [] });
  });

  it('shows the text with the tags, counts it in status, and finds the photo by a word in it', async () => {
    const show = await runCliCaptured(['show', join(photos, 'cafe.png')], data);
    expect(show.out).toMatch(/text {8}\d line\(s\)/);
    expect(show.out).toContain('咖啡');
    const status = await runCliCaptured(['status'], data);
    expect(status.out).toContain('Text read: 2 of 2 photos, 1 with text');
    const search = await runCliCaptured(['search', '咖啡', '--json'], data);
    expect(search.out).toContain('cafe.png');
    expect(search.out).not.toContain('dog.jpg');
  });
});
