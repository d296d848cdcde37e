// The Huawei emulator checked on the wire: gateway authentication (AK/SK signatures, clock
// skew, unknown AK, the 5-failure lock, tokens), the service's limits with the documented
// codes, and answers in the seed's format that follow language/threshold/limit.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendHttp, type HttpAnswer } from '../../../main/engines/huawei/huawei-http.ts';
import { signHuaweiRequest } from '../../../main/engines/huawei/huawei-signer.ts';
import {
  huaweiEmulatorBanner,
  startHuaweiEmulator,
  type HuaweiEmulator,
} from '../../../main/emulators/huawei/huawei-emulator.ts';
import { huaweiSettingsSchema } from '../../../main/engines/huawei/huawei-settings.ts';
import { emulatorControl } from '../../../main/emulators/emulator-kit.ts';

let emulator: HuaweiEmulator;

beforeAll(async () => {
  emulator = await startHuaweiEmulator({ tagger: 'pixels' });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.clearFaults();
  emulator.clearCalls();
});

/** A white picture with a red rectangle at a known place. */
async function redRectangle(width = 400, height = 300): Promise<Buffer> {
  const rect = await sharp({
    create: { width: width / 4, height: height / 5, channels: 3, background: '#ff0000' },
  })
    .png()
    .toBuffer();
  return sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite([{ input: rect, left: width / 8, top: (height * 2) / 5 }])
    .png()
    .toBuffer();
}

function taggingUrl(projectId = emulator.credentials.projectId): string {
  return `${emulator.baseUrl}/v2/${projectId}/image/tagging`;
}

async function signedPost(
  body: unknown,
  options: { sk?: string; ak?: string; date?: Date; url?: string; raw?: string } = {},
): Promise<HttpAnswer & { json: Record<string, unknown> }> {
  const text = options.raw ?? JSON.stringify(body);
  const signed = signHuaweiRequest(
    {
      method: 'POST',
      url: options.url ?? taggingUrl(),
      headers: { 'content-type': 'application/json' },
      body: text,
      ...(options.date ? { date: options.date } : {}),
    },
    { ak: options.ak ?? emulator.credentials.ak, sk: options.sk ?? emulator.credentials.sk },
  );
  const answer = await sendHttp({
    method: 'POST',
    url: options.url ?? taggingUrl(),
    headers: signed.headers,
    body: Buffer.from(text),
    timeoutMs: 10_000,
  });
  return { ...answer, json: JSON.parse(answer.body.toString('utf8')) as Record<string, unknown> };
}

async function tokenPost(
  body: unknown,
  token: string,
): Promise<HttpAnswer & { json: Record<string, unknown> }> {
  const answer = await sendHttp({
    method: 'POST',
    url: taggingUrl(),
    headers: { 'content-type': 'application/json', 'x-auth-token': token },
    body: Buffer.from(JSON.stringify(body)),
    timeoutMs: 10_000,
  });
  return { ...answer, json: JSON.parse(answer.body.toString('utf8')) as Record<string, unknown> };
}

async function getToken(password = emulator.credentials.password): Promise<HttpAnswer> {
  const c = emulator.credentials;
  return sendHttp({
    method: 'POST',
    url: `${emulator.baseUrl}/v3/auth/tokens`,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(
      JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: c.user, password, domain: { name: c.domain } } },
          },
          scope: { project: { name: c.project } },
        },
      }),
    ),
    timeoutMs: 10_000,
  });
}

