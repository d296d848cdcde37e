// End-to-end: issue 16's remaining daily-use items, in Debian's Chromium against the web
// host running the live library (the indexing runtime watching and scanning the folder), on
// a temporary library of real photos. Each test saves a screenshot into test-output/.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EngineSetLike } from '../../main/app/app-context.ts';
import { ensureRendererBuilt } from '../../main/server/renderer-build.ts';
import { startWebHost, type WebHost } from '../../main/server/web-host.ts';
import { chromiumPath, createE2eLibrary, launchChromium, type E2eLibrary } from './e2e-library.ts';

const hasChromium = existsSync(chromiumPath);
const repo = resolve(import.meta.dirname, '../..');
const screenshots = join(repo, 'test-output');
/** For state the host pushes from its once-a-second poller (main/app/app-context.ts). */
const hostPoll = { timeout: 8000 };

/**
 * The runtime with no tagging engine: the fixture's photos are tagged already, and these
 * tests are about folders and originals, which the runtime (watcher, scanner, ingest) owns.
 */
const noEngines: EngineSetLike = {
  engines: new Map(),
  concurrency: {},
  close: () => Promise.resolve(),
};

describe.skipIf(!hasChromium)('daily use with the live library (startWebHost in Chromium)', () => {
  let library: E2eLibrary;
  let host: WebHost;
  let browser: Browser;
  let page: Page;

  async function shot(name: string): Promise<void> {
    await page.screenshot({ path: join(screenshots, `e2e-live-${name}.png`) });
  }

  async function setLanguage(lang: 'en' | 'zh'): Promise<void> {
    const isZh = (await page.getAttribute('html', 'lang')) === 'zh-CN';
    if (isZh !== (lang === 'zh')) await page.click('[data-testid=lang-switch]');
    await expect.poll(() => page.getAttribute('html', 'lang')).toBe(lang === 'zh' ? 'zh-CN' : 'en');
  }

  beforeAll(async () => {
    ensureRendererBuilt();
    mkdirSync(screenshots, { recursive: true });
    library = await createE2eLibrary();
    host = await startWebHost({ dataRoot: library.dataRoot, engines: noEngines });
    await host.context.runtime?.ready;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    page.setDefaultTimeout(10_000);
    await page.goto(host.url);
    await page.waitForSelector('[data-testid=grid-cell] img');
  });

  beforeEach(async () => {
    await page.goto(`${host.origin}/`);
    await page.waitForSelector('[data-testid=grid-cell] img');
    await setLanguage('en');
  });

  afterAll(async () => {
    await browser.close();
    await host.close();
    rmSync(library.root, { recursive: true, force: true });
  });

  it('3: Rescan of an unreachable folder turns its dot Offline, and back Online, without a reload', async () => {
    expect(host.context.runtime).not.toBeNull();
    const row = '[data-testid=folder-list] li:has-text("Photos")';
    const dot = `${row} .status-dot`;
    await expect.poll(() => page.getAttribute(dot, 'class'), hostPoll).toContain('online');
    await page.click(`${row} .folder-main`);
    const away = `${library.photosDir}-away`;
    renameSync(library.photosDir, away);
    try {
      await page.click('[data-testid=folder-rescan]');
      await expect.poll(() => page.getAttribute(dot, 'class'), hostPoll).toContain('offline');
      expect(await page.getAttribute(dot, 'title')).toContain('Offline');
      // Rescan says what it found, not only that it started.
      await expect
        .poll(() => page.textContent('[data-testid=rescan-note]'), hostPoll)
        .toContain('not reachable');
      await shot('3-rescan-offline');
    } finally {
      renameSync(away, library.photosDir);
    }
    await page.click('[data-testid=folder-rescan]');
    await expect.poll(() => page.getAttribute(dot, 'class'), hostPoll).not.toContain('offline');
    expect(await page.getAttribute(dot, 'title')).toBe('Online');
    await expect
      .poll(() => page.textContent('[data-testid=rescan-note]'), hostPoll)
      .toContain('Rescan done: Photos is online');
    await shot('3-rescan-online');
  });

  it('6: the web host browses folders under home (hidden ones hidden) and adds the one chosen', async () => {
    // A small tree in the real home folder (the browser starts there), removed after.
    const inHome = mkdtempSync(join(homedir(), 'tujian-e2e-browse-'));
    mkdirSync(join(inHome, 'Trips', '2024'), { recursive: true });
    mkdirSync(join(inHome, '.secret'));
    writeFileSync(join(inHome, 'readme.txt'), 'a file, not listed');
    try {
      await setLanguage('zh');
      await page.click('[data-testid=add-folder]');
      await page.click('[data-testid=folder-browse]');
      await page.waitForSelector('[data-testid=browse-entry]');
      expect(await page.inputValue('[data-testid=browse-path]')).toBe(homedir());
      expect(await page.isDisabled('[data-testid=browse-up]')).toBe(true);
      await page.click(`[data-testid=browse-entry][title="${inHome}"]`);
      await expect.poll(() => page.inputValue('[data-testid=browse-path]')).toBe(inHome);
      const names = () => page.locator('[data-testid=browse-entry]').allTextContents();
      await expect.poll(names).toEqual(['Trips']);
      await page.check('[data-testid=browse-hidden]');
      await expect.poll(names).toEqual(['.secret', 'Trips']);
      await page.uncheck('[data-testid=browse-hidden]');
      await expect.poll(names).toEqual(['Trips']);
      await page.click('[data-testid=browse-entry]:has-text("Trips")');
      await expect.poll(names).toEqual(['2024']);
      await shot('6-folder-browser-zh');
      expect(await page.textContent('[data-testid=folder-browser]')).toContain('添加此文件夹');
      // Up goes back toward home.
      await page.click('[data-testid=browse-up]');
      await expect.poll(() => page.inputValue('[data-testid=browse-path]')).toBe(inHome);
      await page.click('[data-testid=browse-entry]:has-text("Trips")');
      await expect.poll(names).toEqual(['2024']);
      await page.click('[data-testid=browse-choose]');
      await expect.poll(() => page.locator('[data-testid=folder-browser]').count()).toBe(0);
      await expect.poll(() => page.textContent('[data-testid=folder-list]')).toContain('Trips');
      expect(
        await page.getAttribute(
          '[data-testid=folder-list] li:has-text("Trips") .folder-main',
          'title',
        ),
      ).toBe(join(inHome, 'Trips'));
    } finally {
      rmSync(inHome, { recursive: true, force: true });
    }
  });

  it('6: the folder browser API needs the token and does not leave home unless a path is typed', async () => {
    const call = (body: unknown, auth = true) =>
      fetch(`${host.origin}/api/folders.browse`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(auth ? { Authorization: `Bearer ${host.token}` } : {}),
        },
        body: JSON.stringify(body),
      });
    expect((await call({}, false)).status).toBe(401);
    const home = (await (await call({})).json()) as { ok: boolean; value: { parent: unknown } };
    expect(home).toMatchObject({ ok: true, value: { path: homedir(), parent: null } });
    expect(await (await call({ path: '/' })).json()).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
    expect(await (await call({ path: '/', typed: true })).json()).toMatchObject({ ok: true });
  });

  it('offline badge on thumbnails and in the viewer while the folder is away; Open original when back', async () => {
    const row = '[data-testid=folder-list] li:has-text("Photos")';
    const badges = () =>
      page.locator('[data-testid=grid-cell] [data-testid=offline-badge]').count();
    expect(await badges()).toBe(0);
    const away = `${library.photosDir}-away`;
    renameSync(library.photosDir, away);
    try {
      await page.click(`${row} .folder-main`);
      await page.click('[data-testid=folder-rescan]');
      await expect.poll(badges, hostPoll).toBe(10);
      await page.dblclick('[data-testid=grid-cell][title="giraffe.jpg"]');
      await page.waitForSelector('[data-testid=photo-offline]');
      expect(await page.textContent('[data-testid=photo-offline]')).toContain('Original offline');
      expect(await page.locator('[data-testid=open-original]').count()).toBe(0);
      await shot('offline-badge-viewer');
      // The original cannot be had: the route says why instead of failing silently.
      const id = new URL(page.url()).searchParams.get('photo') ?? '';
      const refused = await fetch(`${host.origin}/media/original/${id}`, {
        headers: { Authorization: `Bearer ${host.token}` },
      });
      expect(refused.status).toBe(409);
      expect(await refused.text()).toContain('offline');
      await page.keyboard.press('Escape');
      await setLanguage('zh');
      await expect
        .poll(() =>
          page.textContent('[data-testid=grid-cell] [data-testid=offline-badge] >> nth=0'),
        )
        .toBe('原图离线');
      await shot('offline-badge-grid-zh');
      await setLanguage('en');
    } finally {
      renameSync(away, library.photosDir);
    }
    await page.click('[data-testid=folder-rescan]');
    await expect.poll(badges, hostPoll).toBe(0);
    await page.dblclick('[data-testid=grid-cell][title="giraffe.jpg"]');
    await page.waitForSelector('[data-testid=open-original]');
    expect(await page.locator('[data-testid=photo-offline]').count()).toBe(0);
    await shot('open-original');
    // A new tab with the original's bytes, through the token-protected media route.
    const [tab] = await Promise.all([
      page.context().waitForEvent('page'),
      page.click('[data-testid=open-original]'),
    ]);
    await tab.waitForLoadState('load');
    expect(tab.url()).toContain('/media/original/');
    // The tab shows the image (decoded), and its bytes are the original's.
    await expect
      .poll(() => tab.evaluate(`document.images[0]?.naturalWidth ?? 0`))
      .toBeGreaterThan(0);
    const response = await page.context().request.get(tab.url());
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toBe('image/jpeg');
    const bytes = await response.body();
    expect(bytes.equals(readFileSync(join(library.photosDir, 'giraffe.jpg')))).toBe(true);
    await tab.close();
    // Without the token the route answers 401.
    const anonymous = await fetch(response.url());
    expect(anonymous.status).toBe(401);
    await page.keyboard.press('Escape');
  });
});
