import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebHost, type WebHost } from '../../main/server/web-host.ts';
import { dataPaths } from '../../main/util/data-dir.ts';

// Raw requests (node:http) so the Host header and paths go out exactly as written.
function get(
  host: WebHost,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
  body?: string,
): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: host.port,
        path,
        method,
        headers: { Host: `127.0.0.1:${host.port}`, ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString(),
          });
        });
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

describe(startWebHost.name, () => {
  let root: string;
  let host: WebHost;
  const hash = 'ab'.repeat(32);
  let auth: Record<string, string>;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'tujian-web-'));
    const renderer = join(root, 'renderer');
    mkdirSync(renderer);
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>ui</title>');
    writeFileSync(join(root, 'secret.txt'), 'not for you');
    const thumb = join(dataPaths(join(root, 'data')).thumbnails, 'ab', `${hash}.webp`);
    mkdirSync(dirname(thumb), { recursive: true });
    writeFileSync(thumb, 'webp-bytes');
    host = await startWebHost({ dataRoot: join(root, 'data'), rendererDir: renderer });
    auth = { Authorization: `Bearer ${host.token}` };
  });

  afterAll(async () => {
    await host.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 and prints a URL with the token', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
    expect(host.token.length).toBeGreaterThanOrEqual(32);
  });

  it('answers 401 without the token, with a wrong one, and for every kind of path', async () => {
    for (const path of ['/', '/index.html', `/media/thumbnail/${hash}`, '/api/events']) {
      expect((await get(host, path)).status).toBe(401);
    }
    expect(
      (await get(host, '/api/folders.list', { 'Content-Type': 'application/json' }, 'POST', '{}'))
        .status,
    ).toBe(401);
    expect((await get(host, '/', { Authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await get(host, '/?token=wrong')).status).toBe(401);
  });

  it('trades the URL token for an HttpOnly SameSite cookie that then works', async () => {
    const first = await get(host, `/?token=${host.token}`);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const page = await get(host, '/', { Cookie: cookie.split(';')[0] ?? '' });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<title>ui</title>');
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
  });

  it('refuses a foreign Host header (DNS rebinding), even with the token', async () => {
    const res = await get(host, '/', { ...auth, Host: `evil.example:${host.port}` });
    expect(res.status).toBe(421);
    expect((await get(host, '/', { ...auth, Host: 'localhost:1' })).status).toBe(421);
    expect((await get(host, '/', { ...auth, Host: `localhost:${host.port}` })).status).toBe(200);
  });

  it('sends no CORS headers, even when asked', async () => {
    const res = await get(
      host,
      '/api/folders.list',
      { ...auth, Origin: 'http://evil.example', 'Content-Type': 'application/json' },
      'POST',
      '{}',
    );
    // A foreign origin's API call is refused outright since issue 12 (it was answered 200,
    // unreadable to the page for want of CORS headers); the refusal has no CORS headers either.
    expect(res.status).toBe(403);
    expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control'))).toEqual([]);
    const own = await get(
      host,
      '/api/folders.list',
      { ...auth, Origin: host.origin, 'Content-Type': 'application/json' },
      'POST',
      '{}',
    );
    expect(own.status).toBe(200);
    expect(Object.keys(own.headers).filter((h) => h.startsWith('access-control'))).toEqual([]);
  });

  it('serves a thumbnail by content hash and refuses traversal on the media route', async () => {
    const ok = await get(host, `/media/thumbnail/${hash}`, auth);
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('webp-bytes');
    for (const path of [
      '/media/thumbnail/..%2F..%2F..%2Fsecret.txt',
      '/media/thumbnail/../../secret.txt',
      `/media/thumbnail/${hash}%2F..%2F..%2F..%2Fsecret.txt`,
      '/media/..%2F..%2Fsecret.txt/x',
      `/media/thumbnail/${'AB'.repeat(32)}`,
      '/media/thumbnail/%2e%2e%2f%2e%2e%2fsecret.txt',
    ]) {
      const res = await get(host, path, auth);
      expect(res.status, path).not.toBe(200);
      expect(res.text).not.toContain('not for you');
    }
    expect((await get(host, `/media/preview/${'cd'.repeat(32)}`, auth)).status).toBe(404);
  });

  it('refuses traversal out of the renderer folder', async () => {
    for (const path of ['/..%2Fsecret.txt', '/%2e%2e/secret.txt', '/assets/..%2F..%2Fsecret.txt']) {
      const res = await get(host, path, auth);
      expect(res.text, path).not.toContain('not for you');
    }
  });

  it('runs API calls with validated input and answers errors as data', async () => {
    const json = { ...auth, 'Content-Type': 'application/json' };
    const list = await get(host, '/api/albums.list', json, 'POST', '{}');
    expect(JSON.parse(list.text)).toEqual({ ok: true, value: [] });
    const bad = JSON.parse(
      (await get(host, '/api/albums.create', json, 'POST', '{"name":""}')).text,
    ) as {
      ok: boolean;
      error: { code: string };
    };
    expect(bad.ok).toBe(false);
    expect(bad.error.code).toBe('invalid-input');
    const missing = JSON.parse(
      (await get(host, '/api/photos.details', json, 'POST', '{"id":999}')).text,
    ) as {
      error: { code: string };
    };
    expect(missing.error.code).toBe('not-found');
    expect((await get(host, '/api/no.such', json, 'POST', '{}')).status).toBe(404);
    expect((await get(host, '/api/albums.list', auth, 'POST', 'name=x')).status).toBe(415);
    expect((await get(host, '/api/albums.list', json, 'GET')).status).toBe(405);
    expect((await get(host, '/api/albums.list', json, 'POST', '{not json')).status).toBe(400);
  });

  it('streams catalog changes over SSE', async () => {
    const events = await new Promise<string>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: host.port,
          path: '/api/events',
          headers: { Host: `127.0.0.1:${host.port}`, ...auth },
        },
        (res) => {
          expect(res.headers['content-type']).toContain('text/event-stream');
          let text = '';
          res.on('data', (c: Buffer) => {
            text += c.toString();
            if (text.includes('"albums"')) {
              req.destroy();
              resolve(text);
            }
          });
          // Once connected, make a change that emits an event.
          void get(
            host,
            '/api/albums.create',
            { ...auth, 'Content-Type': 'application/json' },
            'POST',
            '{"name":"Dogs","query":"dog"}',
          );
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(events).toContain('data: {"type":"catalog-changed","scope":"albums"}');
  });

  it('answers a body over the limit with 413 and a JSON error, not a connection reset', async () => {
    const url = `${host.origin}/api/albums.list`;
    const body = JSON.stringify({ padding: 'x'.repeat(2 << 20) });
    // A real HTTP client (undici's fetch), with the length declared up front.
    const declared = await fetch(url, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body,
    });
    expect(declared.status).toBe(413);
    expect(declared.headers.get('connection')).toBe('close');
    expect(await declared.json()).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    // Streamed in chunks with no length: the limit is only found while reading.
    const streamed = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: host.port,
          path: '/api/albums.list',
          method: 'POST',
          headers: {
            Host: `127.0.0.1:${host.port}`,
            ...auth,
            'Content-Type': 'application/json',
            'Transfer-Encoding': 'chunked',
          },
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, text });
          });
        },
      );
      req.on('error', reject);
      const chunk = 'x'.repeat(64 << 10);
      for (let i = 0; i < 40; i++) req.write(chunk);
      req.end();
    });
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.text)).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
    // The server is still fine afterwards.
    const after = await get(
      host,
      '/api/albums.list',
      { ...auth, 'Content-Type': 'application/json' },
      'POST',
      '{}',
    );
    expect(after.status).toBe(200);
  });

  it('refuses API calls from a foreign origin with 403 and keeps same-origin and non-browser calls working', async () => {
    const json = { ...auth, 'Content-Type': 'application/json' };
    const call = (headers: Record<string, string>) =>
      get(
        host,
        '/api/albums.create',
        { ...json, ...headers },
        'POST',
        '{"name":"Cats","query":"cat"}',
      );
    const foreign = await call({ Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' });
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.text)).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect((await call({ Origin: 'https://evil.example' })).status).toBe(403);
    expect((await call({ Origin: 'null' })).status).toBe(403);
    expect((await call({ 'Sec-Fetch-Site': 'same-site' })).status).toBe(403);
    expect((await call({ Origin: `http://localhost:${String(host.port + 1)}` })).status).toBe(403);
    // The renderer's own fetches (same origin) and clients that send neither header.
    expect((await call({ Origin: host.origin, 'Sec-Fetch-Site': 'same-origin' })).status).toBe(200);
    expect((await call({})).status).toBe(200);
    const albums = JSON.parse((await get(host, '/api/albums.list', json, 'POST', '{}')).text) as {
      value: { name: string }[];
    };
    // Only the two allowed calls created an album.
    expect(albums.value.filter((a) => a.name === 'Cats')).toHaveLength(1);
  });

  it('matches the JSON content type exactly, parameters allowed', async () => {
    const call = (type: string) =>
      get(host, '/api/albums.list', { ...auth, 'Content-Type': type }, 'POST', '{}');
    expect((await call('application/jsonfoo')).status).toBe(415);
    expect((await call('application/json-seq')).status).toBe(415);
    expect((await call('application/json; charset=utf-8')).status).toBe(200);
    expect((await call('Application/JSON')).status).toBe(200);
  });

  it('refuses a non-http(s) engine endpoint and stores nothing of it', async () => {
    const json = { ...auth, 'Content-Type': 'application/json' };
    const setEngine = (patch: object) =>
      get(host, '/api/settings.setEngine', json, 'POST', JSON.stringify(patch)).then(
        (r) => JSON.parse(r.text) as { ok: boolean; error?: { code: string } },
      );
    for (const endpoint of ['file:///etc/passwd', 'javascript:alert(1)', 'ftp://example.com/']) {
      expect(await setEngine({ engine: 'volcengine', endpoint })).toMatchObject({
        ok: false,
        error: { code: 'invalid-input' },
      });
    }
    expect(
      await setEngine({
        engine: 'aliyun',
        credentials: { 'hosting.endpoint': 'file:///etc/passwd' },
      }),
    ).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    const views = JSON.parse(
      (await get(host, '/api/settings.engines', json, 'POST', '{}')).text,
    ) as {
      value: {
        engine: string;
        endpoint: string | null;
        credentials: { key: string; value: string | null }[];
      }[];
    };
    const volcengine = views.value.find((v) => v.engine === 'volcengine');
    const aliyun = views.value.find((v) => v.engine === 'aliyun');
    expect(volcengine?.endpoint).toBeNull();
    expect(aliyun?.credentials.find((c) => c.key === 'hosting.endpoint')?.value).toBeNull();
    // An http(s) endpoint is still taken.
    expect(
      await setEngine({ engine: 'volcengine', endpoint: 'https://visual.volcengineapi.com' }),
    ).toMatchObject({ ok: true });
  });
});
