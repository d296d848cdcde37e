// End-to-end: manual albums and undoable bulk changes (issue 16, "Add"), in Debian's
// Chromium against the real web host on a temporary library of real photos: create a manual
// album, add the selection, reorder from the keyboard, remove; remove a tag from the
// selection and bring it back with Undo; the toast's words in English and Chinese. Each test
// saves a screenshot into test-output/ for a human to look at.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startWebHost, type WebHost } from '../../main/server/web-host.ts';
import { ensureRendererBuilt } from '../../main/server/renderer-build.ts';
import { chromiumPath, createE2eLibrary, launchChromium, type E2eLibrary } from './e2e-library.ts';

const hasChromium = existsSync(chromiumPath);
const repo = resolve(import.meta.dirname, '../..');
const screenshots = join(repo, 'test-output');

describe.skipIf(!hasChromium)('manual albums and bulk changes (startWebHost in Chromium)', () => {
  let library: E2eLibrary;
  let host: WebHost;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  async function shot(name: string): Promise<void> {
    await page.screenshot({ path: join(screenshots, `e2e-albums-${name}.png`) });
  }
  async function resultCount(): Promise<string> {
    return (await page.textContent('[data-testid=result-count]')) ?? '';
  }
  async function setLanguage(lang: 'en' | 'zh'): Promise<void> {
    const isZh = (await page.getAttribute('html', 'lang')) === 'zh-CN';
    if (isZh !== (lang === 'zh')) await page.click('[data-testid=lang-switch]');
    await expect.poll(() => page.getAttribute('html', 'lang')).toBe(lang === 'zh' ? 'zh-CN' : 'en');
  }
  async function search(text: string): Promise<void> {
    await page.fill('[data-testid=search-input]', text);
    await page.keyboard.press('Enter');
  }
  /** The file names of the grid's cells, in grid order. */
  async function gridNames(): Promise<string[]> {
    const names: string[] = [];
    for (const cell of await page.locator('[data-testid=grid-cell]').all()) {
      names.push((await cell.getAttribute('title')) ?? '');
    }
    return names;
  }
  /** Selects the cells from the first to the nth by click and Shift+click. */
  async function selectFirst(n: number): Promise<void> {
    await page.click('[data-testid=grid-cell] >> nth=0');
    await page.click(`[data-testid=grid-cell] >> nth=${String(n - 1)}`, { modifiers: ['Shift'] });
    await expect
      .poll(() => page.textContent('[data-testid=selection-bar]'))
      .toMatch(new RegExp(`${String(n)} selected|已选择 ${String(n)} 张`));
  }
  const toastText = () => page.textContent('[data-testid=toast-text]');

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
    page.on('dialog', (dialog) => {
      void dialog.accept();
    });
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

  it('creates a manual album, adds the selection, reorders it from the keyboard, removes a photo', async () => {
    await page.click('[data-testid=new-manual-album]');
    await page.fill('[data-testid=manual-album-name]', 'Trip');
    await page.keyboard.press('Enter');
    // The new album opens, empty, listed under "My albums" and not among the smart albums.
    await page.waitForSelector('text=This album is empty');
    expect(await page.textContent('[data-testid=manual-album-list]')).toContain('Trip');
    expect(await page.textContent('[data-testid=album-list]')).not.toContain('Trip');

    await page.click('[data-testid=nav-all]');
    await page.waitForSelector('[data-testid=grid-cell] img');
    const all = await gridNames();
    // Clicked out of order: the album takes them in the grid's order all the same.
    await page.click('[data-testid=grid-cell] >> nth=2');
    await page.click('[data-testid=grid-cell] >> nth=0', { modifiers: ['Control'] });
    await page.click('[data-testid=grid-cell] >> nth=1', { modifiers: ['Control'] });
    await expect.poll(() => page.textContent('[data-testid=selection-bar]')).toMatch(/3 selected/);
    await page.selectOption('[data-testid=selection-bar] [data-testid=add-to-album]', {
      label: 'Trip',
    });
    await expect.poll(toastText).toBe('Added 3 photos to ‘Trip’');
    expect(await page.getAttribute('[data-testid=toast-region]', 'role')).toBe('status');
    await shot('1-added-toast');

    await page.click('[data-testid=manual-album-list] >> text=Trip');
    await expect.poll(resultCount).toBe('3 photos');
    await expect.poll(gridNames).toEqual(all.slice(0, 3));
    expect(await page.textContent('[data-testid=manual-album-list]')).toMatch(/Trip\s*3/);

    // Reorder from the keyboard: select the last photo, Tab to "Move earlier", press Enter.
    await page.click('[data-testid=grid-cell] >> nth=2');
    await page.focus('[data-testid=album-move-earlier]');
    await page.keyboard.press('Enter');
    const moved = [all[0], all[2], all[1]];
    await expect.poll(gridNames).toEqual(moved);
    await page.keyboard.press('Enter');
    await expect.poll(gridNames).toEqual([all[2], all[0], all[1]]);
    expect(await page.isDisabled('[data-testid=album-move-earlier]')).toBe(true);
    await page.click('[data-testid=album-move-later]');
    await expect.poll(gridNames).toEqual(moved);
    await shot('2-reordered');

    // The order is the album's, kept in the catalog: a reload shows it again.
    await page.reload();
    await expect.poll(gridNames).toEqual(moved);

    // Export: a CSV download with the photos in the album's order.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=album-export]'),
    ]);
    expect(download.suggestedFilename()).toBe('Trip.csv');
    const csv = readFileSync(await download.path(), 'utf8');
    const firstRow = (name: string | undefined) =>
      csv.split('\n').findIndex((line) => name !== undefined && line.includes(`/${name},`));
    expect(moved.map(firstRow)).toEqual([...moved.map(firstRow)].sort((a, b) => a - b));
    expect(firstRow(moved[0])).toBeGreaterThan(0);

    await page.click('[data-testid=grid-cell] >> nth=0');
    await page.click('[data-testid=album-remove-photos]');
    await expect.poll(resultCount).toBe('2 photos');
    await expect.poll(gridNames).toEqual(moved.slice(1));
    await expect
      .poll(() => page.textContent('[data-testid=manual-album-list]'))
      .toMatch(/Trip\s*2/);
    await shot('3-removed');
  });

  it('removes the open photo from its album in the photo view; Undo puts it back at its place', async () => {
    await page.click('[data-testid=new-manual-album]');
    await page.fill('[data-testid=manual-album-name]', 'Road trip');
    await page.keyboard.press('Enter');
    await page.waitForSelector('text=This album is empty');
    await page.click('[data-testid=nav-all]');
    await page.waitForSelector('[data-testid=grid-cell] img');
    await selectFirst(3);
    await page.selectOption('[data-testid=selection-bar] [data-testid=add-to-album]', {
      label: 'Road trip',
    });
    await expect.poll(toastText).toBe('Added 3 photos to ‘Road trip’');
    await page.click('[data-testid=manual-album-list] >> text=Road trip');
    await expect.poll(resultCount).toBe('3 photos');
    const order = await gridNames();

    // The middle photo, so "its place" is not simply the end; once in English, once in Chinese.
    const removeMiddleAndUndo = async (removed: string, undone: string, count: RegExp) => {
      await page.dblclick('[data-testid=grid-cell] >> nth=1');
      await page.waitForSelector('[data-testid=photo-view]');
      await page.click('[data-testid=photo-remove-from-album]');
      await expect.poll(toastText).toBe(removed);
      // The pointer holds the toast (it leaves after 8 s otherwise, which a loaded machine
      // can take to get through the checks below).
      await page.hover('[data-testid=toast]');
      await expect.poll(gridNames).toEqual([order[0], order[2]]);
      await expect.poll(resultCount).toMatch(count);
      await shot(`7-photo-view-removed-${removed.startsWith('R') ? 'en' : 'zh'}`);
      // Undo from the toast over the open photo view.
      await page.click('[data-testid=toast-undo]');
      await expect.poll(toastText).toBe(undone);
      await expect.poll(gridNames).toEqual(order);
      await page.keyboard.press('Escape');
      await page.waitForSelector('[data-testid=photo-view]', { state: 'detached' });
    };
    await removeMiddleAndUndo(
      'Removed from ‘Road trip’',
      'Undone: Removed from ‘Road trip’',
      /^2 photos$/,
    );
    expect(await page.textContent('[data-testid=manual-album-list]')).toMatch(/Road trip\s*3/);
    await setLanguage('zh');
    await removeMiddleAndUndo('已从“Road trip”移除', '已撤销：已从“Road trip”移除', /^2 张照片$/);
    // Kept in the catalog, not only on screen.
    await page.reload();
    await expect.poll(gridNames).toEqual(order);
    expect(pageErrors).toEqual([]);
  });

  it('removes a tag from the selection, and Undo after the grid refreshed brings it back (中文)', async () => {
    await setLanguage('zh');
    await expect.poll(resultCount).toMatch(/^\d+ 张照片$/);
    const all = await resultCount();
    await search('动物');
    // The search's own count (the fixture has the tag on some photos, not all).
    await expect.poll(resultCount).not.toBe(all);
    await expect.poll(resultCount).toMatch(/^\d+ 张照片$/);
    const before = await resultCount();
    const n = Number(/^(\d+)/.exec(before)?.[1]);
    expect(n).toBeGreaterThan(1);
    await selectFirst(n);
    await page.fill('[data-testid=selection-bar] input', '动物');
    await page.click('[data-testid=bulk-remove-tag]');
    await expect.poll(toastText).toBe(`已从 ${String(n)} 张照片移除标签“动物”`);
    // The grid refreshed: nothing carries the tag any more.
    await expect.poll(() => page.locator('[data-testid=grid-cell]').count()).toBe(0);
    await shot('4-removed-tag-zh');

    await page.click('[data-testid=toast-undo]');
    await expect.poll(toastText).toBe(`已撤销：已从 ${String(n)} 张照片移除标签“动物”`);
    await expect.poll(resultCount).toBe(before);
    expect(await page.locator('[data-testid=toast-undo]').count()).toBe(0);
    await shot('5-undone-zh');
  });

  it('says a tag added to one or several photos with the right plural, and the toast goes away', async () => {
    await selectFirst(2);
    await page.fill('[data-testid=selection-bar] input', 'holiday');
    await page.keyboard.press('Enter');
    await expect.poll(toastText).toBe('Tagged 2 photos ‘holiday’');
    await page.click('[data-testid=toast-undo]');
    await expect.poll(toastText).toBe('Undone: Tagged 2 photos ‘holiday’');
    await search('holiday');
    await expect.poll(() => page.locator('[data-testid=grid-cell]').count()).toBe(0);

    // One photo, from the photo view: "Add to album" says 1 photo (singular).
    await page.click('[data-testid=new-manual-album]');
    await page.fill('[data-testid=manual-album-name]', 'Favourites');
    await page.keyboard.press('Enter');
    await page.click('[data-testid=nav-all]');
    await page.dblclick('[data-testid=grid-cell] >> nth=0');
    await page.waitForSelector('[data-testid=photo-view]');
    await page.selectOption('[data-testid=photo-add-to-album]', { label: 'Favourites' });
    await expect.poll(toastText).toBe('Added 1 photo to ‘Favourites’');
    await shot('6-photo-view-added');
    await page.keyboard.press('Escape');
    // The toast leaves by itself (8 s) when the pointer is not on it.
    await page.mouse.move(5, 5);
    await expect
      .poll(() => page.locator('[data-testid=toast]').count(), { timeout: 12_000 })
      .toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
