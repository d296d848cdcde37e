// End-to-end: what the grid loads while it scrolls ([Note: Thumbnails admitted by frame] in
// renderer/src/lib/thumbnail-admission.ts), in Debian's Chromium against the real web host on a
// synthetic library of 4,000 photos with real WebP thumbnails. Frame times are measured by
// `npm run bench:ui-grid`, not here: these check what is requested and what ends up shown.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureRendererBuilt } from '../../main/server/renderer-build.ts';
import { startWebHost, type WebHost } from '../../main/server/web-host.ts';
import { chromiumPath, launchChromium } from './e2e-library.ts';
import { createSyntheticGridLibrary } from './synthetic-grid-library.ts';

const hasChromium = existsSync(chromiumPath);

/**
 * Scrolls the grid `frames` frames of `step` px and returns the photo ids of every cell that
 * was mounted on the way. (A string: the page's CSP forbids what playwright would compile.)
 */
const flickScript = (frames: number, step: number) => `(async () => {
  const grid = document.querySelector('[data-testid=photo-grid]');
  const seen = new Set();
  for (let i = 0; i < ${String(frames)}; i++) {
    grid.scrollTop += ${String(step)};
    await new Promise((r) => requestAnimationFrame(r));
    for (const cell of document.querySelectorAll('[data-testid=grid-cell]')) seen.add(cell.dataset.photoId);
  }
  return [...seen];
})()`;

/** Whether every cell on screen shows its loaded thumbnail. */
const allOnScreenShown = `(() => {
  const grid = document.querySelector('[data-testid=photo-grid]').getBoundingClientRect();
  const cells = [...document.querySelectorAll('[data-testid=grid-cell]')].filter((c) => {
    const b = c.getBoundingClientRect();
    return b.bottom > grid.top && b.top < grid.bottom;
  });
  return cells.length > 0 && cells.every((c) => {
    const img = c.querySelector('img');
    return img !== null && img.complete && img.naturalWidth > 0;
  });
})()`;

describe.skipIf(!hasChromium)('grid thumbnails while scrolling (startWebHost in Chromium)', () => {
  let root: string;
  let host: WebHost;
  let browser: Browser;
  let page: Page;
  /** Thumbnail URLs the page requested, in order. */
  let requested: string[] = [];

  beforeAll(async () => {
    ensureRendererBuilt();
    root = mkdtempSync(join(tmpdir(), 'tujian-e2e-grid-'));
    const dataRoot = await createSyntheticGridLibrary(root, 4000);
    host = await startWebHost({ dataRoot });
    browser = await launchChromium();
  });

  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    page.setDefaultTimeout(20_000);
    requested = [];
    page.on('request', (request) => {
      if (request.url().includes('/media/thumbnail/')) requested.push(request.url());
    });
    await page.goto(host.url);
    await page.waitForSelector('[data-testid=grid-cell] img');
  });

  afterAll(async () => {
    await browser.close();
    await host.close();
    rmSync(root, { recursive: true, force: true });
  });

  async function waitUntilAllOnScreenShown(): Promise<void> {
    // Polled with evaluate (the app's CSP forbids the string evaluation waitForFunction uses).
    await expect
      .poll(() => page.evaluate<boolean>(allOnScreenShown), { timeout: 20_000 })
      .toBe(true);
  }

  it('a fast flick does not request the thumbnail of every photo it passes, and the photos where it stops show theirs', async () => {
    await waitUntilAllOnScreenShown();
    const before = requested.length;
    // 60 frames of 400 px: about 700 photos pass, each on screen for two or three frames.
    const passed = await page.evaluate<string[]>(flickScript(60, 400));
    const duringFlick = requested.length - before;
    expect(passed.length).toBeGreaterThan(400);
    // Before the admission every mounted cell requested its thumbnail at once (all ~700, and
    // the photos where the flick stopped waited behind them).
    expect(duringFlick).toBeLessThan(passed.length * 0.4);
    // Where it stopped, everything on screen comes in.
    await waitUntilAllOnScreenShown();
    expect(requested.length - before).toBeLessThan(passed.length * 0.6);
  });

  it('a slow scroll shows the photos as they come on screen, each requested once', async () => {
    await waitUntilAllOnScreenShown();
    await page.evaluate(flickScript(60, 20));
    await waitUntilAllOnScreenShown();
    // Back up to the top: what loaded before is shown from the memory cache, not requested again.
    const count = requested.length;
    await page.evaluate(flickScript(60, -20));
    await waitUntilAllOnScreenShown();
    expect(new Set(requested).size).toBe(requested.length);
    expect(requested.length).toBe(count);
  });
});
