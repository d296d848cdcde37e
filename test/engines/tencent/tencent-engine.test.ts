// The Tencent engine and client against the real emulator over HTTP on 127.0.0.1: the answer
// mapped into the tag model (English from the shipped table, or marked missing), the Pro →
// DetectLabel fallback, the error classes of the gateway's and the service's answers, the
// 4 MB base64 limit met by prepare, and the unbilled "Test connection" probe.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EngineError } from '../../../main/engines/engine.ts';
import { EngineAnswer, type NormalisedTag } from '../../../main/engines/tag-model.ts';
import {
  checkTencentCredentials,
  createTencentEngine,
  tencentMaxBase64Length,
} from '../../../main/engines/tencent/tencent-engine.ts';
import { tencentErrorRule } from '../../../main/engines/tencent/tencent-errors.ts';
import {
  tencentSettingsSchema,
  type TencentSettingsInput,
} from '../../../main/engines/tencent/tencent-settings.ts';
import {
  startTencentEmulator,
  type TencentEmulator,
} from '../../../main/emulators/tencent/tencent-emulator.ts';

/** A tagger with known Chinese names: 狗 is in the shipped table, 柯基 is not. */
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
      tag('狗', 91, 'object'),
      tag('柯基', 64, 'object'),
      tag('草地', 55, 'scene'),
      tag('模糊', 12, 'concept'),
    ],
  });
}

let emulator: TencentEmulator;
let dir: string;
let photo: string;

beforeAll(async () => {
  emulator = await startTencentEmulator({ tagger: fixedTagger });
  dir = await mkdtemp(join(tmpdir(), 'tujian-tencent-'));
  photo = join(dir, 'photo.jpg');
  await sharp({ create: { width: 640, height: 480, channels: 3, background: '#3a6' } })
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
  emulator.setProUnavailable(undefined);
});

