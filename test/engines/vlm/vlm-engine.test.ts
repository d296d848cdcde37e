// The vision-language model engine against the emulator of both protocols (a real HTTP server
// on 127.0.0.1; no vision model can run here, so the emulator answers with what the pixel
// tagger measures in the image, written the way chat models write).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../../main/engines/engine.ts';
import {
  checkVlmConnection,
  createVlmEngine,
  vlmModelName,
} from '../../../main/engines/vlm/vlm-engine.ts';
import {
  isLoopbackUrl,
  vlmSettingsSchema,
  type VlmSettingsInput,
} from '../../../main/engines/vlm/vlm-settings.ts';
import { tagPixelRegions } from '../../../main/emulators/huawei/pixel-region-tagger.ts';
import { startVlmEmulator, type VlmEmulator } from '../../../main/emulators/vlm/vlm-emulator.ts';

let emulator: VlmEmulator;
let dir: string;
let photo: string;

beforeAll(async () => {
  emulator = await startVlmEmulator({ tagger: tagPixelRegions, apiKey: 'sk-local-test' });
  dir = mkdtempSync(join(tmpdir(), 'tujian-vlm-'));
  photo = join(dir, 'red-square.jpg');
  // A red square on grey: the pixel tagger finds an object with a box and the colour red.
  await sharp({ create: { width: 640, height: 480, channels: 3, background: '#808080' } })
    .composite([
      {
        input: await sharp({
          create: { width: 200, height: 200, channels: 3, background: '#e02020' },
        })
          .png()
          .toBuffer(),
        left: 100,
        top: 80,
      },
    ])
    .jpeg()
    .toFile(photo);
});
afterAll(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

function settings(extra: Partial<VlmSettingsInput>): VlmSettingsInput {
  return {
    protocol: 'ollama',
    endpoint: emulator.ollamaUrl,
    model: 'emulated-vl',
    threshold: 0,
    ...extra,
  };
}

const openAi = (extra: Partial<VlmSettingsInput> = {}) =>
  settings({ protocol: 'openai', endpoint: emulator.openAiUrl, apiKey: 'sk-local-test', ...extra });

async function failure(input: VlmSettingsInput): Promise<EngineError> {
  const error: unknown = await createVlmEngine(input)
    .tag({ sourcePath: photo, contentHash: 'x' })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(error).toBeInstanceOf(EngineError);
  return error as EngineError;
}

describe(createVlmEngine.name, () => {
  for (const [protocol, make] of [
    ['ollama', () => settings({})],
    ['openai', () => openAi()],
  ] as const) {
    it(`tags a photo over the ${protocol} protocol: bilingual tags, no boxes`, async () => {
      const before = emulator.kit.calls().length;
      const answer = await createVlmEngine(make()).tag({ sourcePath: photo, contentHash: 'x' });
      expect(answer.engine).toBe('vlm');
      expect(answer.model).toBe(vlmModelName({ protocol, model: 'emulated-vl' }));
      expect(answer.tags.map((t) => t.name)).toContain('red');
      for (const tag of answer.tags) {
        expect(tag.instances).toEqual([]);
        expect(tag.i18n.zh).toMatch(/\p{Script=Han}/u);
      }
      const calls = emulator.kit.calls().slice(before);
      expect(calls.map((c) => c.route)).toEqual([
        protocol === 'ollama' ? 'ollama-chat' : 'openai-chat',
      ]);
    });
  }

  it('reads a chatty model (prose, fence, fractions, a made-up bbox, a broken item)', async () => {
    const answer = await createVlmEngine(openAi({ model: 'emulated-vl-chatty' })).tag({
      sourcePath: photo,
      contentHash: 'x',
    });
    expect(answer.tags.length).toBeGreaterThan(0);
    expect(answer.tags.every((t) => t.instances.length === 0)).toBe(true);
    expect(answer.tags.map((t) => t.name)).not.toContain('mystery');
    expect(answer.tags.every((t) => (t.confidence ?? 0) > 1)).toBe(true);
  });

  it('keeps the finished tags of a reply cut off at the token limit', async () => {
    const full = await createVlmEngine(settings({})).tag({ sourcePath: photo, contentHash: 'x' });
    const cut = await createVlmEngine(settings({ model: 'emulated-vl-cutoff' })).tag({
      sourcePath: photo,
      contentHash: 'x',
    });
    expect(full.tags.length).toBeGreaterThan(1);
    expect(cut.tags.map((t) => t.name)).toEqual(full.tags.slice(0, -1).map((t) => t.name));
  });

  it('stops the engine with what to do: model missing, no vision, bad key, nothing running', async () => {
    const missing = await failure(settings({ model: 'llava:13b' }));
    expect([missing.code, missing.errorClass]).toEqual(['model-missing', 'stop-engine']);
    expect(missing.message).toMatch(/ollama pull llava:13b/);

    for (const input of [
      settings({ model: 'emulated-text-only' }),
      openAi({ model: 'emulated-text-only' }),
    ]) {
      const blind = await failure(input);
      expect([blind.code, blind.errorClass]).toEqual(['no-vision', 'stop-engine']);
    }

    const badKey = await failure(openAi({ apiKey: 'sk-wrong' }));
    expect([badKey.code, badKey.errorClass]).toEqual(['http-401', 'stop-engine']);

    // A port nobody listens on: the server is not running.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => {
          resolve(typeof address === 'object' && address ? address.port : 0);
        });
      });
    });
    const down = await failure(settings({ endpoint: `http://127.0.0.1:${String(port)}` }));
    expect([down.code, down.errorClass]).toEqual(['server-not-running', 'stop-engine']);
    expect(down.message).toMatch(/ollama serve/);
  });

  it('retries throttling and server errors, honouring Retry-After', async () => {
    emulator.kit.setFaults({
      faults: [{ kind: 'throttle', route: 'ollama-chat', retryAfterSeconds: 7, times: 1 }],
    });
    const throttled = await failure(settings({}));
    expect([throttled.errorClass, throttled.retryAfterMs]).toEqual(['retry-later', 7000]);
    emulator.kit.setFaults({
      faults: [{ kind: 'server-error', route: 'ollama-chat', status: 502, times: 1 }],
    });
    expect((await failure(settings({}))).errorClass).toBe('retry');
    emulator.kit.clearFaults();
  });

  it('changes its settings key with the model, the server and what it is asked', () => {
    const key = (input: VlmSettingsInput) => createVlmEngine(input).settingsKey();
    const base = key(settings({}));
    expect(key(settings({}))).toBe(base);
    expect(key(settings({ model: 'emulated-vl-chatty' }))).not.toBe(base);
    expect(key(settings({ endpoint: 'http://127.0.0.1:9' }))).not.toBe(base);
    expect(key(settings({ language: 'zh' }))).not.toBe(base);
    expect(key(settings({ limit: 5 }))).not.toBe(base);
  });
});

describe(checkVlmConnection.name, () => {
  it('finds the model on the server (Ollama adds :latest) and says where the photos go', async () => {
    const ok = await checkVlmConnection(vlmSettingsSchema.parse(settings({})));
    expect(ok).toMatchObject({ ok: true });
    expect(ok.detail).toMatch(/on this machine/);
    const openAiOk = await checkVlmConnection(vlmSettingsSchema.parse(openAi()));
    expect(openAiOk.ok).toBe(true);
    const missing = await checkVlmConnection(vlmSettingsSchema.parse(settings({ model: 'llava' })));
    expect(missing.ok).toBe(false);
    expect(missing.detail).toMatch(/does not offer the model "llava"; it offers: emulated-vl/);
  });
});

describe(isLoopbackUrl.name, () => {
  it('tells this machine from others', () => {
    for (const url of ['http://127.0.0.1:11434', 'http://localhost:1234/v1', 'http://[::1]:8080'])
      expect(isLoopbackUrl(url)).toBe(true);
    for (const url of [
      'http://192.168.1.20:11434',
      'https://dashscope.aliyuncs.com/compatible-mode/v1',
      'http://127.0.0.1.nip.io',
    ])
      expect(isLoopbackUrl(url)).toBe(false);
  });
});
