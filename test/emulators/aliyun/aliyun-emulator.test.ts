import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { receiveAliyunCallback } from '../../../main/engines/aliyun/aliyun-callback.ts';
import { signAliyunRequest } from '../../../main/engines/aliyun/aliyun-signer.ts';
import { createS3ImageHost } from '../../../main/engines/hosting/image-hosting.ts';
import { startS3rver, type S3Fixture } from '../../engines/hosting/s3rver-fixture.ts';
import { colourTagger, solidJpeg } from '../volcengine/colour-tagger.ts';
import {
  startAliyunEmulator,
  type AliyunEmulator,
} from '../../../main/emulators/aliyun/aliyun-emulator.ts';

// pop-core's bundled typings describe only RPCClient; this is the ROAClient surface we call.
interface RoaClient {
  post(
    path: string,
    query: Record<string, string>,
    body: string,
    headers: Record<string, string>,
  ): Promise<unknown>;
}
type RoaClientClass = new (config: {
  endpoint: string;
  apiVersion: string;
  accessKeyId: string;
  accessKeySecret: string;
}) => RoaClient;
const popCore = createRequire(import.meta.url)('@alicloud/pop-core') as {
  ROAClient: RoaClientClass;
};
const ROAClient = popCore.ROAClient;

interface TaskAnswer {
  code: number;
  msg: string;
  taskId: string;
  dataId?: string;
  results?: { scene: string; label: string; rate: number; suggestion: string }[];
}
interface Envelope {
  code: number;
  data: TaskAnswer[];
}

