// End-to-end: moving photos off Huawei (end of service) from the app, in Debian's Chromium
// against the real web host: the Huawei card offers the move, estimates it (photos described
// by Huawei alone, folders where the other engine is off), and queues ordinary tag jobs.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalog } from '../../main/catalog/catalog-connection.ts';
import { listFolders, setFolderEngines } from '../../main/catalog/folders.ts';
import { countJobs } from '../../main/catalog/job-queue.ts';
import { saveEngineAnswer } from '../../main/catalog/photo-tags.ts';
import { ensureRendererBuilt } from '../../main/server/renderer-build.ts';
import { startWebHost, type WebHost } from '../../main/server/web-host.ts';
import { dataPaths } from '../../main/util/data-dir.ts';
import { chromiumPath, createE2eLibrary, launchChromium, type E2eLibrary } from './e2e-library.ts';

const hasChromium = existsSync(chromiumPath);
const screenshots = join(resolve(import.meta.dirname, '../..'), 'test-output');

describe.skipIf(!hasChromium)(
  'moving photos off a retiring engine (startWebHost in Chromium)',
  () => {
    let library: E2eLibrary;
    let host: WebHost;
    let browser: Browser;
    let page: Page;
    let huaweiOnly: number;

    beforeAll(async () => {
      ensureRendererBuilt();
      mkdirSync(screenshots, { recursive: true });
      library = await createE2eLibrary();
      // Huawei described three photos with a scene; one of them also has a Volcengine answer,
      // which covers it (only photos described by Huawei ALONE move).
      const db = openCatalog(dataPaths(library.dataRoot).catalog);
      const contents = db
        .prepare('SELECT id FROM contents ORDER BY id LIMIT 3')
        .pluck()
        .all() as number[];
      for (const id of contents) {
        saveEngineAnswer(
          db,
          id,
          {
            engine: 'huawei',
            model: 'image-tagging-v2',
            tags: [
              {
                name: 'street',
                i18n: { zh: '街道', en: 'street' },
                type: 'scene',
                confidence: 88,
                instances: [],
              },
            ],
          },
          'huawei/test',
        );
      }
      saveEngineAnswer(
        db,
        contents[0] ?? 0,
        {
          engine: 'aliyun',
          model: 'green-tag',
          tags: [
            {
              name: 'road',
              i18n: { zh: '道路', en: 'road' },
              type: 'scene',
              confidence: 70,
              instances: [],
            },
          ],
        },
        'aliyun/test',
      );
      huaweiOnly = contents.length - 1;
      db.close();
      host = await startWebHost({ dataRoot: library.dataRoot });
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
      page.setDefaultTimeout(10_000);
    });
    afterAll(async () => {
      await browser.close();
      await host.close();
      rmSync(library.root, { recursive: true, force: true });
    });

    it('estimates, says which folders need the other engine, then queues the photos', async () => {
      await page.goto(host.url);
      await page.waitForSelector('[data-testid=grid-cell] img');
      await page.click('[data-testid=open-settings]');
      const panel = '[data-testid=engine-huawei] [data-testid=engine-migration]';
      await page.waitForSelector(panel);
      // Only the retiring engine's card offers the move.
      expect(await page.locator('[data-testid=engine-migration]').count()).toBe(1);

      await page.selectOption(`${panel} [data-testid=migrate-to]`, 'vlm');
      await page.click(`${panel} [data-testid=migrate-estimate-button]`);
      await page.waitForSelector(`${panel} [data-testid=migrate-estimate]`);
      // The vision-language engine is not on for the library folder yet: nothing can be sent.
      expect(await page.textContent(`${panel} [data-testid=migrate-not-enabled]`)).toContain(
        `In folders where Vision-language model is off (turn it on there first): ${String(huaweiOnly)}`,
      );
      expect(await page.isDisabled(`${panel} [data-testid=migrate-queue]`)).toBe(true);

      // Turned on for the folder (as `tujian engines enable vlm <folder>` does), estimate again.
      const db = openCatalog(dataPaths(library.dataRoot).catalog);
      const folder = listFolders(db)[0];
      if (!folder) throw new Error('no folder');
      setFolderEngines(db, folder.id, ['local', 'vlm']);
      await page.click(`${panel} [data-testid=migrate-estimate-button]`);
      await expect
        .poll(() => page.textContent(`${panel} [data-testid=migrate-estimate]`))
        .toContain(`calls to Vision-language model: ${String(huaweiOnly)}`);
      await page.locator(panel).screenshot({ path: join(screenshots, 'e2e-migrate-estimate.png') });

      await page.click(`${panel} [data-testid=migrate-queue]`);
      await expect
        .poll(() => page.textContent(`${panel} [data-testid=migrate-message]`))
        .toBe(`Queued for Vision-language model: ${String(huaweiOnly)}`);
      expect(countJobs(db).find((j) => j.engine === 'vlm')?.queued).toBe(huaweiOnly);

      // Asked again, nothing is queued twice.
      await page.click(`${panel} [data-testid=migrate-estimate-button]`);
      await expect
        .poll(() => page.textContent(`${panel} [data-testid=migrate-estimate]`))
        .toContain(`Already queued: ${String(huaweiOnly)}`);
      expect(await page.isDisabled(`${panel} [data-testid=migrate-queue]`)).toBe(true);

      // A query the parser refuses is reported, not sent.
      await page.fill(`${panel} [data-testid=migrate-query]`, 'date:tomorrow');
      await page.click(`${panel} [data-testid=migrate-estimate-button]`);
      await page.waitForSelector(`${panel} [data-testid=migrate-message]`);
      expect(await page.textContent(`${panel} [data-testid=migrate-message]`)).toMatch(/date/i);
      db.close();
    });
  },
);
