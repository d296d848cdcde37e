// End-to-end with the real text engine: a folder added in the browser UI is read by the
// on-device text reader (PP-OCR in its child process) through the one job runner; the
// activity panel shows the text lane's progress, searching a Chinese word that is written
// in a photo (no tag says it) finds that photo, and the photo view draws the boxes of its
// lines over the preview, outlining the one whose line is hovered. Needs Chromium and
// ../shared/samples; skips with a message when either is absent.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTextEngine } from '../../main/engines/text/text-engine.ts';
import { ensureRendererBuilt } from '../../main/server/renderer-build.ts';
import { startWebHost, type WebHost } from '../../main/server/web-host.ts';
import { renderSign, signNamed } from '../engines/text/text-images.ts';
import { chromiumPath, launchChromium, samplesDir } from './e2e-library.ts';

const ready = existsSync(chromiumPath) && existsSync(samplesDir);
if (!ready) {
  console.warn(
    `Skipping the text browser test: it needs ${chromiumPath} and the sample photos at ${samplesDir}.`,
  );
}
const screenshots = resolve(import.meta.dirname, '../../test-output');

describe.skipIf(!ready)('web UI: text read in photos (startWebHost + text engine)', () => {
  let root: string;
  let host: WebHost;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const resultCount = async () => (await page.textContent('[data-testid=result-count]')) ?? '';

  beforeAll(async () => {
    ensureRendererBuilt();
    mkdirSync(screenshots, { recursive: true });
    root = mkdtempSync(join(tmpdir(), 'tujian-e2e-text-'));
    const photos = join(root, 'Photos');
    mkdirSync(photos);
    writeFileSync(join(photos, 'cafe.png'), await renderSign(signNamed('cafe')));
    copyFileSync(join(samplesDir, 'dog.jpg'), join(photos, 'dog.jpg'));
    copyFileSync(join(samplesDir, 'page.png'), join(photos, 'page.png'));
    // Only the text engine: this test is about text, and the object pass would double its time.
    const text = createTextEngine();
    host = await startWebHost({
      dataRoot: join(root, 'data'),
      engines: {
        engines: new Map([['text', text] as const]),
        concurrency: { text: text.concurrency },
        close: () => text.close(),
      },
    });
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

  it('reads the text of a folder added in the UI, with progress in the activity panel', async () => {
    await page.click('[data-testid=empty-add-folder]');
    await page.fill('[data-testid=folder-path]', join(root, 'Photos'));
    await page.keyboard.press('Enter');
    await expect.poll(resultCount, { timeout: 60_000, interval: 500 }).toBe('3 张照片');
    await page.click('[data-testid=open-activity]');
    await expect
      .poll(async () => (await page.textContent('[data-testid=activity-text]')) ?? '', {
        timeout: 120_000,
        interval: 1000,
      })
      .toContain('已完成 3');
    expect(await page.textContent('[data-testid=activity-text]')).toContain('文字识别');
    await page.click('[data-testid=open-activity]');
  }, 200_000);

  it('finds a photo by a Chinese word written in it and draws the boxes of its lines', async () => {
    await page.fill('[data-testid=search-input]', '咖啡');
    await page.keyboard.press('Enter');
    await expect.poll(resultCount).toBe('1 张照片');
    await page.dblclick('[data-testid=grid-cell][title="cafe.png"]');
    await page.waitForSelector('[data-testid=photo-preview]');
    await expect.poll(() => page.locator('[data-testid=text-box]').count()).toBeGreaterThan(1);
    const lines = page.locator('[data-testid=text-line]');
    expect(await lines.count()).toBe(await page.locator('[data-testid=text-box]').count());
    expect(await lines.first().textContent()).toContain('咖啡');
    // hovering the line outlines its box and dims the others
    await lines.first().hover();
    await expect
      .poll(() => page.getAttribute('[data-testid=text-box][data-line="0"]', 'class'))
      .toContain('highlight');
    expect(await page.getAttribute('[data-testid=text-box][data-line="1"]', 'class')).toContain(
      'dim',
    );
    // the box lies over the sign's first line: in the top half of the preview
    const box = await page.locator('[data-testid=text-box][data-line="0"]').boundingBox();
    const preview = await page.locator('[data-testid=photo-preview]').boundingBox();
    if (!box || !preview) throw new Error('no box or preview on screen');
    expect(box.x).toBeGreaterThanOrEqual(preview.x - 1);
    expect(box.y + box.height).toBeLessThan(preview.y + preview.height / 2);
    await page.screenshot({ path: join(screenshots, 'e2e-text-cafe-boxes.png') });
    expect(pageErrors).toEqual([]);
  });
});
