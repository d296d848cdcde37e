import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { receiveAliyunCallback } from '../../../main/engines/aliyun/aliyun-callback.ts';
import {
  checkAliyunCredentials,
  createAliyunEngine,
  mapAliyunResults,
} from '../../../main/engines/aliyun/aliyun-engine.ts';
import {
  aliyunSettingsSchema,
  type AliyunSettingsInput,
} from '../../../main/engines/aliyun/aliyun-settings.ts';
import { EngineError } from '../../../main/engines/engine.ts';
import { createS3ImageHost, type ImageHost } from '../../../main/engines/hosting/image-hosting.ts';
import { findLabel } from '../../../main/engines/local/local-labels.ts';
import {
  startAliyunEmulator,
  type AliyunEmulator,
} from '../../../main/emulators/aliyun/aliyun-emulator.ts';
import { colourTagger, solidJpeg } from '../../emulators/volcengine/colour-tagger.ts';
import { startS3rver, type S3Fixture } from '../hosting/s3rver-fixture.ts';
import { driveAsyncEngine } from '../volcengine/drive-async-engine.ts';

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

describe(createAliyunEngine.name, () => {
  let emulator: AliyunEmulator;
  let s3: S3Fixture;
  let dir: string;
  let red: string;
  let green: string;

  beforeAll(async () => {
    emulator = await startAliyunEmulator({ tagger: colourTagger, processingMs: 400 });
    s3 = await startS3rver();
    dir = await mkdtemp(join(tmpdir(), 'tujian-aliyun-'));
    red = join(dir, 'red.jpg');
    green = join(dir, 'green.jpg');
    await writeFile(red, await solidJpeg(700, 500, { r: 230, g: 20, b: 30 }));
    await writeFile(green, await solidJpeg(700, 500, { r: 20, g: 220, b: 30 }));
  });
  afterAll(async () => {
    await emulator.close();
    await s3.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    emulator.kit.setFaults({ faults: [] });
  });

  function engineWith(overrides: Partial<AliyunSettingsInput> = {}, endpoint = emulator.baseUrl) {
    const settings = aliyunSettingsSchema.parse({
      endpoint,
      accessKeyId: emulator.credentials.accessKeyId,
      accessKeySecret: emulator.credentials.accessKeySecret,
      hosting: s3.settings,
      pollIntervalMs: 100,
      timeoutMs: 1500,
      ...overrides,
    });
    const counted = countingHost(createS3ImageHost(settings.hosting));
    return { engine: createAliyunEngine({ settings, host: counted.host }), live: counted.live };
  }
  const request = (path: string) => ({ sourcePath: path, contentHash: 'b2'.repeat(32) });

  it('maps tag-scene labels to concept tags with zh/en names and deletes the hosted copy', async () => {
    const { engine, live } = engineWith();
    const { answer, trail } = await driveAsyncEngine(engine, request(red));
    expect(trail.polls).toBeGreaterThan(1); // 280 was seen first
    const person = findLabel('person');
    expect(answer.engine).toBe('aliyun');
    expect(answer.model).toBe('green-2018-05-09:tag');
    expect(answer.tags).toEqual([
      {
        name: 'person',
        i18n: { zh: person?.zh, en: person?.en },
        type: 'concept',
        confidence: expect.any(Number) as number,
        instances: [],
        extra: { scene: 'tag', suggestion: 'pass' },
      },
    ]);
    expect(live.size).toBe(0);
  });

  it('sends the configured scenes; a risk scene answering "normal" adds no tag', async () => {
    const { engine } = engineWith({ scenes: ['porn', 'tag'], threshold: 10 });
    const { answer } = await driveAsyncEngine(engine, request(green));
    expect(answer.model).toBe('green-2018-05-09:porn+tag');
    expect(answer.tags.map((t) => t.name)).toEqual(['dog']);
    expect(engine.settingsKey()).toBe('aliyun:green-2018-05-09:porn+tag:threshold=10');
  });

  it('classifies 588 as retry-later with Retry-After, and the per-key QPS limit too', async () => {
    const { engine, live } = engineWith();
    emulator.kit.setFaults({
      faults: [{ kind: 'throttle', route: 'asyncscan', times: 1, retryAfterSeconds: 2 }],
    });
    expect(await errorOf(engine.submit(request(red)))).toMatchObject({
      code: '588',
      errorClass: 'retry-later',
      retryAfterMs: 2000,
    });
    expect(live.size).toBe(0);
    emulator.kit.setFaults({ faults: [], qpsPerKey: 1 });
    // Two calls at once within the one-second window: exactly one is throttled.
    const outcomes = await Promise.allSettled([engine.poll('img-a'), engine.poll('img-b')]);
    const errors = outcomes.map((o) =>
      o.status === 'rejected' ? (o.reason as EngineError) : null,
    );
    expect(errors.map((e) => e?.code).sort()).toEqual(['588', '594']);
    expect(errors.find((e) => e?.code === '588')?.errorClass).toBe('retry-later');
  });

  it.each([
    [{ kind: 'server-error', status: 500 }, '500', 'retry'],
    [{ kind: 'server-error', status: 503 }, '503', 'retry'],
    [{ kind: 'malformed-json' }, 'malformed-response', 'retry'],
    [{ kind: 'reset' }, 'network', 'retry'],
    [{ kind: 'hang' }, 'timeout', 'retry'],
  ] as const)('classifies the fault %j on results as %s/%s', async (fault, code, errorClass) => {
    const { engine, live } = engineWith();
    const { taskId, cleanup } = await engine.submit(request(red));
    emulator.kit.setFaults({ faults: [{ ...fault, route: 'results', times: 1 }] });
    expect(await errorOf(engine.poll(taskId))).toMatchObject({ code, errorClass });
    const next = await engine.poll(taskId);
    expect(['pending', 'done']).toContain(next.state);
    await engine.finish?.(taskId, cleanup);
    expect(live.size).toBe(0);
  });

  it('stops the engine on a wrong secret or an unknown key', async () => {
    const wrong = engineWith({ accessKeySecret: 'wrong' });
    expect(await errorOf(wrong.engine.submit(request(red)))).toMatchObject({
      code: 'SignatureDoesNotMatch',
      errorClass: 'stop-engine',
    });
    expect(wrong.live.size).toBe(0);
    const unknown = engineWith({ accessKeyId: 'LTAInobody' });
    expect(await errorOf(unknown.engine.submit(request(red)))).toMatchObject({
      code: 'InvalidAccessKeyId.NotFound',
      errorClass: 'stop-engine',
    });
  });

  it('asks for a resubmit on 594 and completes after resubmitting', async () => {
    const { engine, live } = engineWith();
    expect(await errorOf(engine.poll('img-forgotten-1'))).toMatchObject({
      code: '594',
      errorClass: 'resubmit',
    });
    const brief = await startAliyunEmulator({
      tagger: colourTagger,
      processingMs: 0,
      resultTtlMs: 400,
    });
    try {
      const e2 = engineWith({}, brief.baseUrl);
      const first = await e2.engine.submit(request(red));
      await new Promise((r) => setTimeout(r, 450));
      expect(await errorOf(e2.engine.poll(first.taskId))).toMatchObject({
        errorClass: 'resubmit',
      });
      await e2.engine.finish?.(first.taskId, first.cleanup);
      const again = await driveAsyncEngine(e2.engine, request(red));
      expect(again.answer.tags.map((t) => t.name)).toEqual(['person']);
      expect(e2.live.size).toBe(0);
    } finally {
      await brief.close();
    }
    expect(live.size).toBe(0);
  });

  it('checks the credentials with a free probe', async () => {
    const settings = (accessKeySecret: string) =>
      aliyunSettingsSchema.parse({
        endpoint: emulator.baseUrl,
        accessKeyId: emulator.credentials.accessKeyId,
        accessKeySecret,
        hosting: s3.settings,
      });
    const good = await checkAliyunCredentials(settings(emulator.credentials.accessKeySecret));
    expect(good).toMatchObject({ step: 'credentials', ok: true });
    expect(good.detail).toContain('594');
    const bad = await checkAliyunCredentials(settings('nope'));
    expect(bad).toMatchObject({ ok: false });
    expect(bad.detail).toContain('SignatureDoesNotMatch');
  });

  it('reports a picture above the service size limit (589) as permanent', async () => {
    const strict = await startAliyunEmulator({ tagger: colourTagger, maxImageBytes: 1000 });
    try {
      const { engine } = engineWith({}, strict.baseUrl);
      expect(await errorOf(driveAsyncEngine(engine, request(red)))).toMatchObject({
        code: '589',
        errorClass: 'permanent',
      });
    } finally {
      await strict.close();
    }
  });

  it('registers a callback whose pushes the receiver verifies', async () => {
    const verified: string[] = [];
    const receiver: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        const outcome = receiveAliyunCallback(body, emulator.credentials.uid, 'engine-seed');
        if (outcome.ok) verified.push(outcome.result.results?.map((r) => r.label).join(',') ?? '');
        res.writeHead(outcome.ok ? 200 : outcome.status).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const port = (receiver.address() as AddressInfo).port;
      const { engine } = engineWith({
        callback: {
          url: `http://127.0.0.1:${String(port)}/green/cb`,
          seed: 'engine-seed',
          uid: emulator.credentials.uid,
        },
      });
      const { answer } = await driveAsyncEngine(engine, request(red));
      await emulator.settled();
      expect(verified).toEqual(['person']);
      expect(answer.tags.map((t) => t.name)).toEqual(['person']);
    } finally {
      await new Promise((r) => receiver.close(r));
    }
  });
});

