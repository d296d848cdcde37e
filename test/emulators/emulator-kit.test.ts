// Tests of the shared emulator kit with a toy vendor: routes, every fault kind, the per-key QPS
// limit, the call log and the control API, over real HTTP on 127.0.0.1.
import { request as httpRequest } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  duplicatePaidCalls,
  emulatorControl,
  startEmulatorKit,
  type EmulatorKit,
} from '../../main/emulators/emulator-kit.ts';

async function startToy(): Promise<EmulatorKit> {
  return startEmulatorKit({
    name: 'toy',
    keyOf: (req) => (typeof req.headers['x-key'] === 'string' ? req.headers['x-key'] : null),
    routes: [
      {
        name: 'echo',
        method: 'POST',
        path: '/v1/:project/echo',
        handler: (req) => ({
          status: 200,
          body: {
            project: req.params.project,
            got: req.body.toString('utf8'),
            pad: 'x'.repeat(200),
          },
          paid: true,
          subject: req.body.toString('utf8'),
        }),
      },
    ],
    throttleReply: (_req, reason, retryAfter) => ({
      status: 429,
      headers: retryAfter === undefined ? undefined : { 'retry-after': String(retryAfter) },
      body: { code: 'TOY.429', reason },
      outcome: 'TOY.429',
    }),
    serverErrorReply: (_req, status) => ({ status, body: { code: 'TOY.500' } }),
    notFoundReply: () => ({ status: 404, body: { code: 'TOY.404' }, outcome: 'TOY.404' }),
    maxBodyBytes: 1000,
    info: () => ({ hello: 'world' }),
  });
}

function post(kit: EmulatorKit, body: string, key = 'k1', path = '/v1/p1/echo', timeoutMs = 5000) {
  return fetch(`${kit.baseUrl}${path}`, {
    method: 'POST',
    body,
    headers: { 'x-key': key },
    signal: AbortSignal.timeout(timeoutMs),
  });
}

describe(startEmulatorKit.name, () => {
  let kit: EmulatorKit;
  beforeEach(async () => {
    kit = await startToy();
  });
  afterEach(async () => {
    await kit.close();
  });

  it('serves routes with path parameters and logs each call', async () => {
    const res = await post(kit, 'hello');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ project: 'p1', got: 'hello' });
    const notFound = await post(kit, 'x', 'k1', '/nope');
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toEqual({ code: 'TOY.404' });
    const calls = kit.calls();
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({
      route: 'echo',
      key: 'k1',
      status: 200,
      outcome: 'ok',
      paid: true,
      delivered: true,
      subject: 'hello',
    });
    expect(calls[1]).toMatchObject({ route: null, outcome: 'TOY.404', paid: false });
  });

  it('refuses bodies over the limit with the vendor answer', async () => {
    const res = await post(kit, 'x'.repeat(2000));
    expect(res.status).toBe(413);
  });

  it('injects vendor throttling with Retry-After, then lets requests through once spent', async () => {
    kit.addFault({ kind: 'throttle', retryAfterSeconds: 7, times: 1 });
    const first = await post(kit, 'a');
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('7');
    expect(await first.json()).toEqual({ code: 'TOY.429', reason: 'injected' });
    expect((await post(kit, 'a')).status).toBe(200);
    expect(kit.calls().map((c) => c.outcome)).toEqual(['fault:throttle', 'ok']);
  });

  it('matches rules by route, key and skip', async () => {
    kit.setFaults({ faults: [{ kind: 'server-error', status: 503, key: 'k2', skip: 1 }] });
    expect((await post(kit, 'a', 'k2')).status).toBe(200);
    expect((await post(kit, 'a', 'k1')).status).toBe(200);
    const failed = await post(kit, 'a', 'k2');
    expect(failed.status).toBe(503);
    expect(await failed.json()).toEqual({ code: 'TOY.500' });
  });

  it('enforces a per-key QPS limit with the throttling answer', async () => {
    kit.setFaults({ qpsPerKey: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(kit, `q${String(i)}`, 'k1')).status);
    statuses.push((await post(kit, 'other key', 'k2')).status);
    expect(statuses).toEqual([200, 200, 429, 200]);
    expect(kit.calls()[2]?.outcome).toBe('fault:qps');
  });

  it('hangs until the client gives up, and close() still returns', async () => {
    kit.addFault({ kind: 'hang' });
    await expect(post(kit, 'a', 'k1', '/v1/p1/echo', 300)).rejects.toThrow();
    expect(kit.calls()[0]).toMatchObject({ outcome: 'fault:hang', delivered: false });
  });

  it('delays the answer', async () => {
    kit.addFault({ kind: 'delay', delayMs: 150 });
    const started = Date.now();
    expect((await post(kit, 'a')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('sends a slow body that still arrives whole', async () => {
    kit.addFault({ kind: 'slow-body', delayMs: 200 });
    const started = Date.now();
    const res = await post(kit, 'slow');
    expect(await res.json()).toMatchObject({ got: 'slow' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  it('sends malformed JSON after doing (and charging for) the work', async () => {
    kit.addFault({ kind: 'malformed-json' });
    const res = await post(kit, 'm');
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow();
    expect(kit.calls()[0]).toMatchObject({
      outcome: 'fault:malformed-json',
      paid: true,
      delivered: false,
    });
  });

  it('resets the connection before or after the work', async () => {
    kit.setFaults({
      faults: [
        { kind: 'reset', times: 1 },
        { kind: 'reset-after', times: 1 },
      ],
    });
    await expect(post(kit, 'r1')).rejects.toThrow();
    await expect(post(kit, 'r2')).rejects.toThrow();
    expect(kit.calls().map((c) => [c.outcome, c.paid, c.delivered])).toEqual([
      ['fault:reset', false, false],
      ['fault:reset-after', true, false],
    ]);
  });

  it('is driven through the control API by another client', async () => {
    const control = emulatorControl(kit.baseUrl);
    expect(await control.info()).toEqual({ name: 'toy', info: { hello: 'world' } });
    await control.setFaults({ faults: [{ kind: 'server-error', status: 502, route: 'echo' }] });
    expect((await post(kit, 'a')).status).toBe(502);
    await control.clearFaults();
    expect((await post(kit, 'a')).status).toBe(200);
    const { calls } = await control.calls();
    expect(calls.map((c) => c.status)).toEqual([502, 200]);
    await control.clearCalls();
    expect(kit.calls()).toEqual([]);
    await expect(control.setFaults({ faults: [{ kind: 'nonsense' as 'hang' }] })).rejects.toThrow(
      /faults/,
    );
  });

  it('finds duplicate successful paid calls per subject', async () => {
    await post(kit, 'same');
    await post(kit, 'other');
    await post(kit, 'same');
    expect([...duplicatePaidCalls(kit.calls())]).toEqual([['same', 2]]);
  });

  it('leaves control requests out of the call log and the fault rules', async () => {
    kit.addFault({ kind: 'reset' });
    const body = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(`${kit.baseUrl}/__emulator/calls`, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString();
        });
        res.on('end', () => {
          resolve(text);
        });
      });
      req.on('error', reject);
      req.end();
    });
    expect(JSON.parse(body)).toEqual({ calls: [] });
  });
});
