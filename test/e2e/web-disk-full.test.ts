// End-to-end: when the data folder's disk is full the runtime pauses (main/library/library-runtime.ts)
// and the activity status carries its message; the app must say so in the activity panel, in
// both languages (issue 12, item 2: "pause and tell"). A real tmpfs that fills up is tested in
// test/library/library-runtime.test.ts; here the jobs port reports the state, because what is
// under test is that the page tells the user.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext } from '../../main/app/app-context.ts';
import { createCatalogJobsPort } from '../../main/app/app-service.ts';
import { type Catalog, openCatalog } from '../../main/catalog/catalog-connection.ts';
import { ensureRendererBuilt } from '../../main/server/renderer-build.ts';
import { startWebHost, type WebHost } from '../../main/server/web-host.ts';
import { dataPaths } from '../../main/util/data-dir.ts';
import { chromiumPath, createE2eLibrary, launchChromium, type E2eLibrary } from './e2e-library.ts';

const hasChromium = existsSync(chromiumPath);
const screenshots = join(resolve(import.meta.dirname, '../..'), 'test-output');

describe.skipIf(!hasChromium)('activity panel on a full data disk (Chromium)', () => {
  let library: E2eLibrary;
  let host: WebHost;
  let browser: Browser;
  let page: Page;
  let portDb: Catalog;
  let diskFull: string | null = "the data folder's disk is full: 0 MB free";

  beforeAll(async () => {
    ensureRendererBuilt();
    mkdirSync(screenshots, { recursive: true });
    library = await createE2eLibrary();
    portDb = openCatalog(dataPaths(library.dataRoot).catalog);
    const context = await openAppContext({
      dataRoot: library.dataRoot,
      host: 'web',
      jobs: createCatalogJobsPort(portDb, { diskFull: () => diskFull }),
      progressIntervalMs: 200,
    });
    host = await startWebHost({ dataRoot: library.dataRoot, context });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    page.setDefaultTimeout(15_000);
  });

  afterAll(async () => {
    await browser.close();
    await host.close();
    await host.context.close();
    portDb.close();
    rmSync(library.root, { recursive: true, force: true });
  });

  it('says the run is paused on a full disk, in English and Chinese, and clears once there is room', async () => {
    await page.goto(host.url);
    await page.click('[data-testid=open-activity]');
    const notice = page.locator('[data-testid=activity-disk-full]');
    await expect.poll(() => notice.textContent()).toContain('disk of the data folder is full');
    expect(await notice.textContent()).toContain('0 MB free');
    await page.screenshot({ path: join(screenshots, 'e2e-disk-full-en.png') });

    await page.click('[data-testid=lang-switch]');
    await expect.poll(() => notice.textContent()).toContain('磁盘已满');
    await page.screenshot({ path: join(screenshots, 'e2e-disk-full-zh.png') });

    diskFull = null;
    await page.reload();
    await page.click('[data-testid=open-activity]');
    await page.waitForSelector('[data-testid=activity-ingest]');
    expect(await notice.count()).toBe(0);
  });
});
