// End-to-end: people in the real web host's UI, in Debian's Chromium (playwright-core). The
// library holds real face photos (test/fixtures/people) with real thumbnails; their faces
// carry synthetic descriptors per labelled person (test/catalog/people-fixture.ts) rather
// than faceres's, so the test is about the UI and runs in seconds (test/people runs the real
// model). The full pass runs in the real worker before the host starts. Skips (with a
// message) only when /usr/bin/chromium is absent.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reclusterCatalog } from '../../main/people/people-sync.ts';
import { ensureRendererBuilt } from '../../main/server/renderer-build.ts';
import { startWebHost, type WebHost } from '../../main/server/web-host.ts';
import { dataPaths } from '../../main/util/data-dir.ts';
import { PeopleFixture } from '../catalog/people-fixture.ts';
import { chromiumPath, launchChromium } from './e2e-library.ts';

const hasChromium = existsSync(chromiumPath);
const fixtures = join(import.meta.dirname, '..', 'fixtures', 'people');

if (!hasChromium) console.warn(`Skipping people browser tests: ${chromiumPath} is not installed.`);

describe.skipIf(!hasChromium)('people (web UI in Chromium)', () => {
  let fx: PeopleFixture;
  let host: WebHost;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const resultCount = async () => (await page.textContent('[data-testid=result-count]')) ?? '';

  beforeAll(async () => {
    ensureRendererBuilt();
    fx = new PeopleFixture();
    // Amy and Howard three times each; Penny once (one face: no person until named).
    for (const [who, count] of [
      ['amy', 3],
      ['howard', 3],
      ['penny', 1],
    ] as const) {
      for (let i = 1; i <= count; i++) {
        const bytes = readFileSync(join(fixtures, who, `${who}${String(i)}.png`));
        const hash = createHash('sha256').update(bytes).digest('hex');
        for (const kind of ['thumbnails', 'previews'] as const) {
          const out = join(dataPaths(fx.data)[kind], hash.slice(0, 2), `${hash}.webp`);
          mkdirSync(dirname(out), { recursive: true });
          await sharp(bytes).webp().toFile(out);
        }
        fx.addPhoto(`${who}${String(i)}.png`, who, `2024-0${String(i)}-0${String(i)}`, hash);
      }
    }
    fx.db.exec(`UPDATE contents SET has_preview = 1, width = 150, height = 150`);
    await reclusterCatalog(fx.db);
    fx.db.close();
    host = await startWebHost({ dataRoot: fx.data });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(host.url);
  }, 60_000);

  afterAll(async () => {
    await browser.close();
    await host.close();
    rmSync(fx.root, { recursive: true, force: true });
  });

  it('names a person in the People view and finds their photos by the name', async () => {
    await page.click('[data-testid=nav-people]');
    await expect.poll(() => page.locator('[data-testid=person-card]').count()).toBe(2);
    const first = page.locator('[data-testid=person-card]').first();
    await first.locator('[data-testid=person-name]').fill('Amy Farrah');
    await first.locator('[data-testid=person-name]').press('Enter');
    await expect
      .poll(() => first.locator('[data-testid=person-name]').inputValue())
      .toBe('Amy Farrah');

    await page.fill('[data-testid=search-input]', 'person:"Amy Farrah"');
    await page.keyboard.press('Enter');
    await expect.poll(resultCount).toBe('3 photos');
    await expect.poll(() => page.locator('[data-testid=photo-grid] img').count()).toBe(3);
    expect(pageErrors).toEqual([]);
  });

  it('merges two persons by the menu, and the person page lists every face', async () => {
    await page.click('[data-testid=nav-people]');
    await expect.poll(() => page.locator('[data-testid=person-card]').count()).toBe(2);
    const second = page.locator('[data-testid=person-card]').nth(1);
    await second.locator('[data-testid=merge-person]').click();
    await second.locator('[data-testid=merge-target]').selectOption({ label: 'Amy Farrah' });
    await expect.poll(() => page.locator('[data-testid=person-card]').count()).toBe(1);
    await page.click('[data-testid=open-person]');
    await expect.poll(() => page.locator('[data-testid=person-face]').count()).toBe(6);
    await page.click('[data-testid=person-photos]');
    await expect.poll(resultCount).toBe('6 photos');
    expect(pageErrors).toEqual([]);
  });

  it('asks "Who is this?" on an unnamed face; the name labels its box and finds the photo', async () => {
    await page.click('[data-testid=nav-all]');
    await page.dblclick('[data-testid=grid-cell][title="penny1.png"]');
    await page.waitForSelector('[data-testid=photo-faces]');
    await page.click('[data-testid=who-is-this]');
    await page.fill('[data-testid=who-is-this-name]', 'Penny');
    await page.press('[data-testid=who-is-this-name]', 'Enter');
    await expect.poll(() => page.textContent('[data-testid=face-name]')).toBe('Penny');
    await expect
      .poll(async () => (await page.locator('[data-testid=tag-box]').allTextContents()).join(' '))
      .toContain('Penny');
    await page.click('[data-testid=photo-close]');
    await page.fill('[data-testid=search-input]', '人物:Penny');
    await page.keyboard.press('Enter');
    await expect.poll(resultCount).toBe('1 photo');
    expect(pageErrors).toEqual([]);
  });
});
