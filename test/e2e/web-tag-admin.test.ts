// End-to-end: renaming and merging tags in the real web host's UI, in Debian's Chromium
// (playwright-core), on a temporary library of real photos (e2e-library.ts). Screenshots of
// the merge confirmation in both languages go to test-output/ for a human to look at. Skips
// (with a message) only when /usr/bin/chromium is absent.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRendererBuilt } from '../../main/server/renderer-build.ts';
import { startWebHost, type WebHost } from '../../main/server/web-host.ts';
import { chromiumPath, createE2eLibrary, launchChromium, type E2eLibrary } from './e2e-library.ts';

const hasChromium = existsSync(chromiumPath);
const repo = resolve(import.meta.dirname, '../..');
const screenshots = join(repo, 'test-output');

if (!hasChromium) {
  console.warn(`Skipping tag editing browser tests: ${chromiumPath} is not installed.`);
}

describe.skipIf(!hasChromium)('tag rename and merge (web UI in Chromium)', () => {
  let library: E2eLibrary;
  let host: WebHost;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  async function search(text: string): Promise<void> {
    await page.fill('[data-testid=search-input]', text);
    await page.keyboard.press('Enter');
  }
  const resultCount = async () => (await page.textContent('[data-testid=result-count]')) ?? '';
  const facetTags = async () =>
    (await page.locator('[data-testid=facet-tags] li').allTextContents()).join(' | ');

  /** Opens the ⋯ menu of a tag (hover shows it) and picks an item. */
  async function tagMenu(row: string, item: 'rename' | 'merge'): Promise<void> {
    await page.hover(row);
    await page.click(`${row} [data-testid=tag-menu]`);
    await page.click(`[data-testid=tag-menu-${item}]`);
    await page.waitForSelector('[data-testid=tag-dialog]');
  }

  beforeAll(async () => {
    ensureRendererBuilt();
    mkdirSync(screenshots, { recursive: true });
    library = await createE2eLibrary();
    host = await startWebHost({ dataRoot: library.dataRoot });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await page.goto(host.url);
    await page.waitForSelector('[data-testid=facet-tags] li[data-tag=kite]');
  });

  afterAll(async () => {
    await browser.close();
    await host.close();
    rmSync(library.root, { recursive: true, force: true });
  });

  it('renames a tag from the refine panel; facets, search box and search follow', async () => {
    await page.click('[data-testid=facet-tags] li[data-tag=kite] button.facet');
    await expect.poll(resultCount).toBe('1 photo');
    expect(await page.inputValue('[data-testid=search-input]')).toBe('kite');

    await tagMenu('[data-testid=facet-tags] li[data-tag=kite]', 'rename');
    expect(await page.inputValue('[data-testid=tag-rename-zh]')).toBe('风筝');
    await page.fill('[data-testid=tag-rename-zh]', '纸鸢');
    await page.fill('[data-testid=tag-rename-en]', 'Paper kite');
    await page.click('[data-testid=tag-rename-save]');
    await expect.poll(() => page.locator('[data-testid=tag-dialog]').count()).toBe(0);

    // The active facet and the query now use the new name; the result is unchanged.
    await expect
      .poll(() => page.textContent('[data-testid=facet-tags] li[data-tag=kite]'))
      .toContain('Paper kite');
    expect(await page.inputValue('[data-testid=search-input]')).toBe('"Paper kite"');
    await expect.poll(resultCount).toBe('1 photo');
    await search('纸鸢');
    await expect.poll(resultCount).toBe('1 photo');
    await search('风筝');
    await expect.poll(resultCount).toBe('0 photos');

    // A new name that another tag already has: the dialog stays and offers the merge.
    await search('纸鸢');
    await tagMenu('[data-testid=facet-tags] li[data-tag=kite]', 'rename');
    await page.fill('[data-testid=tag-rename-en]', 'Person');
    await page.click('[data-testid=tag-rename-save]');
    await page.click('[data-testid=tag-merge-same-name]');
    await page.waitForSelector('[data-testid=tag-merge-confirm]');
    expect(await page.textContent('[data-testid=tag-merge-confirm]')).toContain(
      'Merge “Person” into “person”?',
    );
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[data-testid=tag-dialog]').count()).toBe(0);
  });

  it('merges a tag into another from the photo view, after a confirmation', async () => {
    await search('zebra');
    await expect.poll(resultCount).toBe('1 photo');
    await page.dblclick('[data-testid=grid-cell][title="giraffe.jpg"]');
    await page.waitForSelector('[data-testid=tag-row][data-tag=zebra]');

    await tagMenu('[data-testid=tag-row][data-tag=zebra]', 'merge');
    await page.locator('[data-testid=tag-merge-target]').pressSequentially('hor');
    await page.waitForSelector('[data-testid=tag-merge-suggestions] li[data-tag=horse]');
    // The tag itself is never offered as its own target.
    await page.fill('[data-testid=tag-merge-target]', 'zeb');
    await expect
      .poll(() => page.textContent('[data-testid=tag-dialog]'))
      .toContain('No other tag matches.');
    await page.fill('[data-testid=tag-merge-target]', 'hor');
    await page.click('[data-testid=tag-merge-suggestions] li[data-tag=horse]');
    await page.waitForSelector('[data-testid=tag-merge-confirm]');
    const confirm = (await page.textContent('[data-testid=tag-merge-confirm]')) ?? '';
    expect(confirm).toContain('Merge “zebra” into “horse”?');
    expect(confirm).toContain('“zebra” disappears; “horse” goes to its 1 photo (1 newly).');
    expect(confirm).toContain('Searching for “斑马” “zebra” finds “horse” from now on.');
    expect(confirm).toContain('When an engine recognises “zebra” again, the photo gets “horse”.');
    await page.screenshot({ path: join(screenshots, 'e2e-tag-merge-confirm-en.png') });

    await page.click('[data-testid=tag-merge-confirm-button]');
    await expect.poll(() => page.locator('[data-testid=tag-dialog]').count()).toBe(0);
    // The open photo now shows horse where zebra was, boxes included.
    await expect.poll(() => page.locator('[data-testid=tag-row][data-tag=zebra]').count()).toBe(0);
    await page.waitForSelector('[data-testid=tag-row][data-tag=horse]');
    expect(await page.locator('[data-testid=tag-box][data-tag=horse]').count()).toBe(1);
    await page.click('[data-testid=photo-close]');

    await search('horse');
    await expect.poll(resultCount).toBe('3 photos');
    const names: (string | null)[] = [];
    for (const cell of await page.locator('[data-testid=grid-cell]').all()) {
      names.push(await cell.getAttribute('title'));
    }
    expect(names.sort()).toEqual(['giraffe.jpg', 'horses.jpg', 'person.jpg']);
    await search('');
    await page.click('[data-testid=nav-all]');
    await expect.poll(resultCount).toBe('10 photos');
    await expect.poll(facetTags).toContain('horse');
    expect(await page.locator('[data-testid=facet-tags] li[data-tag=zebra]').count()).toBe(0);
    // The old name is a name of horse now: it finds every horse photo.
    await search('斑马');
    await expect.poll(resultCount).toBe('3 photos');
  });

  it('shows the merge confirmation in Chinese, and Back/Cancel change nothing', async () => {
    await search('');
    await page.click('[data-testid=nav-all]');
    await page.click('[data-testid=lang-switch]');
    await expect.poll(resultCount).toBe('10 张照片');
    await tagMenu('[data-testid=facet-tags] li[data-tag=cup]', 'merge');
    await page.locator('[data-testid=tag-merge-target]').pressSequentially('文字');
    await page.click('[data-testid=tag-merge-suggestions] li[data-tag=text]');
    await page.waitForSelector('[data-testid=tag-merge-confirm]');
    const confirm = (await page.textContent('[data-testid=tag-merge-confirm]')) ?? '';
    expect(confirm).toContain('将“杯子”合并到“文字”？');
    expect(confirm).toContain('合并后无法撤销。');
    await page.screenshot({ path: join(screenshots, 'e2e-tag-merge-confirm-zh.png') });
    await page.click('[data-testid=tag-dialog] .tag-dialog-actions button >> nth=0');
    await page.waitForSelector('[data-testid=tag-merge-target]');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[data-testid=tag-dialog]').count()).toBe(0);
    expect(await page.locator('[data-testid=facet-tags] li[data-tag=cup]').count()).toBe(1);
    await page.click('[data-testid=lang-switch]');
    await expect.poll(resultCount).toBe('10 photos');
    expect(pageErrors).toEqual([]);
  });
});
