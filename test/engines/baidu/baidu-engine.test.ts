// The Baidu engine and client against the real emulator over HTTP on 127.0.0.1: the answer
// mapped into the tag model, the access token cached until it expires and fetched again on
// 110/111 (once), baike_num never sent, the error classes, the 4 MB base64 limit met by
// prepare, and the token-only "Test connection".
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EngineError } from '../../../main/engines/engine.ts';
import { redact } from '../../../main/engines/engine-settings.ts';
import { EngineAnswer, type NormalisedTag } from '../../../main/engines/tag-model.ts';
import {
  baiduMaxBase64Length,
  checkBaiduCredentials,
  createBaiduEngine,
} from '../../../main/engines/baidu/baidu-engine.ts';
import {
  baiduEngineError,
  baiduErrorCodes,
  untilBeijingMidnight,
} from '../../../main/engines/baidu/baidu-errors.ts';
import {
  baiduSettingsSchema,
  type BaiduSettingsInput,
} from '../../../main/engines/baidu/baidu-settings.ts';
import {
  startBaiduEmulator,
  type BaiduEmulator,
} from '../../../main/emulators/baidu/baidu-emulator.ts';

function fixedTagger(): Promise<EngineAnswer> {
  const tag = (zh: string, confidence: number, type: NormalisedTag['type']): NormalisedTag => ({
    name: zh,
    i18n: { zh, en: zh },
    type,
    confidence,
    instances: [],
  });
  return Promise.resolve({
    engine: 'local',
    model: 'fixed',
    tags: [
      tag('猫', 87.5, 'object'),
      tag('屏幕截图', 40, 'concept'),
      tag('天空', 33, 'scene'),
      tag('云', 10, 'scene'),
    ],
  });
}

let emulator: BaiduEmulator;
let dir: string;
let photo: string;
const bodies: string[] = [];

/** fetch that keeps each request body, to see what was sent. */
const recordingFetch: typeof fetch = (input, init) => {
  if (typeof init?.body === 'string') bodies.push(init.body);
  return fetch(input, init);
};

beforeAll(async () => {
  emulator = await startBaiduEmulator({ tagger: fixedTagger });
  dir = await mkdtemp(join(tmpdir(), 'tujian-baidu-'));
  photo = join(dir, 'photo.jpg');
  await sharp({ create: { width: 640, height: 480, channels: 3, background: '#39c' } })
    .jpeg()
    .toFile(photo);
});
afterAll(async () => {
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  emulator.clearFaults();
  emulator.clearCalls();
  bodies.length = 0;
});

function settings(overrides: Partial<BaiduSettingsInput> = {}): BaiduSettingsInput {
  return {
    endpoint: emulator.baseUrl,
    apiKey: emulator.credentials.apiKey,
    secretKey: emulator.credentials.secretKey,
    requestTimeoutMs: 5000,
    ...overrides,
  };
}

async function tagError(promise: Promise<unknown>): Promise<EngineError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof EngineError))
    throw new Error(`expected an EngineError, got ${String(error)}`);
  return error;
}

const request = { sourcePath: '', contentHash: 'h' };

