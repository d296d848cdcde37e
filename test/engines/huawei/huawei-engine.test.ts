// The Huawei engine and client against the real emulator over HTTP on 127.0.0.1: both auth
// modes, token caching and refresh, every fault class handled per the error table, the QPS
// limiter, and an oversized photo brought within 10 MB of base64 by prepare.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEngineLimiter } from '../../../main/jobs/engine-limiter.ts';
import { EngineError } from '../../../main/engines/engine.ts';
import { createHuaweiClient } from '../../../main/engines/huawei/huawei-client.ts';
import {
  createHuaweiEngine,
  huaweiMaxBase64Length,
} from '../../../main/engines/huawei/huawei-engine.ts';
import {
  huaweiSettingsSchema,
  resolveIamEndpoint,
  resolveImageEndpoint,
  type HuaweiSettingsInput,
} from '../../../main/engines/huawei/huawei-settings.ts';
import { EngineAnswer } from '../../../main/engines/tag-model.ts';
import { prepareForEngine } from '../../../main/imaging/prepare-for-engine.ts';
import type { PreparedImage } from '../../../main/engines/engine.ts';
import {
  startHuaweiEmulator,
  type HuaweiEmulator,
} from '../../../main/emulators/huawei/huawei-emulator.ts';

let emulator: HuaweiEmulator;
let dir: string;
let photo: string;

beforeAll(async () => {
  emulator = await startHuaweiEmulator({ tagger: 'pixels' });
  dir = await mkdtemp(join(tmpdir(), 'tujian-huawei-'));
  // A white 800×600 photo with a red rectangle at (100,240) size 200×120.
  const rect = await sharp({ create: { width: 200, height: 120, channels: 3, background: '#e00' } })
    .png()
    .toBuffer();
  photo = join(dir, 'red.jpg');
  await sharp({ create: { width: 800, height: 600, channels: 3, background: '#fff' } })
    .composite([{ input: rect, left: 100, top: 240 }])
    .jpeg({ quality: 92 })
    .toFile(photo);
});
afterAll(async () => {
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  emulator.clearFaults();
  emulator.clearCalls();
});

function akskSettings(overrides: Partial<HuaweiSettingsInput> = {}): HuaweiSettingsInput {
  const c = emulator.credentials;
  return {
    endpoint: emulator.baseUrl,
    iamEndpoint: emulator.baseUrl,
    projectId: c.projectId,
    auth: { kind: 'aksk', ak: c.ak, sk: c.sk },
    language: 'en',
    threshold: 30,
    requestTimeoutMs: 5000,
    ...overrides,
  };
}

function tokenSettings(overrides: Partial<HuaweiSettingsInput> = {}): HuaweiSettingsInput {
  const c = emulator.credentials;
  return akskSettings({
    auth: { kind: 'token', user: c.user, password: c.password, domain: c.domain },
    ...overrides,
  });
}

async function tagError(promise: Promise<unknown>): Promise<EngineError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EngineError);
  return error as EngineError;
}

