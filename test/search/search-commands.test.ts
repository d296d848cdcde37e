import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeSearchError,
  resolveTagTarget,
  runAlbumsCommand,
  runSearchCommand,
  runTagCommand,
} from '../../main/search/search-commands.ts';

import { commonTags, SearchFixture } from './search-fixture.ts';

let fx: SearchFixture;

beforeAll(() => {
  fx = new SearchFixture();
  fx.addTags(commonTags);
  fx.addPhoto({
    relPath: 'Trips/a.jpg',
    takenAt: '2023-06-01T10:00:00',
    tags: [{ tag: 'dog', confidence: 91 }],
  });
  fx.addPhoto({ relPath: 'Trips/b.jpg', takenAt: '2022-01-01T10:00:00', tags: [{ tag: 'beach' }] });
  fx.addPhoto({ relPath: 'new.jpg', hash: null });
});
afterAll(() => {
  fx.close();
});

function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe(runSearchCommand.name, () => {
  it('prints a list with dates, paths, confidence and facets, or the result as JSON', () => {
    const text = runSearchCommand(fx.db, { query: '狗 OR beach' });
    expect(text).toContain('2 photos (newest first)');
    expect(text).toMatch(/2023-06-01 {2}\/photos\/Trips\/a\.jpg {2}91%/);
    expect(text).toMatch(/Tags: {4}海滩\/Beach 1, 狗\/Dog 1/);
    expect(text).toMatch(/Years: {3}2023 1, 2022 1/);
    const json = JSON.parse(runSearchCommand(fx.db, { query: 'dog', json: true })) as {
      total: number;
      items: { relPath: string }[];
      facets: unknown;
    };
    expect(json.total).toBe(1);
    expect(json.items[0]?.relPath).toBe('Trips/a.jpg');
    expect(json.facets).not.toBeNull();
    const paged = runSearchCommand(fx.db, { query: '', limit: 1, sort: 'taken-asc' });
    expect(paged).toMatch(/3 photos \(oldest first\), showing 1/);
    expect(paged).toMatch(/More: --cursor \S+/);
  });

  it('describes a query error with a caret under the position, also after Chinese text', () => {
    const query = '狗狗 (cat';
    const error = errorOf(() => runSearchCommand(fx.db, { query }));
    expect(describeSearchError(error, query)).toBe(`${query}\n     ^\nUnclosed "(" at position 4.`);
    expect(() => describeSearchError(new Error('other'), query)).toThrow('other');
  });
});

describe(runAlbumsCommand.name, () => {
  it('adds, lists, renames and removes albums', () => {
    expect(runAlbumsCommand(fx.db, { action: 'list' })).toMatch(/No albums yet/);
    expect(runAlbumsCommand(fx.db, { action: 'add', name: 'Trips', query: 'folder:Trips' })).toBe(
      'Album "Trips" saved: 2 photos now (folder:Trips).',
    );
    expect(runAlbumsCommand(fx.db, { action: 'list' })).toMatch(/^Trips {7}2 {2}folder:Trips$/);
    expect(runAlbumsCommand(fx.db, { action: 'rename', name: 'trips', newName: 'Travel' })).toBe(
      'Album renamed to "Travel".',
    );
    expect(JSON.parse(runAlbumsCommand(fx.db, { action: 'list', json: true }))).toMatchObject([
      { name: 'Travel', count: 2 },
    ]);
    const bad = errorOf(() =>
      runAlbumsCommand(fx.db, { action: 'add', name: 'Bad', query: 'type:x' }),
    );
    expect(describeSearchError(bad, 'type:x')).toMatch(/^type:x\n {5}\^\ntype: got "x"/);
    expect(runAlbumsCommand(fx.db, { action: 'rm', name: 'Travel' })).toBe(
      'Album "Travel" deleted.',
    );
    expect(
      describeSearchError(errorOf(() => runAlbumsCommand(fx.db, { action: 'rm', name: 'Travel' }))),
    ).toBe('No album named "Travel".');
  });
});

describe(runTagCommand.name, () => {
  it('tags a photo by id, by path or by query, and removes tags', () => {
    expect(resolveTagTarget(fx.db, String(fx.id('Trips/b.jpg')))).toEqual({
      photoIds: [fx.id('Trips/b.jpg')],
    });
    expect(resolveTagTarget(fx.db, '/photos/Trips/b.jpg')).toEqual({
      photoIds: [fx.id('Trips/b.jpg')],
    });
    expect(resolveTagTarget(fx.db, 'Trips/b.jpg')).toEqual({ photoIds: [fx.id('Trips/b.jpg')] });
    expect(resolveTagTarget(fx.db, 'beach date:2022')).toEqual({ query: 'beach date:2022' });
    expect(() => resolveTagTarget(fx.db, '/nowhere/x.jpg')).toThrow(/No photo at/);
    expect(() => resolveTagTarget(fx.db, '999999')).toThrow(/No photo with id/);

    expect(
      runTagCommand(fx.db, { action: 'add', target: '/photos/Trips/b.jpg', tag: '度假' }),
    ).toBe('Tagged 1 image with 度假/度假 (new tag).');
    expect(
      runTagCommand(fx.db, { action: 'add', target: 'folder:Trips OR -tagged', tag: 'cat' }),
    ).toBe('Tagged 2 images with 猫/Cat (1 photo not indexed yet, skipped).');
    expect(runTagCommand(fx.db, { action: 'rm', target: 'dog', tag: '猫' })).toBe(
      'Removed 猫/Cat from 1 image; engines will not add it back.',
    );
    expect(runSearchCommand(fx.db, { query: 'cat', json: true })).toContain('"total":1');
  });
});