describe(mapAliyunResults.name, () => {
  it('keeps scene and suggestion, drops "normal" risk labels, applies the threshold', () => {
    const answer = mapAliyunResults(
      [
        { scene: 'porn', label: 'normal', suggestion: 'pass', rate: 99.9 },
        { scene: 'terrorism', label: 'weapon', suggestion: 'review', rate: 72.5 },
        { scene: 'tag', label: 'Dog', suggestion: 'pass', rate: 88 },
        { scene: 'tag', label: 'stained glass', suggestion: 'pass', rate: 61 },
        { scene: 'tag', label: 'cat', suggestion: 'pass', rate: 20 },
      ],
      'm',
      50,
    );
    expect(answer.tags).toEqual([
      {
        name: 'weapon',
        i18n: { zh: '武器', en: 'Weapon' },
        type: 'concept',
        confidence: 72.5,
        instances: [],
        extra: { scene: 'terrorism', suggestion: 'review' },
      },
      {
        name: 'dog',
        i18n: { zh: findLabel('dog')?.zh, en: findLabel('dog')?.en },
        type: 'concept',
        confidence: 88,
        instances: [],
        extra: { scene: 'tag', suggestion: 'pass' },
      },
      {
        name: 'stained glass',
        // No reviewed zh name: the English label stands in and the tag says so.
        i18n: { zh: 'stained glass', en: 'stained glass' },
        type: 'concept',
        confidence: 61,
        instances: [],
        extra: { scene: 'tag', suggestion: 'pass', zhKnown: false },
      },
    ]);
  });
});