describe(startAliyunEmulator.name, () => {
  let emulator: AliyunEmulator;
  let s3: S3Fixture;
  let redUrl: string;
  let greenUrl: string;
  let clock = Date.now();

  beforeAll(async () => {
    emulator = await startAliyunEmulator({
      tagger: colourTagger,
      processingMs: 100,
      resultTtlMs: 3_600_000,
      now: () => clock,
    });
    s3 = await startS3rver();
    const host = createS3ImageHost(s3.settings);
    const put = async (colour: { r: number; g: number; b: number }) =>
      (
        await host.put(
          { data: await solidJpeg(512, 512, colour), format: 'jpeg', width: 512, height: 512 },
          'e'.repeat(64),
        )
      ).url;
    redUrl = await put({ r: 230, g: 20, b: 20 });
    greenUrl = await put({ r: 20, g: 220, b: 30 });
    host.close?.();
  });
  afterAll(async () => {
    await emulator.close();
    await s3.close();
  });
  beforeEach(() => {
    emulator.kit.setFaults({ faults: [] });
  });

  function sdk(secret = emulator.credentials.accessKeySecret) {
    return new ROAClient({
      endpoint: emulator.baseUrl,
      apiVersion: '2018-05-09',
      accessKeyId: emulator.credentials.accessKeyId,
      accessKeySecret: secret,
    });
  }
  const json = { 'Content-Type': 'application/json' };

  it('accepts the official pop-core ROAClient unchanged, clientInfo query included', async () => {
    const client = sdk();
    const submitted = (await client.post(
      '/green/image/asyncscan',
      { clientInfo: '{"ip":"127.0.0.1"}' },
      JSON.stringify({
        scenes: ['tag', 'porn'],
        tasks: [
          { dataId: 'red-1', url: redUrl },
          { dataId: 'green-1', url: greenUrl },
        ],
      }),
      json,
    )) as Envelope;
    expect(submitted.code).toBe(200);
    expect(submitted.data.map((d) => [d.code, d.dataId])).toEqual([
      [200, 'red-1'],
      [200, 'green-1'],
    ]);
    const ids = submitted.data.map((d) => d.taskId);
    const poll = async () =>
      (await client.post(
        '/green/image/results',
        { clientInfo: '{"ip":"127.0.0.1"}' },
        JSON.stringify(ids),
        json,
      )) as Envelope;
    expect((await poll()).data.map((d) => d.code)).toEqual([280, 280]);
    await emulator.settled();
    clock += 200;
    const done = await poll();
    expect(done.data.map((d) => d.code)).toEqual([200, 200]);
    expect(done.data[0]?.results).toEqual([
      { scene: 'tag', label: 'person', suggestion: 'pass', rate: expect.any(Number) as number },
      { scene: 'porn', label: 'normal', suggestion: 'pass', rate: 99.9 },
    ]);
    expect(done.data[1]?.results?.[0]).toMatchObject({ scene: 'tag', label: 'dog' });
  });

  it('answers a wrong secret with the POP SignatureDoesNotMatch envelope (pop-core throws it)', async () => {
    const error = (await sdk('wrong')
      .post('/green/image/results', {}, '["x"]', json)
      .catch((e: unknown) => e)) as {
      code: string;
      statusCode: number;
      result: { Message: string };
    };
    expect(error.code).toBe('SignatureDoesNotMatch');
    expect(error.statusCode).toBe(400);
    expect(error.result.Message).toContain('server string to sign is:POST\napplication/json\n');
  });

  async function raw(
    mutate: (h: Record<string, string>) => Record<string, string>,
    options: { body?: string; sentBody?: string; date?: Date } = {},
  ) {
    const body = options.body ?? '["img-unknown"]';
    const signed = signAliyunRequest({
      method: 'POST',
      path: '/green/image/results',
      body,
      accessKeyId: emulator.credentials.accessKeyId,
      accessKeySecret: emulator.credentials.accessKeySecret,
      date: options.date ?? new Date(clock),
    });
    const res = await fetch(`${emulator.baseUrl}/green/image/results`, {
      method: 'POST',
      headers: mutate({ ...signed.headers }),
      body: options.sentBody ?? body,
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  it('checks Content-MD5, the Date window, nonce reuse, the key and x-acs-version', async () => {
    const ok = await raw((h) => h);
    expect(ok.status).toBe(200);
    expect(ok.json.data).toEqual([{ code: 594, msg: 'EXPIRED', taskId: 'img-unknown' }]);

    const otherBytes = await raw((h) => h, { sentBody: '["img-other"]' });
    expect(otherBytes.json.Code).toBe('SignatureDoesNotMatch');

    const stale = await raw((h) => h, { date: new Date(clock - 16 * 60_000) });
    expect(stale.json.Code).toBe('InvalidTimeStamp.Expired');

    const fixedNonce = (h: Record<string, string>) => ({
      ...h,
      'x-acs-signature-nonce': 'fixed-nonce',
    });
    // The nonce is signed, so re-sign with a fixed one through the signer instead.
    const signedOnce = signAliyunRequest({
      method: 'POST',
      path: '/green/image/results',
      body: '["a"]',
      accessKeyId: emulator.credentials.accessKeyId,
      accessKeySecret: emulator.credentials.accessKeySecret,
      date: new Date(clock),
      nonce: 'nonce-used-twice',
    });
    const send = () =>
      fetch(`${emulator.baseUrl}/green/image/results`, {
        method: 'POST',
        headers: signedOnce.headers,
        body: '["a"]',
      }).then(async (r) => (await r.json()) as Record<string, unknown>);
    expect((await send()).code).toBe(200);
    expect((await send()).Code).toBe('SignatureNonceUsed');
    expect((await raw(fixedNonce)).json.Code).toBe('SignatureDoesNotMatch');

    const unknownKey = await raw((h) => ({
      ...h,
      authorization: h.authorization?.replace(emulator.credentials.accessKeyId, 'LTAInobody') ?? '',
    }));
    expect(unknownKey.json.Code).toBe('InvalidAccessKeyId.NotFound');

    const oldVersion = await raw((h) => ({ ...h, 'x-acs-version': '2017-01-12' }));
    expect(oldVersion.json.Code).toBe('InvalidAction.NotFound');
  });

  it('refuses bad bodies, unknown scenes and a callback without seed with code 400', async () => {
    const client = sdk();
    const post = (body: unknown) =>
      client
        .post('/green/image/asyncscan', {}, JSON.stringify(body), json)
        .catch((e: unknown) => (e as { result: unknown }).result) as Promise<Envelope>;
    expect((await post({ scenes: [], tasks: [{ url: redUrl }] })).code).toBe(400);
    expect((await post({ scenes: ['nudity'], tasks: [{ url: redUrl }] })).code).toBe(400);
    expect((await post({ scenes: ['tag'], tasks: [] })).code).toBe(400);
    // Seed 002: the dataIds of one request must be distinct.
    const twice = [
      { dataId: 'same', url: redUrl },
      { dataId: 'same', url: redUrl },
    ];
    expect((await post({ scenes: ['tag'], tasks: twice })).code).toBe(400);
    expect(
      (await post({ scenes: ['tag'], tasks: [{ url: redUrl }], callback: 'http://x/cb' })).code,
    ).toBe(400);
    const perTask = await post({ scenes: ['tag'], tasks: [{ dataId: 'ftp', url: 'ftp://x/y' }] });
    expect(perTask.code).toBe(200);
    expect(perTask.data[0]).toMatchObject({ code: 400, dataId: 'ftp' });
  });

  it('answers 592 after the 3 s download limit, 589 above 20 MB and 590 for other formats', async () => {
    // A slow image server: headers at once, the body never finishes within the limit.
    const slow: Server = createServer((req, res) => {
      if (req.url === '/slow.jpg') {
        res.writeHead(200, { 'content-type': 'image/jpeg' });
        res.write(Buffer.alloc(100));
        return; // never ends
      }
      if (req.url === '/big.jpg') {
        res.writeHead(200, {
          'content-type': 'image/jpeg',
          'content-length': String(21 * 1024 * 1024),
        });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'image/svg+xml' });
      res.end('<svg xmlns="http://www.w3.org/2000/svg" width="300" height="300"/>');
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${String((slow.address() as AddressInfo).port)}`;
    const fast = await startAliyunEmulator({
      tagger: colourTagger,
      processingMs: 0,
      downloadTimeoutMs: 300,
    });
    try {
      const client = new ROAClient({
        endpoint: fast.baseUrl,
        apiVersion: '2018-05-09',
        accessKeyId: fast.credentials.accessKeyId,
        accessKeySecret: fast.credentials.accessKeySecret,
      });
      const submitted = (await client.post(
        '/green/image/asyncscan',
        {},
        JSON.stringify({
          scenes: ['tag'],
          tasks: [
            { url: `${base}/slow.jpg` },
            { url: `${base}/big.jpg` },
            { url: `${base}/x.svg` },
          ],
        }),
        json,
      )) as Envelope;
      await fast.settled();
      const answer = (await client.post(
        '/green/image/results',
        {},
        JSON.stringify(submitted.data.map((d) => d.taskId)),
        json,
      )) as Envelope;
      expect(answer.data.map((d) => d.code)).toEqual([592, 589, 590]);
    } finally {
      await fast.close();
      slow.closeAllConnections();
      await new Promise((r) => slow.close(r));
    }
  });

  it('answers 594 once the results are older than they are kept', async () => {
    // Its own emulator with results kept 1 s: moving a shared clock an hour would also
    // push the SDK's real Date header out of the gateway's window.
    const brief = await startAliyunEmulator({
      tagger: colourTagger,
      processingMs: 0,
      resultTtlMs: 1000,
    });
    try {
      const client = new ROAClient({
        endpoint: brief.baseUrl,
        apiVersion: '2018-05-09',
        accessKeyId: brief.credentials.accessKeyId,
        accessKeySecret: brief.credentials.accessKeySecret,
      });
      const submitted = (await client.post(
        '/green/image/asyncscan',
        {},
        JSON.stringify({ scenes: ['tag'], tasks: [{ url: redUrl }] }),
        json,
      )) as Envelope;
      const poll = async () =>
        (
          (await client.post(
            '/green/image/results',
            {},
            JSON.stringify([submitted.data[0]?.taskId]),
            json,
          )) as Envelope
        ).data[0]?.code;
      await brief.settled();
      expect(await poll()).toBe(200);
      await new Promise((r) => setTimeout(r, 1050));
      expect(await poll()).toBe(594);
    } finally {
      await brief.close();
    }
  });

  it('pushes a callback the receiver refuses 16 more times, as the seed says, then gives up', async () => {
    const receiver: Server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(500).end());
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${String((receiver.address() as AddressInfo).port)}/cb`;
    const stubborn = await startAliyunEmulator({
      tagger: colourTagger,
      processingMs: 0,
      callbackRetryDelayMs: 1,
    });
    try {
      const client = new ROAClient({
        endpoint: stubborn.baseUrl,
        apiVersion: '2018-05-09',
        accessKeyId: stubborn.credentials.accessKeyId,
        accessKeySecret: stubborn.credentials.accessKeySecret,
      });
      await client.post(
        '/green/image/asyncscan',
        {},
        JSON.stringify({
          scenes: ['tag'],
          tasks: [{ dataId: 'cb-16', url: redUrl }],
          callback: url,
          seed: 'cb-seed',
        }),
        json,
      );
      await stubborn.settled();
      expect(stubborn.callbacks().map((d) => d.status)).toEqual(Array(17).fill(500));
    } finally {
      await stubborn.close();
      await new Promise((r) => receiver.close(r));
    }
  });

  it('pushes the result to the callback with a checksum the receiver accepts, and retries', async () => {
    const received: { ok: boolean; status: number }[] = [];
    let failFirst = true;
    const receiver: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        if (failFirst) {
          failFirst = false;
          res.writeHead(503).end();
          return;
        }
        const outcome = receiveAliyunCallback(body, emulator.credentials.uid, 'cb-seed');
        received.push({ ok: outcome.ok, status: outcome.ok ? 200 : outcome.status });
        res.writeHead(outcome.ok ? 200 : outcome.status).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${String((receiver.address() as AddressInfo).port)}/cb`;
    try {
      await sdk().post(
        '/green/image/asyncscan',
        {},
        JSON.stringify({
          scenes: ['tag'],
          tasks: [{ dataId: 'cb-1', url: redUrl }],
          callback: url,
          seed: 'cb-seed',
        }),
        json,
      );
      clock += 1000;
      await emulator.settled();
      expect(received).toEqual([{ ok: true, status: 200 }]);
      expect(emulator.callbacks().map((d) => d.status)).toEqual([503, 200]);
    } finally {
      await new Promise((r) => receiver.close(r));
    }
  });
});