describe(createHuaweiEngine.name, () => {
  it('tags a photo with AK/SK, boxes normalised to the photo', async () => {
    const engine = createHuaweiEngine(akskSettings());
    const answer = await engine.tag({ sourcePath: photo, contentHash: 'h1' });
    expect(EngineAnswer.parse(answer)).toEqual(answer);
    expect(answer.engine).toBe('huawei');
    expect(answer.model).toBe('image-tagging-v2');
    const object = answer.tags.find((t) => t.name === 'foreground object');
    expect(object?.type).toBe('object');
    const box = object?.instances[0];
    expect(box?.x).toBeCloseTo(100 / 800, 1);
    expect(box?.y).toBeCloseTo(240 / 600, 1);
    expect(box?.w).toBeCloseTo(200 / 800, 1);
    expect(box?.h).toBeCloseTo(120 / 600, 1);
    expect(answer.tags.find((t) => t.name === 'red')?.i18n).toEqual({ zh: '红色', en: 'Red' });
    expect(emulator.calls().filter((c) => c.paid)).toHaveLength(1);
  });

  it('tags with an IAM token fetched once and cached', async () => {
    const issued = emulator.tokensIssued;
    const engine = createHuaweiEngine(tokenSettings());
    await engine.tag({ sourcePath: photo, contentHash: 'h1' });
    await engine.tag({ sourcePath: photo, contentHash: 'h1' });
    expect(emulator.tokensIssued - issued).toBe(1);
    expect(emulator.calls().map((c) => c.route)).toEqual([
      'iam-token',
      'image-tagging',
      'image-tagging',
    ]);
  });

  it('shares one IAM request among concurrent first calls', async () => {
    const issued = emulator.tokensIssued;
    const engine = createHuaweiEngine(tokenSettings());
    await Promise.all([1, 2, 3].map(() => engine.tag({ sourcePath: photo, contentHash: 'h' })));
    expect(emulator.tokensIssued - issued).toBe(1);
  });

  it('retries when the IAM endpoint itself fails', async () => {
    emulator.addFault({ kind: 'server-error', status: 503, route: 'iam-token', times: 1 });
    const engine = createHuaweiEngine(tokenSettings());
    const error = await tagError(engine.tag({ sourcePath: photo, contentHash: 'h' }));
    expect(error.errorClass).toBe('retry');
    await engine.tag({ sourcePath: photo, contentHash: 'h' });
  });

  it('gives up at once when the job is cancelled mid-call', async () => {
    emulator.addFault({ kind: 'hang', times: 1 });
    const controller = new AbortController();
    const engine = createHuaweiEngine(akskSettings({ requestTimeoutMs: 20_000 }));
    const pending = engine.tag({ sourcePath: photo, contentHash: 'h', signal: controller.signal });
    setTimeout(() => {
      controller.abort();
    }, 300);
    const started = Date.now();
    const error = await tagError(pending);
    expect([error.code, error.errorClass]).toEqual(['client.aborted', 'retry']);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refreshes the token before 24 h are up', async () => {
    let now = Date.now();
    const client = createHuaweiClient(huaweiSettingsSchema.parse(tokenSettings()), {
      now: () => now,
    });
    const image = (await sharp(photo).toBuffer()).toString('base64');
    await client.tagImage({ image });
    now += 22 * 3600_000;
    await client.tagImage({ image });
    expect(client.tokenFetches).toBe(1);
    now += 1.5 * 3600_000; // 23.5 h: inside the refresh margin
    await client.tagImage({ image });
    expect(client.tokenFetches).toBe(2);
  });

  it('refreshes the token once when the service calls it bad', async () => {
    const engine = createHuaweiEngine(tokenSettings());
    await engine.tag({ sourcePath: photo, contentHash: 'h1' });
    emulator.revokeTokens();
    const issued = emulator.tokensIssued;
    const answer = await engine.tag({ sourcePath: photo, contentHash: 'h1' });
    expect(answer.tags.length).toBeGreaterThan(0);
    expect(emulator.tokensIssued - issued).toBe(1);
    expect(emulator.calls().map((c) => c.outcome)).toEqual(['ok', 'ok', 'APIG.0301', 'ok', 'ok']);
  });

  it('gives up after one refresh when the new token is refused too', async () => {
    const expiring = await startHuaweiEmulator({ tagger: 'pixels', tokenTtlMs: 0 });
    try {
      const c = expiring.credentials;
      const engine = createHuaweiEngine({
        endpoint: expiring.baseUrl,
        iamEndpoint: expiring.baseUrl,
        projectId: c.projectId,
        auth: { kind: 'token', user: c.user, password: c.password, domain: c.domain },
      });
      const error = await tagError(engine.tag({ sourcePath: photo, contentHash: 'h' }));
      expect(error.code).toBe('APIG.0301');
      expect(error.errorClass).toBe('stop-engine');
      expect(expiring.tokensIssued).toBe(2);
    } finally {
      await expiring.close();
    }
  });

  it('stops the engine on a wrong SK without retrying, and redacts secrets', async () => {
    const engine = createHuaweiEngine(
      akskSettings({ auth: { kind: 'aksk', ak: emulator.credentials.ak, sk: 'WRONGSECRETKEY' } }),
    );
    const error = await tagError(engine.tag({ sourcePath: photo, contentHash: 'h1' }));
    expect(error.code).toBe('APIG.0301');
    expect(error.errorClass).toBe('stop-engine');
    expect(error.message).toContain('verify aksk signature fail');
    expect(error.message).not.toContain(emulator.credentials.ak);
    expect(error.message).not.toContain('WRONGSECRETKEY');
    expect(emulator.calls()).toHaveLength(1);
  });

  it('stops the engine on a wrong IAM password, keeping the password out of the message', async () => {
    const c = emulator.credentials;
    const engine = createHuaweiEngine(
      tokenSettings({
        auth: { kind: 'token', user: c.user, password: 'WrongPassword1', domain: c.domain },
      }),
    );
    const error = await tagError(engine.tag({ sourcePath: photo, contentHash: 'h1' }));
    expect(error.code).toBe('IAM.401');
    expect(error.errorClass).toBe('stop-engine');
    expect(error.message).not.toContain('WrongPassword1');
  });

  it('stops the engine when the service is not subscribed', async () => {
    emulator.setSubscribed(false);
    try {
      const error = await tagError(
        createHuaweiEngine(akskSettings()).tag({ sourcePath: photo, contentHash: 'h' }),
      );
      expect([error.code, error.errorClass]).toEqual(['ModelArts.4204', 'stop-engine']);
    } finally {
      emulator.setSubscribed(true);
    }
  });

  it('turns APIG.0308 throttling into retry-later with Retry-After', async () => {
    emulator.addFault({ kind: 'throttle', retryAfterSeconds: 3, times: 1 });
    const engine = createHuaweiEngine(akskSettings());
    const error = await tagError(engine.tag({ sourcePath: photo, contentHash: 'h' }));
    expect(error.code).toBe('APIG.0308');
    expect(error.errorClass).toBe('retry-later');
    expect(error.retryAfterMs).toBe(3000);
    // Spent: the next call goes through.
    await engine.tag({ sourcePath: photo, contentHash: 'h' });
  });

  it.each([
    [500, 'AIS.0003'],
    [502, 'APIG.0202'],
    [503, 'APIG.0202'],
    [504, 'APIG.0203'],
  ])('retries a %i server error (%s)', async (status, code) => {
    emulator.addFault({ kind: 'server-error', status, times: 1 });
    const error = await tagError(
      createHuaweiEngine(akskSettings()).tag({ sourcePath: photo, contentHash: 'h' }),
    );
    expect([error.code, error.errorClass]).toEqual([code, 'retry']);
  });

  it('retries a timeout, a reset connection and a malformed answer', async () => {
    const engine = createHuaweiEngine(akskSettings({ requestTimeoutMs: 1000 }));
    emulator.setFaults({
      faults: [
        { kind: 'hang', times: 1 },
        { kind: 'reset', times: 1 },
        { kind: 'malformed-json', times: 1 },
      ],
    });
    const codes = [];
    for (let i = 0; i < 3; i++) {
      const error = await tagError(engine.tag({ sourcePath: photo, contentHash: 'h' }));
      expect(error.errorClass).toBe('retry');
      codes.push(error.code);
    }
    expect(codes).toEqual(['client.timeout', 'client.network', 'client.malformed-answer']);
  });

  it('reads a slow but complete answer', async () => {
    emulator.addFault({ kind: 'slow-body', delayMs: 300, times: 1 });
    const answer = await createHuaweiEngine(akskSettings()).tag({
      sourcePath: photo,
      contentHash: 'h',
    });
    expect(answer.tags.length).toBeGreaterThan(0);
  });

  it('keeps within the QPS limit it is given, so the gateway never throttles', async () => {
    emulator.setFaults({ qpsPerKey: 2 });
    const engine = createHuaweiEngine(akskSettings({ qps: 1.8, concurrency: 4 }));
    // The one limiter per engine is the job runner's (main/jobs/engine-limiter.ts), configured
    // from the settings' qps and concurrency (main/engines/engine-registry.ts).
    const limiter = createEngineLimiter('huawei', { qps: 1.8, concurrency: 4, burst: 1 });
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        limiter.run(() => engine.tag({ sourcePath: photo, contentHash: 'h' })),
      ),
    );
    expect(answers).toHaveLength(5);
    expect(emulator.calls().filter((c) => c.outcome === 'fault:qps')).toHaveLength(0);
  });

  it('is throttled by the gateway when its QPS setting is above the account limit', async () => {
    emulator.setFaults({ qpsPerKey: 1 });
    const engine = createHuaweiEngine(akskSettings({ qps: 50, concurrency: 4 }));
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, () => engine.tag({ sourcePath: photo, contentHash: 'h' })),
    );
    const throttled = results.filter(
      (r) => r.status === 'rejected' && (r.reason as EngineError).errorClass === 'retry-later',
    );
    expect(throttled.length).toBeGreaterThan(0);
  });

  it('refuses a photo below the minimum side as permanent, before any call', async () => {
    const tiny = join(dir, 'tiny.png');
    await sharp({ create: { width: 10, height: 40, channels: 3, background: '#123' } })
      .png()
      .toFile(tiny);
    const error = await tagError(
      createHuaweiEngine(akskSettings()).tag({ sourcePath: tiny, contentHash: 'h' }),
    );
    expect([error.code, error.errorClass]).toEqual(['client.too-small', 'permanent']);
    expect(emulator.calls()).toHaveLength(0);
    // With minSide 1 (the newer V2 docs) it is sent, and a 15 px service refuses it: AIS.0504.
    const refused = await tagError(
      createHuaweiEngine(akskSettings({ minSide: 1 })).tag({ sourcePath: tiny, contentHash: 'h' }),
    );
    expect([refused.code, refused.errorClass]).toEqual(['AIS.0504', 'permanent']);
  });

  it('brings an oversized photo within 10 MB of base64 and the service accepts it', async () => {
    // Noise does not compress: a 4096×3072 noise JPEG at quality 100 is ~20 MB.
    const width = 4096;
    const height = 3072;
    const big = join(dir, 'noise.jpg');
    await sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } })
      .jpeg({ quality: 100 })
      .toFile(big);
    const original = await readFile(big);
    expect(Math.ceil(original.length / 3) * 4).toBeGreaterThan(huaweiMaxBase64Length);
    let prepared: PreparedImage | undefined;
    const engine = createHuaweiEngine(akskSettings(), {
      prepare: async (input, limits) => {
        prepared = await prepareForEngine(input, limits);
        return prepared;
      },
    });
    const answer = await engine.tag({ sourcePath: big, contentHash: 'noise' });
    expect(answer.engine).toBe('huawei');
    expect(prepared).toBeDefined();
    expect(prepared?.data.toString('base64').length).toBeLessThanOrEqual(huaweiMaxBase64Length);
    expect(Math.max(prepared?.width ?? 0, prepared?.height ?? 0)).toBeLessThanOrEqual(4096);
    expect(emulator.calls().at(-1)).toMatchObject({ outcome: 'ok', paid: true });
  });

  it('declares its limits and a settings key that changes with what changes the answer', () => {
    const engine = createHuaweiEngine(akskSettings());
    expect(engine.limits).toEqual({
      formats: ['jpeg', 'png', 'bmp', 'webp'],
      maxSide: 4096,
      minSide: 15,
      maxBase64Length: 10_000_000,
      input: 'base64',
    });
    const key = engine.settingsKey();
    expect(key).toContain('image-tagging-v2');
    expect(key).toContain(new URL(emulator.baseUrl).host);
    const keys = new Set([
      key,
      createHuaweiEngine(akskSettings({ language: 'zh' })).settingsKey(),
      createHuaweiEngine(akskSettings({ threshold: 31 })).settingsKey(),
      createHuaweiEngine(akskSettings({ limit: 10 })).settingsKey(),
      createHuaweiEngine(akskSettings({ uploadMaxSide: 1600 })).settingsKey(),
      createHuaweiEngine(
        akskSettings({ endpoint: 'https://image.ae-ad-1.g42cloud.com' }),
      ).settingsKey(),
    ]);
    expect(keys.size).toBe(6);
    expect(createHuaweiEngine(akskSettings({ uploadMaxSide: 1600 })).limits.maxSide).toBe(1600);
    // Credentials do not change the answer, so they stay out of the key (and out of the catalog).
    expect(
      createHuaweiEngine(
        akskSettings({ auth: { kind: 'aksk', ak: 'OTHERAK', sk: 'OTHERSK' } }),
      ).settingsKey(),
    ).toBe(key);
    expect(key).not.toContain(emulator.credentials.ak);
  });
});

