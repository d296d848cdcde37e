// End-to-end: the Duplicates review page and "Similar photos" in the real web host's UI, in
// Debian's Chromium (playwright-core), on a library ingested for real (thumbnails and
// perceptual hashes by the ingest code) from the sample photos plus near-duplicates made of
// them: a smaller re-encoded dog, a byte copy of it in another folder, a WebP eagle; a photo
// not hashed yet says so in its view instead of an empty "Similar photos". "Keep this
// one" marks the others; Cancel in the dialog that names them moves nothing; confirming moves
// them to the folder's .tujian-trash; "Not duplicates" is remembered across a reload.
// Screenshots go to test-output/. Needs Chromium and ../shared/samples; skips with a message
// when either is absent.
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRendererBuilt } from '../../main/server/renderer-build.ts';
import { startWebHost, type WebHost } from '../../main/server/web-host.ts';
import { ingestFolder, makeTestLibrary, type TestLibrary } from '../library/library-fixtures.ts';
import { chromiumPath, launchChromium, samplesDir } from './e2e-library.ts';

const ready = existsSync(chromiumPath) && existsSync(samplesDir);
if (!ready) {
  console.warn(
    `Skipping the duplicates browser test: it needs ${chromiumPath} and the sample photos at ${samplesDir}.`,
  );
}
const screenshots = resolve(import.meta.dirname, '../../test-output');

