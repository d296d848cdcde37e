// End-to-end: a search for a person's name in the real web host's UI, in Debian's Chromium,
// follows the background matcher. The matcher puts a new face into a named person with no
// job and no API call, so the host says only `catalog-changed` `people`; the open search for
// that name must find the new photo without a reload. The faces carry synthetic descriptors
// (test/catalog/people-fixture.ts) on real face photos (test/fixtures/people) with real
// thumbnails; the host runs the live runtime (its people sync) with no tagging engines.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listContentFaces, moveFace, namePerson } from '../../main/catalog/people.ts';
import { ensureRendererBuilt } from '../../main/server/renderer-build.ts';
import { startWebHost, type WebHost } from '../../main/server/web-host.ts';
import { dataPaths } from '../../main/util/data-dir.ts';
import { PeopleFixture } from '../catalog/people-fixture.ts';
import { chromiumPath, launchChromium } from './e2e-library.ts';

const hasChromium = existsSync(chromiumPath);
const fixtures = join(import.meta.dirname, '..', 'fixtures', 'people');

describe.skipIf(!hasChromium)(
  'a person search while faces are matched (web UI in Chromium)',
  () => {
    let fx: PeopleFixture;
    let host: WebHost;
    let browser: Browser;
    let page: Page;
    const pageErrors: string[] = [];
    const resultCount = async () => (await page.textContent('[data-testid=result-count]')) ?? '';

    /** A photo of Amy with its thumbnail and preview where the library keeps them. */
    async function addAmy(i: number): Promise<number> {
      const bytes = readFileSync(join(fixtures, 'amy', `amy${String(i)}.png`));
      const hash = createHash('sha256').update(bytes).digest('hex');
      for (const kind of ['thumbnails', 'previews'] as const) {
        const out = join(dataPaths(fx.data)[kind], hash.slice(0, 2), `${hash}.webp`);
        mkdirSync(dirname(out), { recursive: true });
        await sharp(bytes).webp().toFile(out);
      }
      const contentId = fx.addPhoto(`amy${String(i)}.png`, 'amy', `2024-0${String(i)}-01`, hash);
      fx.db
        .prepare(`UPDATE contents SET has_preview = 1, width = 150, height = 150 WHERE id = ?`)
        .run(contentId);
      return contentId;
    }

    beforeAll(async () => {
      ensureRendererBuilt();
      fx = new PeopleFixture();
      const first = await addAmy(1);
      const face = listContentFaces(fx.db, first)[0];
      if (!face) throw new Error('no face');
      namePerson(fx.db, moveFace(fx.db, face.id, null, 1), { zh: '艾米', en: 'Amy' }, 1);
      host = await startWebHost({
        dataRoot: fx.data,
        // The live runtime (and its people sync) runs only with engines; none are needed here.
        engines: { engines: new Map(), concurrency: {}, close: () => Promise.resolve() },
      });
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
      page.setDefaultTimeout(10_000);
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(host.url);
    });

    afterAll(async () => {
      await browser.close();
      await host.close();
      fx.db.close();
      rmSync(fx.root, { recursive: true, force: true });
    });

    it('finds the photo whose face the matcher just put into the person searched for', async () => {
      await page.fill('[data-testid=search-input]', 'Amy');
      await page.keyboard.press('Enter');
      await expect.poll(resultCount).toBe('1 photo');
      // The engine stored a new face of Amy (another process's write, as an ingest's would be);
      // the host's people sync matches it within a few seconds.
      const second = await addAmy(2);
      await expect
        .poll(() => listContentFaces(fx.db, second)[0]?.en ?? null, { timeout: 20_000 })
        .toBe('Amy');
      // No reload, no new search typed: the open search follows the matcher.
      await expect.poll(resultCount, { timeout: 10_000 }).toBe('2 photos');
      await expect.poll(() => page.locator('[data-testid=grid-cell] img').count()).toBe(2);
      expect(pageErrors).toEqual([]);
    }, 60_000);
  },
);
