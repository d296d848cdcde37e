// End-to-end with real indexing: an empty library, a folder added in the browser UI, then the
// real library runtime (scan, ingest with sharp, the on-device engine) tags the shared sample
// photos while the page watches; search in English and Chinese finds what the engine saw
// (labels.json: dog.jpg and person.jpg show a dog), and the photo view draws its boxes.
// Needs Chromium and ../shared/samples; skips with a message when either is absent.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalEngineSet } from '../../main/engines/engine-registry.ts';
import { startWebHost, type WebHost } from '../../main/server/web-host.ts';
import { chromiumPath, launchChromium, samplesDir } from './e2e-library.ts';
import { ensureRendererBuilt } from '../../main/server/renderer-build.ts';

const ready = existsSync(chromiumPath) && existsSync(samplesDir);
if (!ready) {
  console.warn(
    `Skipping the indexing browser test: it needs ${chromiumPath} and the sample photos at ${samplesDir}.`,
  );
}
const screenshots = resolve(import.meta.dirname, '../../test-output');

describe.skipIf(!ready)('web UI indexing a real folder (startWebHost + local engine)', () => {
  let root: string;
  let host: WebHost;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const resultCount = async () => (await page.textContent('[data-testid=result-count]')) ?? '';

  beforeAll(async () => {
    ensureRendererBuilt();
    mkdirSync(screenshots, { recursive: true });
    root = mkdtempSync(join(tmpdir(), 'tujian-e2e-index-'));
    mkdirSync(join(root, 'Photos'));
    for (const name of readdirSync(samplesDir)) {
      copyFileSync(join(samplesDir, name), join(root, 'Photos', name));
    }
    host = await startWebHost({ dataRoot: join(root, 'data'), engines: createLocalEngineSet() });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(host.url);
  });

  afterAll(async () => {
    await browser.close();
    await host.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('starts empty, in Chinese (the browser locale), and indexes a folder added in the UI', async () => {
    await page.waitForSelector('text=照片库是空的');
    await page.screenshot({ path: join(screenshots, 'e2e-index-1-empty.png') });
    await page.click('[data-testid=empty-add-folder]');
    await page.fill('[data-testid=folder-path]', join(root, 'Photos'));
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=folder-list] >> text=Photos');
    await expect.poll(resultCount, { timeout: 120_000, interval: 500 }).toBe('10 张照片');
    // Tags arrive as the engine finishes each photo.
    await expect
      .poll(async () => (await page.textContent('[data-testid=facets]')) ?? '', {
        timeout: 120_000,
        interval: 1000,
      })
      .toContain('狗');
    await page.click('[data-testid=open-activity]');
    await expect
      .poll(async () => (await page.textContent('[data-testid=activity-local]')) ?? '', {
        timeout: 120_000,
        interval: 1000,
      })
      .toContain('已完成 10');
    await page.screenshot({ path: join(screenshots, 'e2e-index-2-indexed.png') });
    await page.click('[data-testid=open-activity]');
  }, 300_000);

  it('finds the dogs the engine saw, by Chinese and by English name, and shows their boxes', async () => {
    await page.fill('[data-testid=search-input]', '狗');
    await page.keyboard.press('Enter');
    await expect.poll(resultCount).toBe('2 张照片');
    const names: (string | null)[] = [];
    for (const cell of await page.locator('[data-testid=grid-cell]').all()) {
      names.push(await cell.getAttribute('title'));
    }
    expect(names.sort()).toEqual(['dog.jpg', 'person.jpg']);
    await page.fill('[data-testid=search-input]', 'dog');
    await page.keyboard.press('Enter');
    await expect.poll(resultCount).toBe('2 张照片');

    await page.dblclick('[data-testid=grid-cell][title="dog.jpg"]');
    await page.waitForSelector('[data-testid=photo-preview]');
    await expect
      .poll(() => page.locator('[data-testid=tag-box][data-tag=dog]').count())
      .toBeGreaterThan(0);
    await page.hover('[data-testid=tag-row][data-tag=dog]');
    await page.screenshot({ path: join(screenshots, 'e2e-index-3-dog-boxes.png') });
    expect(pageErrors).toEqual([]);
  });
});
