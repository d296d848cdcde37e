// End-to-end: the rough edges a daily user hit (issue 16, "Fix"), each checked in Debian's
// Chromium against the real web host on a temporary library of real photos. Each test
// saves a screenshot into test-output/ for a human to look at.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openCatalog } from '../../main/catalog/catalog-connection.ts';
import { startWebHost, type WebHost } from '../../main/server/web-host.ts';
import { dataPaths } from '../../main/util/data-dir.ts';
import { ensureRendererBuilt } from '../../main/server/renderer-build.ts';
import { chromiumPath, createE2eLibrary, launchChromium, type E2eLibrary } from './e2e-library.ts';

const hasChromium = existsSync(chromiumPath);
const repo = resolve(import.meta.dirname, '../..');
const screenshots = join(repo, 'test-output');
/** For state the host pushes from its once-a-second poller (main/app/app-context.ts). */
const hostPoll = { timeout: 8000 };

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

  // Each test starts from a fresh page in English, so one failing test cannot fail the next.
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
    await page.click('[data-testid=photo-close]');
    await expect.poll(() => page.locator('[data-testid=photo-view]').count()).toBe(0);
  });

  it('Escape in the tag box first clears what was typed, then closes the viewer', async () => {
    await page.dblclick('[data-testid=grid-cell][title="dog.jpg"]');
    await page.waitForSelector('[data-testid=photo-view] [data-testid=tag-row]');
    await page.fill('[data-testid=add-tag-input]', 'half typed');
    await page.keyboard.press('Escape');
    expect(await page.inputValue('[data-testid=add-tag-input]')).toBe('');
    expect(await page.locator('[data-testid=photo-view]').count()).toBe(1);
    expect(await page.evaluate(`document.activeElement?.dataset.testid`)).toBe('add-tag-input');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[data-testid=photo-view]').count()).toBe(0);
    expect(await page.evaluate(`document.activeElement?.dataset.testid`)).toBe('photo-grid');
  });

  it('1: a cloud card not set up says so in the UI language, by name, with the fields marked', async () => {
    await setLanguage('zh');
    await page.click('[data-testid=open-settings]');
    await page.waitForSelector('[data-testid=engine-huawei] [data-testid=engine-problem]');
    const problem =
      (await page.textContent('[data-testid=engine-huawei] [data-testid=engine-problem]')) ?? '';
    expect(problem).toContain('华为云尚未设置');
    // The vendor's announced end is on the card, in the UI language, with both dates.
    const retirement =
      (await page.textContent('[data-testid=engine-huawei] [data-testid=engine-retirement]')) ?? '';
    expect(retirement).toContain('2026-06-30 起停止售卖');
    expect(retirement).toContain('2026-12-30');
    expect(await page.locator('[data-testid=engine-retirement]').count()).toBe(1);
    // No schema dump (zod's "✖ Invalid input … → at projectId").
    expect(problem).not.toMatch(/Invalid input|✖|→/);
    // Every credential field the engine needs is marked, translated.
    expect(
      await page.locator('[data-testid=engine-huawei] [data-testid=field-needed]').count(),
    ).toBe(3);
    expect(
      await page.textContent('[data-testid=engine-huawei] [data-testid=field-needed] >> nth=0'),
    ).toBe('必填');
    await shot('1-settings-before-test');
    await page.click('[data-testid=engine-huawei] [data-testid=engine-test]');
    const actions = '[data-testid=engine-huawei] .engine-actions';
    await expect.poll(() => page.textContent(actions)).toContain('华为云尚未设置');
    expect(await page.textContent(actions)).not.toContain('huawei engine');
    await page.locator('[data-testid=engine-huawei]').scrollIntoViewIfNeeded();
    await shot('1-settings-not-set-up-zh');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[data-testid=settings]').count()).toBe(0);
    await setLanguage('en');
  });

  it('4: pause shows on reading photos too, no ETA while paused or before the rate is stable, plurals right', async () => {
    // A real catalog state, written beside the running host (the host polls it every
    // second): 30 tag jobs waiting (not due, so the runner leaves them) and the fixture's
    // 10 on-device results.
    const db = openCatalog(dataPaths(library.dataRoot).catalog);
    const now = Date.now();
    const insertJob = db.prepare(
      `INSERT INTO jobs (kind, engine, state, next_run_at, created_at, updated_at)
       VALUES ('tag', 'local', 'queued', ?, ?, ?)`,
    );
    for (let i = 0; i < 30; i++) insertJob.run(now + 86_400_000, now, now);
    const setFinished = (ago: number, limit: number) =>
      db
        .prepare(
          `UPDATE engine_results SET finished_at = ? WHERE engine = 'local' AND content_id IN
             (SELECT content_id FROM engine_results WHERE engine = 'local' ORDER BY content_id LIMIT ?)`,
        )
        .run(Date.now() - ago, limit);
    const stats = () => page.textContent('[data-testid=activity-local]');
    try {
      // All 10 results came just now: no rate stable enough for an ETA yet.
      setFinished(0, 10);
      await page.click('[data-testid=open-activity]');
      await page.waitForSelector('[data-testid=activity-local]');
      await expect.poll(stats, hostPoll).toContain('30 waiting');
      expect(await stats()).not.toContain('left');
      // Over two minutes: a stable rate, so an ETA (10 in 2 min = 5/min, 30 left = 6 min).
      setFinished(120_000, 10);
      await expect.poll(stats, hostPoll).toContain('about 6 min left');
      // Pause all: both rows say Paused, and no ETA.
      await page.click('[data-testid=activity-panel] button:has-text("Pause all")');
      await page.waitForSelector('[data-testid=activity-ingest] [data-testid=ingest-paused]');
      await expect.poll(stats, hostPoll).toContain('Paused');
      expect(await stats()).not.toContain('left');
      await shot('4-activity-paused');
      await page.click('[data-testid=activity-panel] button:has-text("Resume all")');
      await expect
        .poll(() =>
          page.locator('[data-testid=activity-ingest] [data-testid=ingest-paused]').count(),
        )
        .toBe(0);
      // 5 results in just under the 5-minute window, the rest older: 1 photo a minute.
      setFinished(3_600_000, 10);
      setFinished(295_000, 5);
      await expect.poll(stats, hostPoll).toContain('1 photo/min');
      expect(await stats()).not.toContain('photos/min');
      await page.click('[data-testid=open-activity]');
    } finally {
      db.prepare(`DELETE FROM jobs WHERE engine = 'local' AND next_run_at > ?`).run(now);
      db.close();
    }
  });

  it('8: search while typing matches tag-name prefixes of the last word, as autocomplete offers', async () => {
    const box = page.locator('[data-testid=search-input]');
    await page.fill('[data-testid=search-input]', '');
    await box.pressSequentially('do');
    await page.waitForSelector('[data-testid=suggestions]');
    await expect.poll(resultCount).toBe('2 photos');
    await shot('8-prefix-do');
    await page.fill('[data-testid=search-input]', '');
    await box.pressSequentially('animal ho');
    await expect.poll(resultCount).toBe('1 photo');
    expect(await page.getAttribute('[data-testid=grid-cell]', 'title')).toBe('horses.jpg');
    // Chinese: part of a name.
    await page.fill('[data-testid=search-input]', '');
    await box.pressSequentially('长颈');
    await expect.poll(resultCount).toBe('1 photo');
    await page.fill('[data-testid=search-input]', '');
    await page.keyboard.press('Enter');
    await expect.poll(resultCount).toBe('10 photos');
  });

  it('7: the search, the open photo and the album live in the URL (reload, Back)', async () => {
    await page.fill('[data-testid=search-input]', 'horse');
    await page.keyboard.press('Enter');
    await expect.poll(resultCount).toBe('2 photos');
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('horse');
    await page.dblclick('[data-testid=grid-cell][title="person.jpg"]');
    await page.waitForSelector('[data-testid=photo-view]');
    await expect.poll(() => new URL(page.url()).searchParams.get('photo')).toMatch(/^\d+$/);
    // A reload (or the link sent to someone) shows the same search and photo.
    await page.reload();
    await page.waitForSelector('[data-testid=photo-view] [data-testid=tag-row]');
    expect(await page.textContent('[data-testid=photo-view]')).toContain('person.jpg');
    expect(await page.inputValue('[data-testid=search-input]')).toBe('horse');
    await expect.poll(resultCount).toBe('2 photos');
    await shot('7-url-state-reloaded');
    // Back closes the photo, and Back again goes to the search before.
    await page.goBack();
    await expect.poll(() => page.locator('[data-testid=photo-view]').count()).toBe(0);
    expect(await page.inputValue('[data-testid=search-input]')).toBe('horse');
    await page.goBack();
    await expect.poll(() => page.inputValue('[data-testid=search-input]')).not.toBe('horse');
    // An album is in the URL too.
    await page.fill('[data-testid=search-input]', 'animal');
    await page.keyboard.press('Enter');
    await expect.poll(resultCount).toBe('3 photos');
    await page.click('[data-testid=save-album]');
    await page.fill('[data-testid=album-name]', 'Animals');
    await page.click('[data-testid=album-create]');
    await expect.poll(() => new URL(page.url()).searchParams.get('album')).toMatch(/^\d+$/);
    await page.reload();
    await expect.poll(() => page.textContent('.album-title')).toBe('Animals');
    await expect.poll(resultCount).toBe('3 photos');
  });

  it('6: a folder typed as ~/… is the home folder, not the server working folder', async () => {
    // An empty folder in the real home folder (removed after), added as `~/<name>`.
    const inHome = mkdtempSync(join(homedir(), 'tujian-e2e-home-'));
    try {
      await page.click('[data-testid=add-folder]');
      await page.fill('[data-testid=folder-path]', `~/${basename(inHome)}`);
      await page.keyboard.press('Enter');
      await expect
        .poll(() => page.textContent('[data-testid=folder-list]'))
        .toContain(basename(inHome));
      await shot('6-folder-from-home');
      expect(
        await page.getAttribute(
          `[data-testid=folder-list] li:has-text("${basename(inHome)}") .folder-main`,
          'title',
        ),
      ).toBe(inHome);
    } finally {
      rmSync(inHome, { recursive: true, force: true });
    }
  });

  it('3: the folder dot follows the catalog live (offline and back) without a reload', async () => {
    const dot = '[data-testid=folder-list] li:has-text("Photos") .status-dot';
    await expect.poll(() => page.getAttribute(dot, 'class'), hostPoll).toContain('online');
    // The catalog says the folder went offline (as the runtime or `tujian` in another
    // process records it): the sidebar follows without a reload.
    const db = openCatalog(dataPaths(library.dataRoot).catalog);
    const setStatus = (status: string) =>
      db.prepare(`UPDATE folders SET status = ? WHERE path = ?`).run(status, library.photosDir);
    try {
      setStatus('offline');
      await expect.poll(() => page.getAttribute(dot, 'class'), hostPoll).toContain('offline');
      await shot('3-folder-offline-live');
      setStatus('online');
      await expect.poll(() => page.getAttribute(dot, 'class'), hostPoll).not.toContain('offline');
    } finally {
      db.close();
    }
  });
});
