import { Service } from '@volcengine/openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signVolcengineRequest } from '../../../main/engines/volcengine/volcengine-signer.ts';
import { startS3rver, type S3Fixture } from '../../engines/hosting/s3rver-fixture.ts';
import { createS3ImageHost } from '../../../main/engines/hosting/image-hosting.ts';
import { colourTagger, solidJpeg } from './colour-tagger.ts';
import {
  startVolcengineEmulator,
  type VolcengineEmulator,
} from '../../../main/emulators/volcengine/volcengine-emulator.ts';

const reqKey = 'jimeng_realman_avatar_picture_create_role_omni_v15';

describe(startVolcengineEmulator.name, () => {
  let emulator: VolcengineEmulator;
  let s3: S3Fixture;
  let redUrl: string;
  let blueUrl: string;
  // The emulator's clock moves only when a test moves it, so the states seen do not depend on
  // how fast this machine is.
  let clock = Date.now();

  beforeAll(async () => {
    emulator = await startVolcengineEmulator({
      tagger: colourTagger,
      queueMs: 100,
      generateMs: 100,
      now: () => clock,
    });
    s3 = await startS3rver();
    const host = createS3ImageHost(s3.settings);
    const put = async (colour: { r: number; g: number; b: number }) =>
      (
        await host.put(
          { data: await solidJpeg(640, 480, colour), format: 'jpeg', width: 640, height: 480 },
          'f'.repeat(64),
        )
      ).url;
    redUrl = await put({ r: 220, g: 30, b: 30 });
    blueUrl = await put({ r: 20, g: 40, b: 220 });
    host.close?.();
  });
  afterAll(async () => {
    await emulator.close();
    await s3.close();
  });

  function sdk(secretKey = emulator.credentials.secretAccessKey) {
    return new Service({
      host: emulator.host,
      protocol: 'http:',
      serviceName: 'cv',
      region: 'cn-north-1',
      defaultVersion: '2022-08-31',
      accessKeyId: emulator.credentials.accessKeyId,
      secretKey,
    });
  }

  async function pollUntilDone(service: Service, taskId: string): Promise<Record<string, unknown>> {
    const getResult = service.createJSONAPI('CVGetResult');
    const seen: string[] = [];
    for (let i = 0; i < 100; i++) {
      const answer = (await getResult({ req_key: reqKey, task_id: taskId })) as unknown as {
        code: number;
        data: { status: string; resp_data?: string } | null;
      };
      expect(answer.code).toBe(10000);
      const status = answer.data?.status ?? '';
      if (seen.at(-1) !== status) seen.push(status);
      if (status === 'done') return { ...answer.data, seen };
      clock += 40;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('never done');
  }

  it('accepts the official Node SDK unchanged (signing x-content-sha256;x-date only)', async () => {
    const service = sdk();
    const submitted = (await service.createJSONAPI('CVSubmitTask')({
      req_key: reqKey,
      image_url: redUrl,
    })) as unknown as { code: number; data: { task_id: string }; message: string };
    expect(submitted.code).toBe(10000);
    expect(submitted.data.task_id).toMatch(/^\d{19}$/);
    const done = await pollUntilDone(service, submitted.data.task_id);
    expect(done.seen).toEqual(['in_queue', 'generating', 'done']);
    expect(JSON.parse(done.resp_data as string)).toEqual({ status: 1 });

    const blue = (await service.createJSONAPI('CVSubmitTask')({
      req_key: reqKey,
      image_url: blueUrl,
    })) as unknown as { data: { task_id: string } };
    const blueDone = await pollUntilDone(service, blue.data.task_id);
    expect(JSON.parse(blueDone.resp_data as string)).toEqual({ status: 0 });

    // Charged once per task, when the answer is first delivered.
    const paid = emulator.kit.calls().filter((c) => c.paid);
    expect(paid.map((c) => c.route)).toEqual(['CVGetResult', 'CVGetResult']);
  });

  it('answers a wrong secret with SignatureDoesNotMatch (CodeN 100010), which the SDK resolves', async () => {
    const answer = (await sdk('wrong-secret').createJSONAPI('CVSubmitTask')({
      req_key: reqKey,
      image_url: redUrl,
    })) as unknown as { ResponseMetadata: { Error: { Code: string; CodeN: number } } };
    expect(answer.ResponseMetadata.Error).toMatchObject({
      Code: 'SignatureDoesNotMatch',
      CodeN: 100010,
    });
  });

  async function rawCall(
    mutate: (
      headers: Record<string, string>,
      body: string,
    ) => { headers: Record<string, string>; body: string },
    options: { date?: Date; accessKeyId?: string; action?: string } = {},
  ) {
    const url = new URL(
      `/?Action=${options.action ?? 'CVSubmitTask'}&Version=2022-08-31`,
      emulator.baseUrl,
    );
    const body = JSON.stringify({ req_key: reqKey, image_url: redUrl });
    const signed = signVolcengineRequest({
      method: 'POST',
      url,
      body,
      headers: { 'content-type': 'application/json' },
      accessKeyId: options.accessKeyId ?? emulator.credentials.accessKeyId,
      secretAccessKey: emulator.credentials.secretAccessKey,
      region: 'cn-north-1',
      service: 'cv',
      date: options.date ?? new Date(),
    });
    const sent = mutate({ ...signed.headers }, body);
    const res = await fetch(url, { method: 'POST', headers: sent.headers, body: sent.body });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  const errorOf = (json: Record<string, unknown>) =>
    (json.ResponseMetadata as { Error: { Code: string; CodeN?: number } }).Error;

  it('verifies like the gateway: body hash, signed bytes, key, clock, headers', async () => {
    const ok = await rawCall((h, b) => ({ headers: h, body: b }));
    expect(ok.status).toBe(200);

    // The signature was made for other bytes (volc-sdk-nodejs#7).
    const otherBody = await rawCall((h, b) => ({ headers: h, body: b.replace('}', ' }') }));
    expect(otherBody.status).toBe(401);
    expect(errorOf(otherBody.json)).toMatchObject({ Code: 'SignatureDoesNotMatch', CodeN: 100010 });

    // A tampered signed header.
    const tampered = await rawCall((h, b) => ({
      headers: { ...h, 'content-type': 'text/plain' },
      body: b,
    }));
    expect(errorOf(tampered.json).Code).toBe('SignatureDoesNotMatch');

    const unknownKey = await rawCall((h, b) => ({ headers: h, body: b }), {
      accessKeyId: 'AKLTnobody',
    });
    expect(unknownKey.status).toBe(401);
    expect(errorOf(unknownKey.json)).toMatchObject({ Code: 'InvalidAccessKey', CodeN: 100009 });

    const skewed = await rawCall((h, b) => ({ headers: h, body: b }), {
      date: new Date(Date.now() - 20 * 60_000),
    });
    expect(errorOf(skewed.json)).toMatchObject({ Code: 'InvalidTimestamp', CodeN: 100006 });

    const noDate = await rawCall((h, b) => {
      const { 'x-date': _drop, ...rest } = h;
      return { headers: rest, body: b };
    });
    expect(errorOf(noDate.json)).toMatchObject({ Code: 'MissingRequestInfo', CodeN: 100004 });

    const noAuth = await rawCall((h, b) => {
      const { authorization: _drop, ...rest } = h;
      return { headers: rest, body: b };
    });
    expect(noAuth.status).toBe(401);
    expect(errorOf(noAuth.json).Code).toBe('MissingAuthenticationToken');

    const badAction = await rawCall((h, b) => ({ headers: h, body: b }), { action: 'CVNope' });
    expect(badAction.status).toBe(404);
    expect(errorOf(badAction.json)).toMatchObject({
      Code: 'InvalidActionOrVersion',
      CodeN: 100008,
    });
  });

  it('checks req_key at CVGetResult as at CVSubmitTask (50400 for a service not granted)', async () => {
    const answer = (await sdk().createJSONAPI('CVGetResult')({
      req_key: 'some_other_service',
      task_id: '7000000000000000001',
    })) as unknown as { code: number };
    expect(answer.code).toBe(50400);
  });

  it.each([50411, 50412, 50413, 50511, 50512] as const)(
    'can be made to fail a task with the seed code %i at CVGetResult',
    async (code) => {
      const service = sdk();
      emulator.failNextTasks(code);
      const submitted = (await service.createJSONAPI('CVSubmitTask')({
        req_key: reqKey,
        image_url: redUrl,
      })) as unknown as { data: { task_id: string } };
      await emulator.settled();
      clock += 1000;
      const answer = (await service.createJSONAPI('CVGetResult')({
        req_key: reqKey,
        task_id: submitted.data.task_id,
      })) as unknown as { code: number; data: unknown };
      expect(answer).toMatchObject({ code, data: null });
    },
  );

  it('answers not_found for an unknown task and expired after the configured time', async () => {
    const service = sdk();
    const unknown = (await service.createJSONAPI('CVGetResult')({
      req_key: reqKey,
      task_id: '7000000000000000001',
    })) as unknown as { code: number; data: { status: string } };
    expect(unknown).toMatchObject({ code: 10000, data: { status: 'not_found' } });

    let shortClock = Date.now();
    const short = await startVolcengineEmulator({
      tagger: colourTagger,
      queueMs: 0,
      generateMs: 0,
      expireAfterMs: 60_000,
      forgetAfterMs: 120_000,
      now: () => shortClock,
    });
    try {
      const s = new Service({
        host: short.host,
        protocol: 'http:',
        serviceName: 'cv',
        region: 'cn-north-1',
        accessKeyId: short.credentials.accessKeyId,
        secretKey: short.credentials.secretAccessKey,
      });
      const submitted = (await s.createJSONAPI('CVSubmitTask', { Version: '2022-08-31' })({
        req_key: reqKey,
        image_url: redUrl,
      })) as unknown as { data: { task_id: string } };
      await short.settled();
      const get = s.createJSONAPI('CVGetResult', { Version: '2022-08-31' });
      const status = async () =>
        (
          (await get({ req_key: reqKey, task_id: submitted.data.task_id })) as unknown as {
            data: { status: string };
          }
        ).data.status;
      expect(await status()).toBe('done');
      shortClock += 61_000;
      expect(await status()).toBe('expired');
      shortClock += 60_000;
      expect(await status()).toBe('not_found');
    } finally {
      await short.close();
    }
  });

  it('answers done with code 50215 when the image cannot be downloaded or is too small', async () => {
    const service = sdk();
    const submit = service.createJSONAPI('CVSubmitTask');
    const get = service.createJSONAPI('CVGetResult');
    const gone = (await submit({
      req_key: reqKey,
      image_url: `${s3.settings.endpoint}/${s3.settings.bucket}/missing.jpg`,
    })) as unknown as { data: { task_id: string } };
    await emulator.settled();
    clock += 1000;
    const answer = (await get({ req_key: reqKey, task_id: gone.data.task_id })) as unknown as {
      code: number;
      data: unknown;
      message: string;
    };
    expect(answer.code).toBe(50215);
    expect(answer.data).toBeNull();
    expect(answer.message).toContain('download failed');
  });
});