describe.skipIf(!ready)('web UI: duplicates review and similar photos', () => {
  let lib: TestLibrary;
  let host: WebHost;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const resultCount = async () => (await page.textContent('[data-testid=result-count]')) ?? '';
  const groups = () => page.locator('[data-testid=duplicate-group]');

  beforeAll(async () => {
    ensureRendererBuilt();
    mkdirSync(screenshots, { recursive: true });
    lib = makeTestLibrary();
    const photos = lib.photos;
    for (const name of ['dog.jpg', 'eagle.jpg', 'giraffe.jpg', 'horses.jpg', 'kite.jpg']) {
      copyFileSync(join(samplesDir, name), join(photos, name));
    }
    writeFileSync(
      join(photos, 'dog-small.jpg'),
      await sharp(join(samplesDir, 'dog.jpg'))
        .resize({ width: 320 })
        .jpeg({ quality: 60 })
        .toBuffer(),
    );
    mkdirSync(join(photos, 'backup'));
    copyFileSync(join(samplesDir, 'dog.jpg'), join(photos, 'backup', 'dog.jpg'));
    writeFileSync(
      join(photos, 'eagle.webp'),
      await sharp(join(samplesDir, 'eagle.jpg')).webp({ quality: 70 }).toBuffer(),
    );
    await ingestFolder(lib, lib.folder.id);
    // kite.jpg as a photo the background pass has not hashed yet (this host runs no runtime,
    // so nothing hashes it meanwhile).
    lib.db
      .prepare(
        `DELETE FROM perceptual_hashes WHERE content_id = (SELECT content_id FROM photos WHERE rel_path = 'kite.jpg')`,
      )
      .run();
    lib.db.close();
    host = await startWebHost({ dataRoot: lib.dataRoot });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(host.url);
  }, 60_000);

  afterAll(async () => {
    await browser.close();
    await host.close();
    rmSync(lib.root, { recursive: true, force: true });
  });

  it('"Similar photos" in the photo view shows the photo and its near-duplicates', async () => {
    await page.dblclick('[data-testid=grid-cell][title="dog-small.jpg"]');
    await page.click('[data-testid=photo-similar]');
    await expect.poll(resultCount).toBe('3 photos');
    await expect.poll(() => page.inputValue('[data-testid=search-input]')).toMatch(/^similar:\d+$/);
    expect(pageErrors).toEqual([]);
  });

  it('"Similar photos" on a photo not analysed yet says so, not an empty grid', async () => {
    await page.fill('[data-testid=search-input]', '');
    await page.press('[data-testid=search-input]', 'Enter');
    await expect.poll(resultCount).toBe('8 photos');
    await page.dblclick('[data-testid=grid-cell][title="kite.jpg"]');
    await expect
      .poll(() => page.textContent('[data-testid=photo-similar-state]'))
      .toBe('Not analysed yet: similar photos can be found once it is.');
    expect(await page.isDisabled('[data-testid=photo-similar]')).toBe(true);
    await page.click('[data-testid=photo-close]');
    expect(pageErrors).toEqual([]);
  });

  it('shows the groups side by side with their facts', async () => {
    await page.click('[data-testid=nav-duplicates]');
    await expect.poll(() => groups().count()).toBe(2);
    const dogGroup = groups().filter({ hasText: 'dog-small.jpg' });
    await expect.poll(() => dogGroup.locator('[data-testid=duplicate-photo]').count()).toBe(3);
    const text = (await dogGroup.textContent()) ?? '';
    expect(text).toContain('320 × 240');
    expect(text).toContain('photos/backup');
    expect(text).toContain('Identical copy');
    expect(text).toContain('Difference');
    const eagleGroup = groups().filter({ hasText: 'eagle.webp' });
    expect(await eagleGroup.textContent()).toContain('Largest');
    // The thumbnails are loaded (the page shows pictures, not broken images).
    await expect
      .poll(() =>
        page.$$eval('[data-testid=duplicate-photo] img', (imgs) =>
          imgs.every((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0),
        ),
      )
      .toBe(true);
    await page.screenshot({ path: join(screenshots, 'e2e-duplicates.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('Keep this one marks the others; nothing moves until the dialog naming them is confirmed', async () => {
    const dogGroup = groups().filter({ hasText: 'dog-small.jpg' });
    const cards = dogGroup.locator('[data-testid=duplicate-photo]');
    // Keep the small copy, so both full-size files are the ones named.
    await cards
      .filter({ hasText: 'dog-small.jpg' })
      .locator('[data-testid=duplicate-keep]')
      .click();
    await expect.poll(() => dogGroup.locator('.duplicate-card.marked').count()).toBe(2);
    await dogGroup.locator('[data-testid=duplicate-move]').click();
    const files = page.locator('[data-testid=duplicates-confirm-files] li');
    await expect
      .poll(() => files.allTextContents())
      .toEqual(
        expect.arrayContaining([
          join(lib.photos, 'dog.jpg'),
          join(lib.photos, 'backup', 'dog.jpg'),
        ]),
      );
    expect(await files.count()).toBe(2);
    await page.screenshot({ path: join(screenshots, 'e2e-duplicates-confirm.png') });
    await page.click('[data-testid=duplicates-confirm-cancel]');
    await expect.poll(() => page.locator('[data-testid=duplicates-confirm]').count()).toBe(0);
    expect(existsSync(join(lib.photos, 'dog.jpg'))).toBe(true);
    expect(existsSync(join(lib.photos, 'backup', 'dog.jpg'))).toBe(true);
    expect(existsSync(join(lib.photos, '.tujian-trash'))).toBe(false);

    await dogGroup.locator('[data-testid=duplicate-move]').click();
    await page.click('[data-testid=duplicates-confirm-move]');
    await expect
      .poll(() => page.textContent('[data-testid=duplicates-note]'))
      .toBe('Moved to the trash: 2.');
    await expect.poll(() => groups().count()).toBe(1);
    expect(existsSync(join(lib.photos, 'dog.jpg'))).toBe(false);
    expect(existsSync(join(lib.photos, '.tujian-trash', 'dog.jpg'))).toBe(true);
    expect(existsSync(join(lib.photos, '.tujian-trash', 'backup', 'dog.jpg'))).toBe(true);
    expect(existsSync(join(lib.photos, 'dog-small.jpg'))).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it('"Not duplicates" is remembered across a reload; the page speaks Chinese too', async () => {
    await groups().first().locator('[data-testid=duplicate-dismiss]').click();
    await expect.poll(() => page.locator('[data-testid=duplicates-empty]').count()).toBe(1);
    await page.reload();
    await page.click('[data-testid=lang-switch]');
    await page.click('[data-testid=nav-duplicates]');
    await expect
      .poll(() => page.textContent('[data-testid=duplicates-empty]'))
      .toBe('没有发现重复照片。');
    expect(await page.textContent('[data-testid=nav-duplicates]')).toContain('重复照片');
    expect(pageErrors).toEqual([]);
  });
});
