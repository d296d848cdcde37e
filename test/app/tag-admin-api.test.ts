// The tags.info|rename|previewMerge|merge channels of the service facade, on a real catalog
// of real photos (the e2e library), called through dispatchApiCall as both hosts call them:
// input validation, error codes, the catalog-changed event, and what search shows afterwards.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchApiCall } from '../../main/app/api-dispatch.ts';
import { openAppContext, type AppContext } from '../../main/app/app-context.ts';
import { createAppService } from '../../main/app/app-service.ts';
import type { ApiEvent, ApiInput, ApiOutput, Channel } from '../../preload/api-contract.ts';
import { createE2eLibrary, type E2eLibrary } from '../e2e/e2e-library.ts';

describe(`${createAppService.name}: tags as a whole`, () => {
  let library: E2eLibrary;
  let context: AppContext;
  const events: ApiEvent[] = [];

  async function call<C extends Channel>(channel: C, input: ApiInput<C>): Promise<ApiOutput<C>> {
    const envelope = await dispatchApiCall(context.service.handlers, channel, input);
    if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`);
    return envelope.value;
  }
  async function fails(channel: Channel, input: unknown): Promise<string> {
    const envelope = await dispatchApiCall(context.service.handlers, channel, input);
    if (envelope.ok) throw new Error(`${channel} unexpectedly succeeded`);
    return `${envelope.error.code}: ${envelope.error.message}`;
  }
  async function tagId(prefix: string): Promise<number> {
    const [first] = await call('photos.autocomplete', { prefix, limit: 1 });
    if (!first) throw new Error(`no tag ${prefix}`);
    return first.tagId;
  }
  async function names(query: string): Promise<string[]> {
    const result = await call('photos.search', { query, sort: 'path-asc' });
    return result.photos.map((p) => p.relPath);
  }

  beforeAll(async () => {
    library = await createE2eLibrary();
    context = await openAppContext({ dataRoot: library.dataRoot, host: 'web' });
    context.onEvent((e) => events.push(e));
  });
  afterAll(async () => {
    await context.close();
    rmSync(library.root, { recursive: true, force: true });
  });

  it('gives facets and suggestions the tag id, and tags.info its photos and aliases', async () => {
    const all = await call('photos.search', { query: '' });
    const horse = all.facets?.tags.find((t) => t.name === 'horse');
    expect(horse?.tagId).toBe(await tagId('horse'));
    expect(await call('tags.info', { tagId: horse?.tagId ?? 0 })).toEqual({
      tagId: horse?.tagId,
      name: 'horse',
      type: 'object',
      zh: '马',
      en: 'horse',
      photos: 2,
      aliases: [],
    });
    expect(await fails('tags.info', { tagId: 99_999 })).toBe('not-found: No tag with id 99999.');
  });

  it('renames a tag: search and facets show the new names at once', async () => {
    const kite = await tagId('kite');
    events.length = 0;
    const renamed = await call('tags.rename', { tagId: kite, zh: '纸鸢', en: '  Paper kite ' });
    expect(renamed.tag).toMatchObject({ name: 'kite', zh: '纸鸢', en: 'Paper kite', photos: 1 });
    expect(renamed.sameName).toEqual([]);
    expect(events).toContainEqual({ type: 'catalog-changed', scope: 'tags' });
    expect(await names('纸鸢')).toEqual(['kite.jpg']);
    expect(await names('"paper kite"')).toEqual(['kite.jpg']);
    expect(await names('风筝')).toEqual([]);
    const facets = (await call('photos.search', { query: 'kite' })).facets;
    expect(facets?.tags.find((t) => t.tagId === kite)).toMatchObject({ zh: '纸鸢' });
    // Only English: the Chinese name stays. A clash with another tag's name is reported.
    const clash = await call('tags.rename', { tagId: kite, en: 'Person' });
    expect(clash.tag).toMatchObject({ zh: '纸鸢', en: 'Person' });
    expect(clash.sameName).toMatchObject([{ name: 'person', zh: '人', photos: 3 }]);
  });

  it('refuses a rename without names, with an empty name or for a missing tag', async () => {
    const cup = await tagId('cup');
    expect(await fails('tags.rename', { tagId: cup })).toContain('invalid-input');
    expect(await fails('tags.rename', { tagId: cup })).toContain('Give a new Chinese name');
    expect(await fails('tags.rename', { tagId: cup, zh: '   ' })).toContain('invalid-input');
    expect(await fails('tags.rename', { tagId: 99_999, zh: '杯' })).toBe(
      'not-found: No tag with id 99999.',
    );
    expect(await call('tags.info', { tagId: cup })).toMatchObject({ zh: '杯子', en: 'cup' });
  });

  it('previews a merge, merges, and the old tag is gone with its photos on the target', async () => {
    const zebra = await tagId('zebra');
    const horse = await tagId('horse');
    const preview = await call('tags.previewMerge', { fromId: zebra, intoId: horse });
    expect(preview).toMatchObject({
      from: { name: 'zebra', photos: 1 },
      into: { name: 'horse', photos: 2 },
      gainedPhotos: 1,
      lostPhotos: 0,
    });
    events.length = 0;
    const merged = await call('tags.merge', { fromId: zebra, intoId: horse });
    expect(merged).toMatchObject({
      from: { tagId: zebra, name: 'zebra', zh: '斑马' },
      into: { tagId: horse, photos: 3, aliases: [{ name: 'zebra', zh: '斑马' }] },
      movedRows: 1,
      fromPhotos: 1,
      gainedPhotos: 1,
      lostPhotos: 0,
      aliases: [{ name: 'zebra', type: 'object', zh: '斑马', en: 'zebra' }],
    });
    expect(events).toContainEqual({ type: 'catalog-changed', scope: 'tags' });
    expect(await names('horse')).toEqual(['giraffe.jpg', 'horses.jpg', 'person.jpg']);
    // The old names still find the photos (they are the target's now); the facet is gone.
    expect(await names('斑马')).toEqual(await names('horse'));
    const facets = (await call('photos.search', { query: '' })).facets;
    expect(facets?.tags.map((t) => t.name)).not.toContain('zebra');
    expect((await call('photos.autocomplete', { prefix: 'zebr' }))[0]).toMatchObject({
      tagId: horse,
    });
    expect(await fails('tags.info', { tagId: zebra })).toContain('not-found');
    expect(await fails('tags.merge', { fromId: zebra, intoId: horse })).toContain('not-found');
  });

  it('refuses merging a tag into itself before touching the catalog', async () => {
    const cat = await tagId('cat');
    expect(await fails('tags.merge', { fromId: cat, intoId: cat })).toContain(
      'invalid-input: ✖ A tag cannot be merged into itself.',
    );
    expect(await fails('tags.previewMerge', { fromId: cat, intoId: cat })).toContain(
      'invalid-input',
    );
    expect(await fails('tags.merge', { fromId: cat })).toContain('invalid-input');
    expect((await call('tags.info', { tagId: cat })).photos).toBe(1);
  });
});