describe(createHuaweiClient.name, () => {
  it('classifies a damaged image (AIS.0503) as permanent', async () => {
    const client = createHuaweiClient(huaweiSettingsSchema.parse(akskSettings()));
    const jpeg = await sharp(photo).toBuffer();
    const error = await tagError(
      client.tagImage({ image: jpeg.subarray(0, 500).toString('base64') }),
    );
    expect([error.code, error.errorClass]).toEqual(['AIS.0503', 'permanent']);
  });

  it('sends url images too', async () => {
    const client = createHuaweiClient(huaweiSettingsSchema.parse(akskSettings()));
    const error = await tagError(client.tagImage({ url: 'http://127.0.0.1:1/none.jpg' }));
    expect([error.code, error.errorClass]).toEqual(['ModelArts.4603', 'retry']);
  });
});

describe('huaweiSettingsSchema', () => {
  it('fills the documented defaults and the regional endpoints', () => {
    const settings = huaweiSettingsSchema.parse({
      projectId: 'p1',
      auth: { kind: 'aksk', ak: 'a', sk: 's' },
    });
    expect(settings).toMatchObject({
      region: 'cn-north-4',
      language: 'zh',
      threshold: 60,
      limit: 50,
      minSide: 15,
    });
    expect(resolveImageEndpoint(settings)).toBe('https://image.cn-north-4.myhuaweicloud.com');
    expect(resolveIamEndpoint(settings)).toBe('https://iam.cn-north-4.myhuaweicloud.com');
    const g42 = huaweiSettingsSchema.parse({ ...settings, region: 'ae-ad-1' });
    expect(resolveImageEndpoint(g42)).toBe('https://image.ae-ad-1.g42cloud.com');
    expect(resolveIamEndpoint(g42)).toBe('https://iam.ae-ad-1.g42cloud.com');
  });

  it('refuses IAM tokens for ae-ad-1, where Image Recognition takes only AK/SK (seed §3.3)', () => {
    const token = { kind: 'token', user: 'u', password: 'p', domain: 'd' } as const;
    expect(
      huaweiSettingsSchema.safeParse({ projectId: 'p', region: 'ae-ad-1', auth: token }).success,
    ).toBe(false);
    expect(
      huaweiSettingsSchema.safeParse({ projectId: 'p', region: 'cn-north-4', auth: token }).success,
    ).toBe(true);
  });

  it('refuses out-of-range values and unknown auth kinds', () => {
    const base = { projectId: 'p1', auth: { kind: 'aksk', ak: 'a', sk: 's' } };
    for (const bad of [
      { threshold: 101 },
      { limit: 0 },
      { limit: 151 },
      { language: 'fr' },
      { endpoint: 'ftp://x' },
      { concurrency: 11 },
      { auth: { kind: 'oauth' } },
      { projectId: 'a/b' },
    ]) {
      expect(huaweiSettingsSchema.safeParse({ ...base, ...bad }).success).toBe(false);
    }
  });
});
