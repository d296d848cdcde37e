// The service facade on a real catalog of real photos (the e2e library), called the way
// both hosts call it: through dispatchApiCall, so input validation is part of the test.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchApiCall } from '../../main/app/api-dispatch.ts';
import { openAppContext, type AppContext } from '../../main/app/app-context.ts';
import { createAppService } from '../../main/app/app-service.ts';
import { catalogSettingsBackend } from '../../main/catalog/settings.ts';
import { readXmpSettings } from '../../main/library/xmp-sidecars.ts';
import {
  envSecretStore,
  fileSecretStore,
  loadEngineSettings,
} from '../../main/engines/engine-settings.ts';
import type { ApiInput, ApiOutput, Channel } from '../../preload/api-contract.ts';
import { tagPixelRegions } from '../../main/emulators/huawei/pixel-region-tagger.ts';
import { startVlmEmulator } from '../../main/emulators/vlm/vlm-emulator.ts';
import { createE2eLibrary, type E2eLibrary } from '../e2e/e2e-library.ts';

describe(createAppService.name, () => {
  let library: E2eLibrary;
  let context: AppContext;

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
  async function photoId(name: string): Promise<number> {
    const result = await call('photos.search', { query: '', sort: 'path-asc', limit: 100 });
    const photo = result.photos.find((p) => p.relPath === name);
    if (!photo) throw new Error(`no ${name}`);
    return photo.id;
  }

  beforeAll(async () => {
    library = await createE2eLibrary();
    context = await openAppContext({ dataRoot: library.dataRoot, host: 'web' });
  });
  afterAll(async () => {
    await context.close();
    rmSync(library.root, { recursive: true, force: true });
  });

  it('lists folders with counts and adds a real folder, refusing a missing one', async () => {
    const [folder] = await call('folders.list', {});
    expect(folder).toMatchObject({
      path: library.photosDir,
      photoCount: 10,
      status: 'online',
      engines: ['local'],
    });
    const extra = join(library.root, 'More');
    mkdirSync(extra);
    const added = await call('folders.add', { path: extra, engines: ['local', 'huawei'] });
    expect(added.engines).toEqual(['local', 'huawei']);
    expect(
      (await call('folders.setEngines', { id: added.id, engines: ['aliyun'] })).engines,
    ).toEqual(['aliyun']);
    expect(await fails('folders.add', { path: join(library.root, 'nope') })).toBe('not-found');
    expect(await fails('folders.add', { path: '' })).toBe('invalid-input');
    await call('folders.remove', { id: added.id });
    expect(await call('folders.list', {})).toHaveLength(1);
  });

  it('searches with facets and autocompletes in both languages', async () => {
    const dogs = await call('photos.search', { query: 'dog' });
    expect(dogs.total).toBe(2);
    expect(dogs.facets?.tags.find((t) => t.name === 'dog')?.count).toBe(2);
    const zh = await call('photos.search', { query: '狗 -马' });
    expect(zh.photos.map((p) => p.relPath)).toEqual(['dog.jpg']);
    const suggestions = await call('photos.autocomplete', { prefix: '长颈' });
    expect(suggestions[0]).toMatchObject({ name: 'giraffe', zh: '长颈鹿', count: 1 });
    expect(await fails('photos.search', { query: 'conf>' })).toBe('query-syntax');
  });

  it('pages with a cursor through the whole result', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: ApiOutput<'photos.search'> = await call('photos.search', {
        query: '',
        limit: 3,
        cursor,
        withFacets: false,
      });
      seen.push(...page.photos.map((p) => p.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(new Set(seen).size).toBe(10);
  });

  it('gives photo details with tags grouped data, boxes and facts', async () => {
    const details = await call('photos.details', { id: await photoId('person.jpg') });
    expect(details.tags.map((t) => t.name).sort()).toEqual(['dog', 'horse', 'person']);
    expect(details.tags.find((t) => t.name === 'horse')?.boxes[0]).toMatchObject({
      x: 0.55,
      w: 0.4,
    });
    expect(details.photo).toMatchObject({ width: 640, height: 424 });
    expect(details.absolutePath).toBe(join(library.photosDir, 'person.jpg'));
    expect(await fails('photos.details', { id: 99_999 })).toBe('not-found');
  });

  it('removes a tag as a rejection, restores it, and adds user tags by either name', async () => {
    const id = await photoId('dog.jpg');
    const bicycle = (await call('photos.details', { id })).tags.find((t) => t.name === 'bicycle');
    if (!bicycle) throw new Error('fixture has bicycle');
    expect((await call('tags.remove', { photoIds: [id], tagId: bicycle.tagId })).changed).toBe(1);
    let details = await call('photos.details', { id });
    expect(details.tags.map((t) => t.name)).not.toContain('bicycle');
    expect(details.rejected.map((t) => t.name)).toEqual(['bicycle']);
    expect((await call('photos.search', { query: 'bicycle' })).total).toBe(0);
    await call('tags.unreject', { photoIds: [id], tagId: bicycle.tagId });
    expect((await call('photos.search', { query: 'bicycle' })).total).toBe(1);

    // A Chinese name the catalog knows reuses that tag; a new name makes a user tag.
    await call('tags.add', { photoIds: [await photoId('eagle.jpg')], name: '动物' });
    expect((await call('photos.search', { query: 'animal' })).total).toBe(4);
    await call('tags.add', { photoIds: [id], name: 'porch' });
    details = await call('photos.details', { id });
    expect(details.tags.find((t) => t.name === 'porch')).toMatchObject({
      engine: 'user',
      state: 'user',
    });
  });

  it('keeps smart albums as saved queries with live counts', async () => {
    const album = await call('albums.create', { name: 'Horses', query: 'horse' });
    expect(album.count).toBe(2);
    expect(await fails('albums.create', { name: 'Horses', query: 'x' })).toBe('conflict');
    expect((await call('albums.rename', { id: album.id, name: '马' })).name).toBe('马');
    expect((await call('albums.list', {})).map((a) => [a.name, a.count])).toEqual([['马', 2]]);
    await call('albums.delete', { id: album.id });
    expect(await fails('albums.delete', { id: album.id })).toBe('not-found');
  });

  it('reports activity, failures, retry and pause from the job tables', async () => {
    const id = await photoId('kite.jpg');
    const now = Date.now();
    context.db
      .prepare(
        `INSERT INTO jobs (kind, photo_id, state, attempts, next_run_at, last_error_code, last_error, created_at, updated_at)
         VALUES ('ingest', ?, 'failed', 3, ?, 'EACCES', 'permission denied', ?, ?)`,
      )
      .run(id, now, now, now);
    const [failure] = await call('activity.failures', {});
    expect(failure).toMatchObject({
      kind: 'ingest',
      code: 'EACCES',
      reason: 'permission denied',
      attempts: 3,
    });
    expect(failure?.path).toBe(`${library.photosDir}/kite.jpg`);
    expect((await call('activity.status', {})).ingest.failed).toBe(1);
    expect((await call('activity.retry', { jobIds: null })).retried).toBe(1);
    expect(await call('activity.failures', {})).toEqual([]);

    await call('activity.pause', { engine: 'local', paused: true });
    const status = await call('activity.status', {});
    expect(status.engines.find((e) => e.engine === 'local')).toMatchObject({
      paused: true,
      done: 10,
    });
    await call('activity.pause', { engine: 'local', paused: false });
    expect((await call('activity.status', {})).engines[0]?.paused).toBe(false);
  });

  it("shows Huawei's announced end of sale and service on its settings view, and no other engine's", async () => {
    const views = await call('settings.engines', {});
    expect(views.find((v) => v.engine === 'huawei')?.retirement).toMatchObject({
      endOfSale: '2026-06-30',
      endOfService: '2026-12-30',
    });
    expect(views.filter((v) => v.retirement !== null).map((v) => v.engine)).toEqual(['huawei']);
  });

  it('stores engine settings, never sending secrets back, and configures the engine once complete', async () => {
    const draft = await call('settings.setEngine', {
      engine: 'huawei',
      enabled: true,
      credentials: { 'auth.ak': 'AKID', 'auth.sk': 'very-secret' },
      monthlyBudget: 1000,
      threshold: 55,
    });
    expect(draft).toMatchObject({ enabled: true, threshold: 55, monthlyBudget: 1000 });
    // No project id yet: the view says what is missing and the engine has no configuration.
    expect(draft.problem).toContain('projectId');
    expect(draft.problemFields).toEqual(['projectId']);
    expect(
      await loadEngineSettings('huawei', catalogSettingsBackend(context.db), envSecretStore({})),
    ).toMatchObject({
      ok: false,
      reason: 'not-configured',
    });
    const view = await call('settings.setEngine', {
      engine: 'huawei',
      credentials: { projectId: 'p1' },
    });
    expect(view.problem).toBeNull();
    expect(view.problemFields).toEqual([]);
    expect(JSON.stringify(await call('settings.engines', {}))).not.toContain('very-secret');
    expect(view.credentials.find((c) => c.key === 'auth.sk')).toMatchObject({
      isSet: true,
      value: null,
    });
    expect(view.credentials.find((c) => c.key === 'auth.ak')).toMatchObject({ value: 'AKID' });
    // The engine's own settings now load, with the secret from the data folder's secret file.
    const secrets = fileSecretStore(join(library.dataRoot, 'secrets.json'));
    const loaded = await loadEngineSettings('huawei', catalogSettingsBackend(context.db), secrets);
    expect(loaded).toMatchObject({
      ok: true,
      settings: {
        projectId: 'p1',
        threshold: 55,
        auth: { kind: 'aksk', ak: 'AKID', sk: 'very-secret' },
      },
    });
    expect(
      await fails('settings.setEngine', { engine: 'huawei', credentials: { bogus: 'x' } }),
    ).toBe('invalid-input');
    const status = await call('activity.status', {});
    expect(status.engines.find((e) => e.engine === 'huawei')?.budget).toEqual({
      used: 0,
      limit: 1000,
    });
    expect(await call('settings.testEngine', { engine: 'aliyun' })).toMatchObject({
      ok: false,
      kind: 'not-ready',
    });
    // Huawei has no live check: the answer says so by kind (the UI words it with the
    // engine's display name), never by the internal id.
    const huawei = await call('settings.testEngine', { engine: 'huawei' });
    expect(huawei).toMatchObject({ ok: true, kind: 'complete' });
    expect(huawei.message).not.toContain('huawei');
    expect(await call('settings.testEngine', { engine: 'local' })).toMatchObject({
      ok: true,
      kind: 'on-device',
    });
  });

  it("offers Tencent's interface and scene as options from its schema's lists and refuses others", async () => {
    const tencent = (await call('settings.engines', {})).find((v) => v.engine === 'tencent');
    expect(tencent?.credentials.find((c) => c.key === 'action')).toMatchObject({
      option: true,
      secret: false,
      choices: ['auto', 'DetectLabelPro', 'DetectLabel'],
    });
    expect(tencent?.credentials.find((c) => c.key === 'labelScene')?.choices).toEqual([
      'ALBUM',
      'CAMERA',
      'WEB',
      'NEWS',
    ]);
    expect(tencent?.credentials.find((c) => c.key === 'secretId')?.option).toBe(false);
    for (const credentials of [{ action: 'DetectLabelLite' }, { labelScene: 'album' }]) {
      expect(await fails('settings.setEngine', { engine: 'tencent', credentials })).toBe(
        'invalid-input',
      );
    }
  });

  it('sets up the vision-language model engine: a protocol choice, local by default, a warning off the machine, Test connection', async () => {
    const emulator = await startVlmEmulator({ tagger: tagPixelRegions });
    try {
      const fresh = (await call('settings.engines', {})).find((v) => v.engine === 'vlm');
      expect(fresh).toMatchObject({ cloud: true, endpointOffMachine: false, region: null });
      expect(fresh?.problemFields).toEqual(['model']);
      expect(fresh?.credentials.find((c) => c.key === 'protocol')?.choices).toEqual([
        'ollama',
        'openai',
      ]);
      expect(
        await fails('settings.setEngine', { engine: 'vlm', credentials: { protocol: 'grpc' } }),
      ).toBe('invalid-input');

      const view = await call('settings.setEngine', {
        engine: 'vlm',
        enabled: true,
        credentials: { protocol: 'ollama', model: 'emulated-vl' },
        endpoint: emulator.ollamaUrl,
        limit: 12,
      });
      expect(view).toMatchObject({ problem: null, endpointOffMachine: false });
      const loaded = await loadEngineSettings(
        'vlm',
        catalogSettingsBackend(context.db),
        envSecretStore({}),
      );
      expect(loaded).toMatchObject({
        ok: true,
        settings: {
          protocol: 'ollama',
          model: 'emulated-vl',
          endpoint: emulator.ollamaUrl,
          limit: 12,
        },
      });
      const test = await call('settings.testEngine', { engine: 'vlm' });
      expect(test).toMatchObject({ ok: true });
      expect(test.message).toMatch(/on this machine/);

      // Pointed at another machine: the card warns that every photo goes there.
      const remote = await call('settings.setEngine', {
        engine: 'vlm',
        endpoint: 'https://dashscope.aliyuncs.com/compatible-mode/v1',
      });
      expect(remote.endpointOffMachine).toBe(true);
      const others = (await call('settings.engines', {})).filter((v) => v.engine !== 'vlm');
      expect(others.every((v) => !v.endpointOffMachine)).toBe(true);
    } finally {
      await call('settings.setEngine', { engine: 'vlm', enabled: false, endpoint: null });
      await emulator.close();
    }
  });

  it('estimates and refuses engine migrations through the API (the UI of `engines migrate`)', async () => {
    expect(
      await call('engines.migrationEstimate', { from: 'huawei', to: 'aliyun', query: '' }),
    ).toMatchObject({ from: 'huawei', to: 'aliyun', photos: 0, calls: 0 });
    expect(await fails('engines.migrationEstimate', { from: 'huawei', to: 'huawei' })).toBe(
      'invalid-input',
    );
    expect(await fails('engines.migrate', { from: 'huawei', to: 'aliyun', query: 'conf>>9' })).toBe(
      'query-syntax',
    );
  });

  it('keeps the sidecar settings: text in sidecars is off until asked for, one option at a time', async () => {
    expect(await call('settings.sidecars', {})).toEqual({
      enabled: false,
      writeText: false,
      location: 'beside',
      folder: null,
    });
    // Asking for the text leaves writing itself as it was.
    expect(await call('settings.setSidecars', { writeText: true })).toMatchObject({
      enabled: false,
      writeText: true,
    });
    expect(await call('settings.setSidecars', { enabled: true })).toMatchObject({
      enabled: true,
      writeText: true,
    });
    // The catalog row the sidecar writer and the CLI read.
    expect(readXmpSettings(context.db)).toMatchObject({ enabled: true, writeText: true });
    expect(await fails('settings.setSidecars', { writeText: 'yes' })).toBe('invalid-input');
    await call('settings.setSidecars', { enabled: false, writeText: false });
    expect(readXmpSettings(context.db)).toMatchObject({ enabled: false, writeText: false });
  });

  it('keeps the UI language and refuses desktop-only calls in the web host', async () => {
    expect((await call('app.info', {})).uiLanguage).toBeNull();
    await call('app.setUiLanguage', { language: 'zh' });
    expect(await call('app.info', {})).toMatchObject({
      uiLanguage: 'zh',
      host: 'web',
      canPickFolder: false,
    });
    expect(await fails('folders.pick', {})).toBe('unavailable');
    expect(await fails('photos.openOriginal', { id: await photoId('dog.jpg') })).toBe(
      'unavailable',
    );
  });
});