describe(createBaiduEngine.name, () => {
  it('maps keyword/score/root into the tag model and sends image only (no baike_num)', async () => {
    const engine = createBaiduEngine(settings(), { fetch: recordingFetch });
    const answer = EngineAnswer.parse(await engine.tag({ ...request, sourcePath: photo }));
    expect(answer).toEqual({
      engine: 'baidu',
      model: 'advanced_general-v2',
      tags: [
        {
          name: 'cat',
          i18n: { zh: '猫', en: 'Cat' },
          type: 'object',
          confidence: 87.5,
          instances: [],
          extra: { root: '物体-物品' },
        },
        {
          name: '屏幕截图',
          i18n: { zh: '屏幕截图', en: '屏幕截图' },
          type: 'concept',
          confidence: 40,
          instances: [],
          extra: { root: '非自然图像-概念', enKnown: false },
        },
        {
          name: '天空',
          i18n: { zh: '天空', en: '天空' },
          type: 'scene',
          confidence: 33,
          instances: [],
          extra: { root: '自然风景-场景', enKnown: false },
        },
      ],
    });
    const apiBody = new URLSearchParams(bodies.at(-1));
    expect([...apiBody.keys()]).toEqual(['image']);
    // The base64 is URL-encoded on the wire ("去掉编码头后再进行urlencode").
    expect(bodies.at(-1)?.slice('image='.length)).not.toMatch(/[+/=]/);
  });

  it('fetches the token once and keeps it for later calls', async () => {
    const engine = createBaiduEngine(settings());
    await engine.tag({ ...request, sourcePath: photo });
    await engine.tag({ ...request, sourcePath: photo });
    await engine.tag({ ...request, sourcePath: photo });
    expect(engine.tokenFetches).toBe(1);
    expect(emulator.calls().filter((c) => c.route === 'token')).toHaveLength(1);
  });

  it('fetches a new token on 110 (revoked) and on 111 (expired), once each, without losing the photo', async () => {
    const engine = createBaiduEngine(settings());
    await engine.tag({ ...request, sourcePath: photo });
    emulator.revokeTokens();
    await engine.tag({ ...request, sourcePath: photo });
    expect(engine.tokenFetches).toBe(2);
    // 30 days later the emulator says 111; the engine's own clock still trusts the token.
    emulator.advanceClock(31 * 24 * 3600_000);
    try {
      await engine.tag({ ...request, sourcePath: photo });
    } finally {
      emulator.advanceClock(-31 * 24 * 3600_000);
    }
    expect(engine.tokenFetches).toBe(3);
    expect(
      emulator
        .calls()
        .filter((c) => c.route === 'advanced_general')
        .map((c) => c.outcome),
    ).toEqual(['ok', '110', 'ok', '111', 'ok']);
  });

  it('renews the token before it expires by its own clock', async () => {
    let clock = Date.now();
    const engine = createBaiduEngine(settings(), { now: () => clock });
    await engine.tag({ ...request, sourcePath: photo });
    clock += 29.5 * 24 * 3600_000; // within the last day of 30
    await engine.tag({ ...request, sourcePath: photo });
    expect(engine.tokenFetches).toBe(2);
  });

  it('a wrong Secret Key is invalid_client: the engine stops, the API is never called', async () => {
    const error = await tagError(
      createBaiduEngine(settings({ secretKey: 'wrong' })).tag({ ...request, sourcePath: photo }),
    );
    expect(error).toMatchObject({ code: 'invalid_client', errorClass: 'stop-engine' });
    expect(emulator.calls().map((c) => c.route)).toEqual(['token']);
  });

  it('18 is retry-later, a 5xx is retry, and 17 waits until Beijing midnight', async () => {
    const engine = createBaiduEngine(settings());
    emulator.setFaults({ faults: [{ kind: 'throttle', route: 'advanced_general', times: 1 }] });
    expect(await tagError(engine.tag({ ...request, sourcePath: photo }))).toMatchObject({
      code: '18',
      errorClass: 'retry-later',
    });
    emulator.setFaults({
      faults: [{ kind: 'server-error', route: 'advanced_general', status: 500, times: 1 }],
    });
    expect(await tagError(engine.tag({ ...request, sourcePath: photo }))).toMatchObject({
      code: '282000',
      errorClass: 'retry',
    });
    // 2026-12-07T10:00:00Z is 18:00 in Beijing: 6 hours to midnight there.
    const at = Date.parse('2026-12-07T10:00:00Z');
    expect(untilBeijingMidnight(at)).toBe(6 * 3600_000);
    expect(
      baiduEngineError({ code: '17', message: '', httpStatus: 200, now: at }).retryAfterMs,
    ).toBe(6 * 3600_000);
  });

  it('brings a large noisy photo within 4 MB of base64 and the emulator accepts it', async () => {
    const big = join(dir, 'noise.png');
    const side = 2600;
    const noise = Buffer.alloc(side * side * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) % 251;
    await sharp(noise, { raw: { width: side, height: side, channels: 3 } })
      .png()
      .toFile(big);
    const answer = await createBaiduEngine(settings()).tag({ ...request, sourcePath: big });
    expect(answer.tags.length).toBeGreaterThan(0);
    expect(emulator.calls().at(-1)).toMatchObject({ route: 'advanced_general', outcome: 'ok' });
    expect(baiduMaxBase64Length).toBeLessThanOrEqual(4 * 1024 * 1024);
  });

  it('refuses a photo under 15 px without calling the service', async () => {
    const tiny = join(dir, 'tiny.png');
    await sharp({ create: { width: 10, height: 40, channels: 3, background: '#888' } })
      .png()
      .toFile(tiny);
    expect(
      await tagError(createBaiduEngine(settings()).tag({ ...request, sourcePath: tiny })),
    ).toMatchObject({ code: 'client.too-small', errorClass: 'permanent' });
    expect(emulator.calls()).toHaveLength(0);
  });
});

describe(checkBaiduCredentials.name, () => {
  it('fetches a token only (nothing billed) and reports a wrong key', async () => {
    expect(await checkBaiduCredentials(baiduSettingsSchema.parse(settings()))).toMatchObject({
      ok: true,
    });
    const bad = await checkBaiduCredentials(
      baiduSettingsSchema.parse(settings({ secretKey: 'x' })),
    );
    expect(bad.ok).toBe(false);
    expect(bad.detail).toContain('invalid_client');
    expect(emulator.calls().every((c) => c.route === 'token')).toBe(true);
  });
});

describe(redact.name, () => {
  it('hides a Baidu access token in a URL or a token answer', () => {
    const token = '24.6c5e1ff107f0e8bcef8c46d3424a0e78.2592000.1485516651.282335-8574074';
    const text = `POST /rest/2.0/image-classify/v2/advanced_general?access_token=${token}&aipSdk=node {"access_token":"${token}"}`;
    expect(redact(text)).not.toContain(token);
    expect(redact(text)).toContain('access_token=***&aipSdk=node');
  });
});

describe('baiduErrorCodes', () => {
  it.each([
    ['17', 'retry-later'],
    ['18', 'retry-later'],
    ['4', 'retry-later'],
    ['19', 'stop-engine'],
    ['110', 'stop-engine'],
    ['111', 'stop-engine'],
    ['6', 'stop-engine'],
    ['14', 'stop-engine'],
    ['216200', 'permanent'],
    ['216201', 'permanent'],
    ['216202', 'permanent'],
    ['282000', 'retry'],
    ['216401', 'retry'],
  ])('classifies %s as %s', (code, errorClass) => {
    expect(baiduErrorCodes[code]?.errorClass).toBe(errorClass);
  });
});
