// End-to-end: the rough edges a daily user hit (issue 16, "Fix"), each checked in Debian's
// Chromium against the real web host on a temporary library of real photos. Each test
// saves a screenshot into test-output/ for a human to look at.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebHost, type WebHost } from '../../main/server/web-host.ts';
import { ensureRendererBuilt } from '../../main/server/renderer-build.ts';
import { chromiumPath, createE2eLibrary, launchChromium, type E2eLibrary } from './e2e-library.ts';

const hasChromium = existsSync(chromiumPath);
const repo = resolve(import.meta.dirname, '../..');
const screenshots = join(repo, 'test-output');

describe.skipIf(!hasChromium)('daily use (startWebHost in Chromium)', () => {
  let library: E2eLibrary;
  let host: WebHost;
  let browser: Browser;
  let page: Page;

  async function shot(name: string): Promise<void> {
    await page.screenshot({ path: join(screenshots, `e2e-daily-${name}.png`) });
  }

  async function resultCount(): Promise<string> {
    return (await page.textContent('[data-testid=result-count]')) ?? '';
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
    host = await startWebHost({ dataRoot: library.dataRoot });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    page.setDefaultTimeout(10_000);
    await page.goto(host.url);
    await page.waitForSelector('[data-testid=grid-cell] img');
  });

  afterAll(async () => {
    await browser.close();
    await host.close();
    rmSync(library.root, { recursive: true, force: true });
  });

  it('2: shows a search syntax error as a translated hint under the box, the spot marked', async () => {
    await setLanguage('zh');
    await page.fill('[data-testid=search-input]', 'dog (cat');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=search-syntax-hint]');
    const hint = (await page.textContent('[data-testid=search-syntax-hint]')) ?? '';
    expect(hint).toContain('第 5 个字符');
    expect(hint).not.toMatch(/Unclosed|position/);
    expect(await page.textContent('[data-testid=search-syntax-hint] mark')).toBe('(');
    // Not a failure: no "Try again" button, no alert.
    expect(await page.locator('.grid-area [role=alert]').count()).toBe(0);
    expect(await page.textContent('.grid-area')).not.toContain('重试');
    await shot('2-syntax-hint-zh');
    await page.fill('[data-testid=search-input]', 'dog');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-testid=search-syntax-hint]').count()).toBe(0);
    await setLanguage('en');
  });

  it('9: the search help popover closes on Escape and on a click outside', async () => {
    await page.click('[data-testid=search-help-button]');
    await page.waitForSelector('[data-testid=search-help]');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[data-testid=search-help]').count()).toBe(0);
    await page.click('[data-testid=search-help-button]');
    await page.waitForSelector('[data-testid=search-help]');
    await shot('9-search-help');
    // A click on the grid area, well below the popover.
    await page.mouse.click(700, 800);
    await expect.poll(() => page.locator('[data-testid=search-help]').count()).toBe(0);
  });

  it('5: the photo viewer traps focus and gives it back to the grid cell on close', async () => {
    await page.fill('[data-testid=search-input]', '');
    await page.keyboard.press('Enter');
    await expect.poll(resultCount).toBe('10 photos');
    await page.click('[data-testid=grid-cell] >> nth=0');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=photo-view] [data-testid=tag-row]');
    const focusInViewer = () =>
      page.evaluate(
        `document.querySelector('[data-testid=photo-view]').contains(document.activeElement)`,
      );
    expect(await focusInViewer()).toBe(true);
    // Far more Tabs (both ways) than the viewer has controls: focus never leaves it.
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      expect(await focusInViewer()).toBe(true);
    }
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Shift+Tab');
      expect(await focusInViewer()).toBe(true);
    }
    await shot('5-viewer-focus');
    // Move to the next photo, close: the grid has focus, on the photo last shown.
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[data-testid=photo-view]').count()).toBe(0);
    expect(await page.evaluate(`document.activeElement?.dataset.testid`)).toBe('photo-grid');
    expect(await page.locator('[data-testid=grid-cell].focused').count()).toBe(1);
    expect(
      await page.evaluate(
        `[...document.querySelectorAll('[data-testid=grid-cell]')].findIndex((c) => c.classList.contains('focused'))`,
      ),
    ).toBe(1);
    // Keyboard works on from there.
    await page.keyboard.press('ArrowRight');
    await expect
      .poll(() =>
        page.evaluate(
          `[...document.querySelectorAll('[data-testid=grid-cell]')].findIndex((c) => c.classList.contains('focused'))`,
        ),
      )
      .toBe(2);
  });

  it("10: a tag typed in the photo view is shown as the user's, without a confidence bar", async () => {
    await page.dblclick('[data-testid=grid-cell][title="dog.jpg"]');
    await page.waitForSelector('[data-testid=photo-view] [data-testid=tag-row]');
    await page.fill('[data-testid=add-tag-input]', 'holiday');
    await page.keyboard.press('Enter');
    const row = '[data-testid=tags-user] [data-testid=tag-row][data-tag=holiday]';
    await page.waitForSelector(row);
    expect(await page.locator(`${row} [data-testid=confidence]`).count()).toBe(0);
    expect(await page.textContent(row)).not.toContain('100%');
    expect(await page.textContent('[data-testid=photo-view]')).toContain('Your tags');
    // Engine tags keep their bars.
    expect(
      await page.locator('[data-testid=tags-object] [data-testid=confidence]').count(),
    ).toBeGreaterThan(0);
    await shot('10-user-tags');
    await page.keyboard.press('Escape');
  });
});