function settings(overrides: Partial<TencentSettingsInput> = {}): TencentSettingsInput {
  return {
    endpoint: emulator.baseUrl,
    region: emulator.credentials.region,
    secretId: emulator.credentials.secretId,
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

describe(createTencentEngine.name, () => {
  it('maps DetectLabelPro labels: Chinese from the service, English from the table or marked missing', async () => {
    const answer = EngineAnswer.parse(
      await createTencentEngine(settings()).tag({ sourcePath: photo, contentHash: 'h' }),
    );
    expect(answer.model).toBe('tiia-DetectLabelPro@2019-05-29');
    expect(answer.tags).toEqual([
      {
        name: 'dog',
        i18n: { zh: '狗', en: 'Dog' },
        type: 'object',
        confidence: 91,
        instances: [],
        extra: { firstCategory: '物品', secondCategory: '物品' },
      },
      {
        name: '柯基',
        i18n: { zh: '柯基', en: '柯基' },
        type: 'object',
        confidence: 64,
        instances: [],
        extra: { firstCategory: '物品', secondCategory: '物品', enKnown: false },
      },
      {
        name: '草地',
        i18n: { zh: '草地', en: '草地' },
        type: 'scene',
        confidence: 55,
        instances: [],
        extra: { firstCategory: '场景', secondCategory: '场景', enKnown: false },
      },
      // 模糊 (12) is below the default threshold of 30.
    ]);
    expect(emulator.calls()).toMatchObject([{ outcome: 'ok', paid: true }]);
  });

  it.each(['UnsupportedRegion', 'FailedOperation.UnOpenError', 'ResourceUnavailable.NotExist'])(
    'falls back to DetectLabel (ALBUM) for good when Pro answers %s, paying once per photo',
    async (code) => {
      emulator.setProUnavailable(code);
      const engine = createTencentEngine(settings());
      const first = await engine.tag({ sourcePath: photo, contentHash: 'h1' });
      const second = await engine.tag({ sourcePath: photo, contentHash: 'h2' });
      expect(first.model).toBe('tiia-DetectLabel-ALBUM@2019-05-29');
      expect(second.tags.map((t) => t.name)).toEqual(['dog', '柯基', '草地']);
      expect(engine.currentAction).toBe('DetectLabel');
      // One refused Pro call (unbilled), then DetectLabel only.
      expect(emulator.calls().map((c) => [c.outcome, c.paid])).toEqual([
        [code, false],
        ['ok', true],
        ['ok', true],
      ]);
    },
  );

  it('does not fall back when DetectLabelPro was chosen explicitly: the refusal stops the engine', async () => {
    emulator.setProUnavailable('UnsupportedRegion');
    const error = await tagError(
      createTencentEngine(settings({ action: 'DetectLabelPro' })).tag({
        sourcePath: photo,
        contentHash: 'h',
      }),
    );
    expect(error).toMatchObject({ code: 'UnsupportedRegion', errorClass: 'stop-engine' });
  });

  it('a wrong secret is AuthFailure.SignatureFailure, which stops the engine', async () => {
    const error = await tagError(
      createTencentEngine(settings({ secretKey: 'wrong-secret-key-000' })).tag({
        sourcePath: photo,
        contentHash: 'h',
      }),
    );
    expect(error).toMatchObject({
      code: 'AuthFailure.SignatureFailure',
      errorClass: 'stop-engine',
    });
  });

  it('RequestLimitExceeded is retry-later and a 5xx is retry', async () => {
    const engine = createTencentEngine(settings());
    emulator.setFaults({ faults: [{ kind: 'throttle', times: 1 }] });
    expect(await tagError(engine.tag({ sourcePath: photo, contentHash: 'h' }))).toMatchObject({
      code: 'RequestLimitExceeded',
      errorClass: 'retry-later',
    });
    emulator.setFaults({ faults: [{ kind: 'server-error', status: 502, times: 1 }] });
    expect(await tagError(engine.tag({ sourcePath: photo, contentHash: 'h' }))).toMatchObject({
      code: 'InternalError',
      errorClass: 'retry',
    });
    emulator.setFaults({ faults: [{ kind: 'malformed-json', times: 1 }] });
    expect(await tagError(engine.tag({ sourcePath: photo, contentHash: 'h' }))).toMatchObject({
      errorClass: 'retry',
    });
  });

  it('brings a large noisy photo within 4 MB of base64 and the emulator accepts it', async () => {
    const big = join(dir, 'noise.png');
    const side = 2600;
    const noise = Buffer.alloc(side * side * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) % 251;
    await sharp(noise, { raw: { width: side, height: side, channels: 3 } })
      .png()
      .toFile(big);
    const answer = await createTencentEngine(settings()).tag({ sourcePath: big, contentHash: 'b' });
    expect(answer.tags.length).toBeGreaterThan(0);
    expect(emulator.calls().at(-1)).toMatchObject({ outcome: 'ok' });
    expect(tencentMaxBase64Length).toBeLessThanOrEqual(4 * 1024 * 1024);
  });

  it('refuses a photo below the recommended 50 px without calling the service', async () => {
    const tiny = join(dir, 'tiny.jpg');
    await sharp({ create: { width: 40, height: 30, channels: 3, background: '#888' } })
      .jpeg()
      .toFile(tiny);
    const error = await tagError(
      createTencentEngine(settings()).tag({ sourcePath: tiny, contentHash: 't' }),
    );
    expect(error).toMatchObject({ code: 'client.too-small', errorClass: 'permanent' });
    expect(emulator.calls()).toHaveLength(0);
  });
});

describe(checkTencentCredentials.name, () => {
  it('says the keys work without a billed call, and says so when they do not', async () => {
    const good = await checkTencentCredentials(tencentSettingsSchema.parse(settings()));
    expect(good.ok).toBe(true);
    const bad = await checkTencentCredentials(
      tencentSettingsSchema.parse(settings({ secretKey: 'wrong-secret-key-000' })),
    );
    expect(bad).toMatchObject({ ok: false });
    expect(bad.detail).toContain('AuthFailure.SignatureFailure');
    expect(emulator.calls().every((c) => !c.paid)).toBe(true);
  });
});

describe(tencentErrorRule.name, () => {
  it.each([
    ['AuthFailure.SecretIdNotFound', 'stop-engine'],
    ['AuthFailure.SomethingNew', 'stop-engine'],
    ['RequestLimitExceeded', 'retry-later'],
    ['RequestLimitExceeded.UinLimitExceeded', 'retry-later'],
    ['InternalError', 'retry'],
    ['FailedOperation.RpcFail', 'retry'],
    ['FailedOperation.ImageDecodeFailed', 'permanent'],
    ['FailedOperation.ImageSizeExceed', 'permanent'],
    ['InvalidParameterValue.ImageEmpty', 'permanent'],
    ['ResourceUnavailable.InArrears', 'stop-engine'],
    ['ResourceUnavailable.IsOpening', 'retry-later'],
    ['FailedOperation.UnOpenError', 'stop-engine'],
  ])('classifies %s as %s', (code, errorClass) => {
    expect(tencentErrorRule(code)?.errorClass).toBe(errorClass);
  });
});
