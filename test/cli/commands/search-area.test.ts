// `tujian search` with the area terms (issue 16, [Note: Area search]) through the real CLI entry
// on a real catalog file: `near:` and `附近:` with a radius, `area:` boxes, and a wrong position
// as a usage error that says what a position looks like.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchCommand } from '../../../main/cli/commands/search-cli-commands.ts';
import { SearchFixture } from '../../search/search-fixture.ts';
import { runCliCaptured } from '../cli-harness.ts';

let fx: SearchFixture;
let data: string;
beforeAll(() => {
  fx = new SearchFixture();
  fx.addPhoto({ relPath: 'bund.jpg', lat: 31.24, lon: 121.49, takenAt: '2024-05-01T10:00:00' });
  fx.addPhoto({ relPath: 'pudong.jpg', lat: 31.22, lon: 121.544, takenAt: '2024-05-02T10:00:00' });
  fx.addPhoto({ relPath: 'beijing.jpg', lat: 39.9042, lon: 116.4074 });
  fx.addPhoto({ relPath: 'no-gps.jpg' });
  // The CLI opens <data>/catalog.sqlite: hand it the fixture's file.
  data = join(fx.dir, 'data');
  mkdirSync(data);
  fx.db.prepare(`VACUUM INTO ?`).run(join(data, 'catalog.sqlite'));
});
afterAll(() => {
  fx.close();
  rmSync(fx.dir, { recursive: true, force: true });
});

async function paths(query: string): Promise<string[]> {
  const run = await runCliCaptured(['search', query, '--json'], data, {
    printSuppressedForJson: true,
  });
  expect(run.code, run.err).toBe(0);
  const result = JSON.parse(run.out) as { items: { relPath: string }[] };
  return result.items.map((i) => i.relPath).sort();
}

describe(`tujian ${searchCommand.name}: near: and area:`, () => {
  it('finds the photos near a place and in a box', async () => {
    expect(await paths('near:31.24,121.49,10')).toEqual(['bund.jpg', 'pudong.jpg']);
    expect(await paths('附近:31.24,121.49')).toEqual(['bund.jpg']);
    expect(await paths('area:30,115,41,122 -near:31.24,121.49,10')).toEqual(['beijing.jpg']);
    expect(await paths('区域:-90,-180,90,180')).toHaveLength(3);
  });

  it('says what a position looks like when it is wrong', async () => {
    const run = await runCliCaptured(['search', 'near:31.24'], data);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/latitude, longitude and optional radius in km/);
  });
});
