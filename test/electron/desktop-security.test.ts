// The desktop window's security rules, tested without Electron: the binary cannot be
// downloaded on these machines, so the functions take small interfaces and plain Requests.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appOrigin,
  createAppProtocolHandler,
  createMediaProtocolHandler,
  desktopCsp,
  hardenWebContents,
  isTrustedSender,
  secureWebPreferences,
  type WebContentsLike,
} from '../../main/electron/desktop-security.ts';
import { dataPaths } from '../../main/util/data-dir.ts';

let root: string;
const hash = '0f'.repeat(32);

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tujian-desktop-'));
  mkdirSync(join(root, 'renderer', 'assets'), { recursive: true });
  writeFileSync(join(root, 'renderer', 'index.html'), '<title>app</title>');
  writeFileSync(join(root, 'renderer', 'assets', 'a.js'), 'console.log(1)');
  writeFileSync(join(root, 'secret.txt'), 'not for you');
  const thumb = join(dataPaths(join(root, 'data')).thumbnails, '0f', `${hash}.webp`);
  mkdirSync(dirname(thumb), { recursive: true });
  writeFileSync(thumb, 'thumb');
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe(createMediaProtocolHandler.name, () => {
  it('serves a thumbnail by hash and refuses every escape', async () => {
    const handle = createMediaProtocolHandler(join(root, 'data'));
    const ok = await handle({ url: `tujian-media://thumbnail/${hash}` });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('thumb');
    for (const url of [
      'tujian-media://thumbnail/..%2F..%2F..%2Fsecret.txt',
      'tujian-media://thumbnail/../../secret.txt',
      `tujian-media://thumbnail/${hash}/..%2F..%2F..%2Fsecret.txt`,
      'tujian-media://..%2F..%2Fsecret.txt/x',
      'tujian-media://thumbnail/%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret.txt',
      'tujian-media://secrets/aaaa',
      'not a url',
    ]) {
      const res = await handle({ url });
      expect(res.status, url).not.toBe(200);
      expect(await res.text()).not.toContain('not for you');
    }
  });
});

describe(createAppProtocolHandler.name, () => {
  it('serves the renderer with the CSP and refuses paths outside it', async () => {
    const handle = createAppProtocolHandler(join(root, 'renderer'));
    const page = await handle({ url: `${appOrigin}/index.html` });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(desktopCsp);
    expect((await handle({ url: `${appOrigin}/assets/a.js` })).status).toBe(200);
    for (const url of [
      `${appOrigin}/..%2Fsecret.txt`,
      `${appOrigin}/assets/..%2F..%2Fsecret.txt`,
      `${appOrigin}/%2e%2e/secret.txt`,
      'tujian-app://other/index.html',
    ]) {
      const res = await handle({ url });
      expect(res.status, url).not.toBe(200);
      expect(await res.text()).not.toContain('not for you');
    }
  });
});

describe(isTrustedSender.name, () => {
  it('trusts only the app page', () => {
    expect(isTrustedSender(`${appOrigin}/index.html`)).toBe(true);
    expect(isTrustedSender('https://evil.example/')).toBe(false);
    expect(isTrustedSender('file:///etc/passwd')).toBe(false);
    expect(isTrustedSender('tujian-app://app.evil/')).toBe(false);
    expect(isTrustedSender(undefined)).toBe(false);
    expect(isTrustedSender('')).toBe(false);
  });
});

describe(hardenWebContents.name, () => {
  it('denies new windows and navigation away, sending web links to the browser', () => {
    const listeners = new Map<string, (event: { preventDefault(): void }, url: string) => void>();
    let openHandler: ((d: { url: string }) => { action: 'deny' }) | undefined;
    const contents: WebContentsLike = {
      setWindowOpenHandler: (h) => {
        openHandler = h;
      },
      on: (event: string, listener: (event: { preventDefault(): void }, url: string) => void) => {
        listeners.set(event, listener);
        return contents;
      },
    };
    const opened: string[] = [];
    hardenWebContents(contents, (url) => opened.push(url));
    expect(openHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(openHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    let prevented = 0;
    const event = {
      preventDefault: () => {
        prevented++;
      },
    };
    listeners.get('will-navigate')?.(event, 'https://evil.example/');
    listeners.get('will-redirect')?.(event, 'file:///etc/passwd');
    listeners.get('will-navigate')?.(event, `${appOrigin}/index.html`);
    expect(prevented).toBe(2);
    expect(opened).toEqual(['https://example.com/', 'https://evil.example/']);
    listeners.get('will-attach-webview')?.(event, '');
    expect(prevented).toBe(3);
  });

  it('uses sandboxed, isolated web preferences and a CSP without inline script', () => {
    const prefs = secureWebPreferences('/p.cjs');
    expect(prefs).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webviewTag: false,
    });
    expect(desktopCsp).toContain("default-src 'none'");
    expect(desktopCsp).not.toContain('unsafe-inline');
    expect(desktopCsp).not.toContain('unsafe-eval');
  });
});
