// The manual-album and bulk channels of the service facade, on a real catalog of real photos
// (the e2e library), called through dispatchApiCall as both hosts call them: a manual album
// beside a smart one, its page in order, moves and removal, undoable bulk edits, error codes.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchApiCall } from '../../main/app/api-dispatch.ts';
import { openAppContext, type AppContext } from '../../main/app/app-context.ts';
import { createAppService } from '../../main/app/app-service.ts';
import type { ApiEvent, ApiInput, ApiOutput, Channel } from '../../preload/api-contract.ts';
import { createE2eLibrary, type E2eLibrary } from '../e2e/e2e-library.ts';

describe(`${createAppService.name}: manual albums and bulk changes`, () => {
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
    return envelope.error.code;
  }
  async function ids(query: string): Promise<Map<string, number>> {
    const result = await call('photos.search', { query, sort: 'path-asc' });
    return new Map(result.photos.map((p) => [p.relPath, p.id]));
  }
  const id = (map: Map<string, number>, name: string): number => {
    const found = map.get(name);
    if (found === undefined) throw new Error(`no photo ${name}`);
    return found;
  };

  beforeAll(async () => {
    library = await createE2eLibrary();
    context = await openAppContext({ dataRoot: library.dataRoot, host: 'web' });
    context.onEvent((e) => events.push(e));
  });
  afterAll(async () => {
    await context.close();
    rmSync(library.root, { recursive: true, force: true });
  });

  it('keeps a manual album apart from smart ones, with its photos in its order', async () => {
    const all = await ids('');
    const [dog, eagle, horses] = [id(all, 'dog.jpg'), id(all, 'eagle.jpg'), id(all, 'horses.jpg')];
    await call('albums.create', { name: 'Animals', query: 'animal' });
    const trip = await call('albums.createManual', { name: 'Trip' });
    expect(trip).toMatchObject({ kind: 'manual', query: '', count: 0 });
    events.length = 0;
    const added = await call('albums.addPhotos', { id: trip.id, photoIds: [horses, dog, eagle] });
    expect(added).toMatchObject({ kind: 'add-to-album', photos: 3, album: { name: 'Trip' } });
    expect(events).toContainEqual({ type: 'catalog-changed', scope: 'albums' });
    await call('albums.movePhotos', { id: trip.id, photoIds: [eagle], beforePhotoId: dog });
    const page = await call('albums.photos', { id: trip.id, limit: 2 });
    expect(page.photos.map((p) => p.relPath)).toEqual(['horses.jpg', 'eagle.jpg']);
    expect(page.total).toBe(3);
    const rest = await call('albums.photos', { id: trip.id, cursor: page.nextCursor, limit: 2 });
    expect(rest.photos.map((p) => p.relPath)).toEqual(['dog.jpg']);
    expect(rest.nextCursor).toBeNull();
    const exported = await call('albums.export', { id: trip.id });
    expect(exported).toMatchObject({ fileName: 'Trip.csv', mediaType: 'text/csv', count: 3 });
    // The album's order, not the folder's: horses, eagle, dog.
    const paths = exported.text.split('\n').filter((line) => /\.jpg/.test(line));
    expect(paths.map((line) => /(\w+)\.jpg/.exec(line)?.[1])).toEqual(
      expect.arrayContaining(['horses', 'eagle', 'dog']),
    );
    const firstLineOf = (name: string) => paths.findIndex((line) => line.includes(name));
    expect(firstLineOf('horses.jpg')).toBeLessThan(firstLineOf('eagle.jpg'));
    expect(firstLineOf('eagle.jpg')).toBeLessThan(firstLineOf('dog.jpg'));
    const json = await call('albums.export', { id: trip.id, format: 'json' });
    expect(json.fileName).toBe('Trip.json');
    expect((JSON.parse(json.text) as unknown[]).length).toBe(3);
    await call('albums.removePhotos', { id: trip.id, photoIds: [horses] });
    const list = await call('albums.list', {});
    const animalCount = (await ids('animal')).size;
    expect(list.map((a) => [a.name, a.kind, a.count])).toEqual([
      ['Animals', 'smart', animalCount],
      ['Trip', 'manual', 2],
    ]);
    const animals = list[0]?.id ?? 0;
    expect(await fails('albums.addPhotos', { id: animals, photoIds: [dog] })).toBe('invalid-input');
    expect(await fails('albums.photos', { id: trip.id, cursor: 'nonsense' })).toBe('invalid-input');
    expect(
      await fails('albums.movePhotos', { id: trip.id, photoIds: [], beforePhotoId: null }),
    ).toBe('invalid-input');
  });

  it('removes a tag from the selection and undoes it; only the last change undoes', async () => {
    const photoIds = [...(await ids('animal')).values()];
    expect(photoIds.length).toBeGreaterThan(1);
    const removed = await call('bulk.removeTag', { photoIds, tag: '动物' });
    expect(removed).toMatchObject({
      kind: 'remove-tag',
      photos: photoIds.length,
      tag: { name: 'animal' },
    });
    expect((await ids('animal')).size).toBe(0);
    expect(await fails('bulk.undo', { changeId: removed.changeId + 1 })).toBe('conflict');
    expect(await call('bulk.undo', { changeId: removed.changeId })).toEqual(removed);
    expect([...(await ids('animal')).values()].sort()).toEqual(photoIds.sort());
    expect(await fails('bulk.undo', { changeId: removed.changeId })).toBe('conflict');
    expect(await fails('bulk.removeTag', { photoIds, tag: 'no such tag' })).toBe('not-found');
  });

  it('adds a tag to the selection and undoes it', async () => {
    const photoIds = [...(await ids('')).values()];
    const tagged = await call('bulk.addTag', { photoIds, name: 'holiday' });
    expect(tagged).toMatchObject({ kind: 'add-tag', photos: photoIds.length });
    expect((await ids('holiday')).size).toBe(photoIds.length);
    await call('bulk.undo', { changeId: tagged.changeId });
    expect((await ids('holiday')).size).toBe(0);
  });
});
