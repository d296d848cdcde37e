import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EngineError } from '../../../main/engines/engine.ts';
import { createS3ImageHost, type ImageHost } from '../../../main/engines/hosting/image-hosting.ts';
import {
  checkVolcengineCredentials,
  createVolcengineEngine,
  mapVolcengineRespData,
} from '../../../main/engines/volcengine/volcengine-engine.ts';
import {
  volcengineSettingsSchema,
  type VolcengineSettingsInput,
} from '../../../main/engines/volcengine/volcengine-settings.ts';
import { colourTagger, solidJpeg } from '../../emulators/volcengine/colour-tagger.ts';
import {
  startVolcengineEmulator,
  type VolcengineEmulator,
} from '../../../main/emulators/volcengine/volcengine-emulator.ts';
import { startS3rver, type S3Fixture } from '../hosting/s3rver-fixture.ts';
import { driveAsyncEngine } from './drive-async-engine.ts';

/** Counts live objects through the host, to check every hosted copy is deleted. */
function countingHost(inner: ImageHost) {
  const live = new Set<string>();
  const host: ImageHost = {
    async put(image, hash) {
      const hosted = await inner.put(image, hash);
      live.add(hosted.key);
      return hosted;
    },
    async remove(key) {
      await inner.remove(key);
      live.delete(key);
    },
  };
  return { host, live };
}

async function errorOf(promise: Promise<unknown>): Promise<EngineError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EngineError);
  return error as EngineError;
}