describe(startHuaweiEmulator.name, () => {
  describe('AK/SK gateway', () => {
    it('accepts a correct signature and answers in the seed format', async () => {
      const image = (await redRectangle()).toString('base64');
      const res = await signedPost({ image, language: 'en', threshold: 0, limit: 10 });
      expect(res.status).toBe(200);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
      const tags = (res.json as { result: { tags: Record<string, unknown>[] } }).result.tags;
      const object = tags.find((t) => t.type === 'object');
      expect(object).toMatchObject({
        tag: 'Foreground object',
        i18n_tag: { zh: '前景物体', en: 'Foreground object' },
        i18n_type: { en: 'Object' },
      });
      expect(typeof object?.confidence).toBe('string');
      const box = (object?.instances as { bounding_box: Record<string, number> }[])[0]
        ?.bounding_box;
      // Pixels of the image received: the rectangle is at (50,120) size 100×60.
      expect(box?.top_left_x).toBeCloseTo(50, -1);
      expect(box?.top_left_y).toBeCloseTo(120, -1);
      expect(box?.width).toBeCloseTo(100, -1);
      expect(box?.height).toBeCloseTo(60, -1);
      expect(emulator.calls()[0]).toMatchObject({
        outcome: 'ok',
        paid: true,
        key: emulator.credentials.ak,
      });
    });

    it('answers APIG.0301 echoing its canonical request with | for newlines', async () => {
      const res = await signedPost({ url: 'http://127.0.0.1/x.jpg' }, { sk: 'not-the-secret' });
      expect(res.status).toBe(401);
      expect(res.json.error_code).toBe('APIG.0301');
      const msg = String(res.json.error_msg);
      expect(msg).toContain('verify aksk signature fail, canonicalRequest:POST|/v2/');
      expect(msg).toContain('/image/tagging/||content-type:application/json|host:127.0.0.1:');
      expect(msg).toContain('|content-type;host;x-sdk-date|');
      expect(res.json.request_id).toBeTypeOf('string');
    });

    it('refuses a body changed after signing', async () => {
      const signed = signHuaweiRequest(
        { method: 'POST', url: taggingUrl(), headers: {}, body: '{"url":"a"}' },
        emulator.credentials,
      );
      const res = await sendHttp({
        method: 'POST',
        url: taggingUrl(),
        headers: signed.headers,
        body: Buffer.from('{"url":"b"}'),
        timeoutMs: 5000,
      });
      expect(res.status).toBe(401);
      expect(res.body.toString()).toContain('verify aksk signature fail');
    });

    it('refuses an unknown AK and a clock more than 15 minutes off', async () => {
      const unknown = await signedPost({}, { ak: 'NOSUCHAK000000000000' });
      expect(unknown.json).toMatchObject({ error_code: 'APIG.0301' });
      expect(String(unknown.json.error_msg)).toContain('ak not exist');
      const skewed = await signedPost({}, { date: new Date(Date.now() - 16 * 60 * 1000) });
      expect(skewed.json.error_code).toBe('APIG.0303');
      const nearly = await signedPost({}, { date: new Date(Date.now() - 14 * 60 * 1000) });
      expect(nearly.json.error_code).not.toBe('APIG.0303');
    });

    it('locks the AK for 5 minutes after 5 consecutive signature failures', async () => {
      const locking = await startHuaweiEmulator({ tagger: 'pixels' });
      try {
        const post = async (sk: string) => {
          const text = '{"url":"http://127.0.0.1:1/x.jpg"}';
          const url = `${locking.baseUrl}/v2/${locking.credentials.projectId}/image/tagging`;
          const signed = signHuaweiRequest(
            { method: 'POST', url, headers: { 'content-type': 'application/json' }, body: text },
            { ak: locking.credentials.ak, sk },
          );
          const res = await sendHttp({
            method: 'POST',
            url,
            headers: signed.headers,
            body: Buffer.from(text),
            timeoutMs: 5000,
          });
          return { status: res.status, msg: res.body.toString() };
        };
        for (let i = 0; i < 5; i++) expect((await post('wrong')).msg).toContain('verify aksk');
        const locked = await post(locking.credentials.sk);
        expect(locked.status).toBe(401);
        expect(locked.msg).toContain('locked');
        locking.advanceClock(5 * 60 * 1000 + 1000);
        // Past the lock the right key works again (the URL download then fails: 4603).
        expect((await post(locking.credentials.sk)).msg).toContain('ModelArts.4603');
      } finally {
        await locking.close();
      }
    });

    it('answers APIG.0101 for an unknown path and APIG.0201 for a body over 12 MB', async () => {
      const res = await signedPost({}, { url: `${emulator.baseUrl}/v1/nothing` });
      expect(res.status).toBe(404);
      expect(res.json.error_code).toBe('APIG.0101');
      const big = await sendHttp({
        method: 'POST',
        url: taggingUrl(),
        headers: {},
        body: Buffer.alloc(13 * 1024 * 1024, 0x41),
        timeoutMs: 10_000,
      });
      expect(big.status).toBe(413);
      expect(big.body.toString()).toContain('APIG.0201');
    });
  });

  describe('IAM tokens', () => {
    it('issues a token in X-Subject-Token with 201 and accepts it', async () => {
      const res = await getToken();
      expect(res.status).toBe(201);
      const token = res.headers['x-subject-token'] ?? '';
      expect(token).not.toBe('');
      const body = JSON.parse(res.body.toString()) as { token: { expires_at: string } };
      expect(Date.parse(body.token.expires_at) - Date.now()).toBeGreaterThan(23.9 * 3600_000);
      const tagged = await tokenPost({ image: (await redRectangle()).toString('base64') }, token);
      expect(tagged.status).toBe(200);
    });

    it('refuses a wrong password with IAM 401', async () => {
      const res = await getToken('wrong password');
      expect(res.status).toBe(401);
      expect(res.headers['x-subject-token']).toBeUndefined();
    });

    it('answers decrypt token fail for a forged token and token expires after 24 h', async () => {
      const res = await getToken();
      const token = res.headers['x-subject-token'] ?? '';
      const forged = await tokenPost({ url: 'x' }, `${token.slice(0, -2)}xx`);
      expect(forged.json).toMatchObject({ error_code: 'APIG.0301' });
      expect(String(forged.json.error_msg)).toContain('decrypt token fail');
      emulator.advanceClock(24 * 3600_000 + 1000);
      try {
        const expired = await tokenPost({ url: 'x' }, token);
        expect(expired.json).toMatchObject({ error_code: 'APIG.0301' });
        expect(String(expired.json.error_msg)).toContain('token expires');
      } finally {
        emulator.advanceClock(-(24 * 3600_000 + 1000));
      }
    });
  });

  describe('service limits', () => {
    it('answers AIS.0014 for bad JSON and AIS.0011 when neither image nor url is given', async () => {
      expect((await signedPost(null, { raw: '{"image":' })).json.error_code).toBe('AIS.0014');
      expect((await signedPost({ image: '', url: '' })).json.error_code).toBe('AIS.0011');
    });

    it('is as strict as the service: unknown fields, image with url, a body not sent as JSON', async () => {
      const unknown = await signedPost({ image: 'AAAA', colour: 'red' });
      expect([unknown.status, unknown.json.error_code]).toEqual([400, 'AIS.0012']);
      const both = await signedPost({ image: 'AAAA', url: 'https://example.com/a.jpg' });
      expect([both.status, both.json.error_code]).toEqual([400, 'AIS.0501']);
      const token = (await getToken()).headers['x-subject-token'];
      const plain = await sendHttp({
        method: 'POST',
        url: taggingUrl(),
        headers: { 'content-type': 'text/plain', 'x-auth-token': String(token) },
        body: Buffer.from(JSON.stringify({ image: 'AAAA' })),
        timeoutMs: 10_000,
      });
      expect(plain.status).toBe(400);
      expect(JSON.parse(plain.body.toString('utf8'))).toMatchObject({ error_code: 'AIS.0014' });
    });

    it.each([
      [{ language: 'fr' }],
      [{ threshold: 101 }],
      [{ threshold: '60' }],
      [{ limit: 0 }],
      [{ limit: 151 }],
      [{ limit: 2.5 }],
    ])('answers AIS.0501 for %j', async (params) => {
      const res = await signedPost({ image: 'AAAA', ...params });
      expect(res.status).toBe(400);
      expect(res.json.error_code).toBe('AIS.0501');
    });

    it('answers AIS.0502 for an unsupported format, AIS.0503 for a damaged image', async () => {
      const gif = await sharp({
        create: { width: 20, height: 20, channels: 3, background: '#000' },
      })
        .gif()
        .toBuffer();
      expect((await signedPost({ image: gif.toString('base64') })).json.error_code).toBe(
        'AIS.0502',
      );
      const jpeg = await sharp({
        create: { width: 64, height: 64, channels: 3, background: '#0f0' },
      })
        .jpeg()
        .toBuffer();
      const truncated = jpeg.subarray(0, Math.floor(jpeg.length / 2));
      expect((await signedPost({ image: truncated.toString('base64') })).json.error_code).toBe(
        'AIS.0503',
      );
      expect((await signedPost({ image: '@@@@' })).json.error_code).toBe('AIS.0015');
    });

    it('answers AIS.0504 for sides out of 15–4096 px and base64 over 10 MB', async () => {
      const make = (width: number, height: number) =>
        sharp({ create: { width, height, channels: 3, background: '#888' } })
          .png()
          .toBuffer();
      expect(
        (await signedPost({ image: (await make(14, 100)).toString('base64') })).json.error_code,
      ).toBe('AIS.0504');
      expect(
        (await signedPost({ image: (await make(4097, 20)).toString('base64') })).json.error_code,
      ).toBe('AIS.0504');
      const ok = await signedPost({ image: (await make(15, 4096)).toString('base64') });
      expect(ok.status).toBe(200);
      const huge = 'A'.repeat(10 * 1024 * 1024 + 4);
      expect((await signedPost({ image: huge })).json.error_code).toBe('AIS.0504');
    });

    it('follows threshold, limit and language, with string confidences', async () => {
      const image = (await redRectangle()).toString('base64');
      const all = await signedPost({ image, threshold: 0, language: 'zh' });
      const tags = (all.json as { result: { tags: { tag: string; confidence: string }[] } }).result
        .tags;
      expect(tags.length).toBeGreaterThanOrEqual(2);
      expect(tags.map((t) => t.tag)).toContain('红色');
      for (const t of tags) expect(t.confidence).toMatch(/^\d+\.\d\d$/);
      const confidences = tags.map((t) => Number(t.confidence));
      expect([...confidences].sort((a, b) => b - a)).toEqual(confidences);
      const one = await signedPost({ image, threshold: 0, limit: 1 });
      expect((one.json as { result: { tags: unknown[] } }).result.tags).toHaveLength(1);
      const lowest = Math.min(...confidences);
      const above = await signedPost({ image, threshold: lowest + 0.01 });
      expect((above.json as { result: { tags: unknown[] } }).result.tags).toHaveLength(
        tags.length - 1,
      );
    });

    it('downloads url images and reports failed downloads as ModelArts.4603', async () => {
      const png = await redRectangle();
      const server: Server = createServer((req, res) => {
        if (req.url === '/a.png') res.end(png);
        else {
          res.statusCode = 404;
          res.end();
        }
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
      try {
        const ok = await signedPost({ url: `${base}/a.png`, threshold: 0 });
        expect(ok.status).toBe(200);
        const missing = await signedPost({ url: `${base}/missing.png` });
        expect(missing.json.error_code).toBe('ModelArts.4603');
        expect((await signedPost({ url: 'ftp://x/y' })).json.error_code).toBe('ModelArts.4601');
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it('answers ModelArts.4204 when the service is not subscribed', async () => {
      emulator.setSubscribed(false);
      try {
        expect((await signedPost({ url: 'x' })).json.error_code).toBe('ModelArts.4204');
      } finally {
        emulator.setSubscribed(true);
      }
    });
  });

  describe('banner and control API', () => {
    it('prints settings that the engine schema accepts, and answers the control API', async () => {
      const banner = huaweiEmulatorBanner(emulator);
      expect(JSON.parse(JSON.stringify(banner))).toEqual(banner);
      expect(huaweiSettingsSchema.safeParse(banner.settings.aksk).success).toBe(true);
      expect(huaweiSettingsSchema.safeParse(banner.settings.token).success).toBe(true);
      const control = emulatorControl(banner.baseUrl);
      expect(await control.info()).toMatchObject({
        name: 'huawei',
        info: { credentials: { ak: emulator.credentials.ak } },
      });
      await control.setFaults({ faults: [{ kind: 'server-error', status: 504, times: 1 }] });
      expect((await signedPost({ url: 'x' })).json.error_code).toBe('APIG.0203');
    });
  });

  describe('faults', () => {
    it('throttles with APIG.0308 and Retry-After, and limits QPS per AK', async () => {
      emulator.addFault({ kind: 'throttle', retryAfterSeconds: 2, times: 1 });
      const res = await signedPost({ url: 'x' });
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBe('2');
      expect(res.json.error_code).toBe('APIG.0308');
      emulator.setFaults({ qpsPerKey: 1 });
      await signedPost({ image: 'AAAA' });
      const second = await signedPost({ image: 'AAAA' });
      expect(second.json.error_code).toBe('APIG.0308');
    });

    it('wraps injected server errors in the gateway envelope', async () => {
      emulator.addFault({ kind: 'server-error', status: 502, times: 1 });
      const res = await signedPost({ url: 'x' });
      expect(res.status).toBe(502);
      expect(res.json.error_code).toBe('APIG.0202');
    });
  });
});