describe(createVolcengineEngine.name, () => {
  let emulator: VolcengineEmulator;
  let s3: S3Fixture;
  let dir: string;
  let red: string;
  let blue: string;
  let offset = 0;

  beforeAll(async () => {
    emulator = await startVolcengineEmulator({
      tagger: colourTagger,
      queueMs: 400,
      generateMs: 100,
      expireAfterMs: 60_000,
      now: () => Date.now() + offset,
    });
    s3 = await startS3rver();
    dir = await mkdtemp(join(tmpdir(), 'tujian-volc-'));
    red = join(dir, 'red.jpg');
    blue = join(dir, 'blue.jpg');
    await writeFile(red, await solidJpeg(800, 600, { r: 230, g: 20, b: 30 }));
    await writeFile(blue, await solidJpeg(800, 600, { r: 10, g: 30, b: 230 }));
  });
  afterAll(async () => {
    await emulator.close();
    await s3.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    emulator.kit.setFaults({ faults: [] });
    offset = 0;
  });

  function engineWith(overrides: Partial<VolcengineSettingsInput> = {}) {
    const settings = volcengineSettingsSchema.parse({
      endpoint: emulator.baseUrl,
      ...emulator.credentials,
      hosting: s3.settings,
      pollIntervalMs: 100,
      timeoutMs: 1500,
      ...overrides,
    });
    const counted = countingHost(createS3ImageHost(settings.hosting));
    const engine = createVolcengineEngine({ settings, host: counted.host });
    return { engine, live: counted.live };
  }
  const request = (path: string) => ({ sourcePath: path, contentHash: 'a1'.repeat(32) });

  it('tags a person-like picture, answers zero tags otherwise, and deletes the hosted copies', async () => {
    const { engine, live } = engineWith();
    const yes = await driveAsyncEngine(engine, request(red));
    expect(yes.answer).toEqual({
      engine: 'volcengine',
      model: 'jimeng_realman_avatar_picture_create_role_omni_v15',
      tags: [
        {
          name: 'person-like subject',
          i18n: { zh: '含人物主体', en: 'Person-like subject' },
          type: 'concept',
          // yes/no, no score: no invented 100 ([Note: Tags without a confidence])
          confidence: null,
          instances: [],
          extra: { respStatus: 1 },
        },
      ],
    });
    expect(yes.trail.polls).toBeGreaterThan(1);
    const no = await driveAsyncEngine(engine, request(blue));
    expect(no.answer.tags).toEqual([]);
    expect(live.size).toBe(0);
    expect(engine.settingsKey()).toBe(
      'volcengine:jimeng_realman_avatar_picture_create_role_omni_v15',
    );
  });

  it('classifies throttling (50429) as retry-later and honours Retry-After', async () => {
    const { engine, live } = engineWith();
    emulator.kit.setFaults({
      faults: [{ kind: 'throttle', route: 'CVSubmitTask', times: 1, retryAfterSeconds: 7 }],
    });
    const error = await errorOf(engine.submit(request(red)));
    expect(error).toMatchObject({ code: '50429', errorClass: 'retry-later', retryAfterMs: 7000 });
    expect(live.size).toBe(0);
  });

  it('classifies the per-key QPS limit as 50429 and the concurrent limit as 50430', async () => {
    const { engine } = engineWith();
    emulator.kit.setFaults({ faults: [], qpsPerKey: 1 });
    // Two calls at once within the one-second window: exactly one is throttled.
    const outcomes = await Promise.allSettled([
      engine.poll('7000000000000000001'),
      engine.poll('7000000000000000002'),
    ]);
    const codes = outcomes.map((o) =>
      o.status === 'rejected' ? (o.reason as EngineError).code : 'ok',
    );
    expect(codes.sort()).toEqual(['50429', 'not_found']);
    expect(
      outcomes.some(
        (o) => o.status === 'rejected' && (o.reason as EngineError).errorClass === 'retry-later',
      ),
    ).toBe(true);
    emulator.kit.setFaults({ faults: [] });

    const limited = await startVolcengineEmulator({
      tagger: colourTagger,
      concurrentTasksPerKey: 1,
      queueMs: 60_000,
    });
    try {
      const { engine: e2, live } = engineWith({ endpoint: limited.baseUrl });
      const first = await e2.submit(request(red));
      expect(await errorOf(e2.submit(request(blue)))).toMatchObject({
        code: '50430',
        errorClass: 'retry-later',
      });
      await e2.finish?.(first.taskId, first.cleanup);
      expect(live.size).toBe(0);
    } finally {
      await limited.close();
    }
  });

  it.each([
    [{ kind: 'server-error', status: 500 }, '50500', 'retry'],
    [{ kind: 'server-error', status: 503 }, 'ServiceUnavailableTemp', 'retry'],
    [{ kind: 'server-error', status: 504 }, 'InternalServiceTimeout', 'retry'],
    [{ kind: 'malformed-json' }, 'malformed-response', 'retry'],
    [{ kind: 'reset' }, 'network', 'retry'],
    [{ kind: 'hang' }, 'timeout', 'retry'],
    [{ kind: 'slow-body', delayMs: 4000 }, 'timeout', 'retry'],
  ] as const)(
    'classifies the fault %j on CVGetResult as %s/%s',
    async (fault, code, errorClass) => {
      const { engine, live } = engineWith();
      const { taskId, cleanup } = await engine.submit(request(red));
      emulator.kit.setFaults({ faults: [{ ...fault, route: 'CVGetResult', times: 1 }] });
      expect(await errorOf(engine.poll(taskId))).toMatchObject({ code, errorClass });
      // The task survives the fault: the next poll goes on.
      const next = await engine.poll(taskId);
      expect(['pending', 'done']).toContain(next.state);
      await engine.finish?.(taskId, cleanup);
      expect(live.size).toBe(0);
    },
  );

  it('stops the engine on a wrong secret or an unknown key', async () => {
    const wrongSecret = engineWith({ secretAccessKey: 'not-the-secret' });
    expect(await errorOf(wrongSecret.engine.submit(request(red)))).toMatchObject({
      code: 'SignatureDoesNotMatch',
      errorClass: 'stop-engine',
    });
    expect(wrongSecret.live.size).toBe(0);
    const unknownKey = engineWith({ accessKeyId: 'AKLTunknown' });
    expect(await errorOf(unknownKey.engine.submit(request(red)))).toMatchObject({
      code: 'InvalidAccessKey',
      errorClass: 'stop-engine',
    });
  });

  it('asks for a resubmit when a task expired or is not found', async () => {
    const { engine, live } = engineWith();
    const { taskId, cleanup } = await engine.submit(request(red));
    offset = 61_000;
    expect(await errorOf(engine.poll(taskId))).toMatchObject({
      code: 'expired',
      errorClass: 'resubmit',
    });
    await engine.finish?.(taskId, cleanup);
    offset = 0;
    expect(await errorOf(engine.poll('7000000000000000042'))).toMatchObject({
      code: 'not_found',
      errorClass: 'resubmit',
    });
    const again = await driveAsyncEngine(engine, request(red));
    expect(again.answer.tags.map((t) => t.name)).toEqual(['person-like subject']);
    expect(live.size).toBe(0);
  });

  it('checks the credentials with a free probe', async () => {
    const settings = (secretAccessKey: string) =>
      volcengineSettingsSchema.parse({
        endpoint: emulator.baseUrl,
        ...emulator.credentials,
        secretAccessKey,
        hosting: s3.settings,
      });
    const good = await checkVolcengineCredentials(settings(emulator.credentials.secretAccessKey));
    expect(good).toMatchObject({ step: 'credentials', ok: true });
    expect(good.detail).toContain('not_found');
    const bad = await checkVolcengineCredentials(settings('nope'));
    expect(bad.ok).toBe(false);
    expect(bad.detail).toContain('SignatureDoesNotMatch');
    expect(emulator.kit.calls().filter((c) => c.paid && c.route === 'CVSubmitTask')).toEqual([]);
  });

  it('reports an image the service refuses (50215 at CVGetResult) as permanent', async () => {
    // Let a 200 px picture through our own checks so the service's limit is what refuses it.
    const { engine } = engineWith({ minSide: 100 });
    const small = join(dir, 'small.jpg');
    await writeFile(small, await solidJpeg(200, 200, { r: 230, g: 20, b: 30 }));
    const error = await errorOf(driveAsyncEngine(engine, request(small)));
    expect(error).toMatchObject({ code: '50215', errorClass: 'permanent' });
  });
});

describe(mapVolcengineRespData.name, () => {
  it('maps status 0/1 and refuses anything else', () => {
    expect(mapVolcengineRespData('{"status":0}', 'm').tags).toEqual([]);
    expect(mapVolcengineRespData('{"status":1}', 'm').tags).toHaveLength(1);
    for (const bad of ['{"status":2}', 'nope', null, '{}']) {
      expect(() => mapVolcengineRespData(bad, 'm')).toThrow(EngineError);
    }
  });
});
