// End-to-end: Tencent's `action` and `labelScene` options on its settings card, in Debian's
// Chromium against the real web host on a temporary library: they are choices from the same
// lists the engine's zod schema accepts, a change is saved into the engine's configuration
// (read back through that schema) and shown again after a reload, and their labels and help
// come in the UI language. A screenshot goes to test-output/ for a human to look at.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalog } from '../../main/catalog/catalog-connection.ts';
import { catalogSettingsBackend } from '../../main/catalog/settings.ts';
import { fileSecretStore, loadEngineSettings } from '../../main/engines/engine-settings.ts';
import { ensureRendererBuilt } from '../../main/server/renderer-build.ts';
import { startWebHost, type WebHost } from '../../main/server/web-host.ts';
import { dataPaths } from '../../main/util/data-dir.ts';
import { chromiumPath, createE2eLibrary, launchChromium, type E2eLibrary } from './e2e-library.ts';

const hasChromium = existsSync(chromiumPath);
const screenshots = join(resolve(import.meta.dirname, '../..'), 'test-output');

describe.skipIf(!hasChromium)(
  'Tencent options on the settings card (startWebHost in Chromium)',
  () => {
    let library: E2eLibrary;
    let host: WebHost;
    let browser: Browser;
    let page: Page;
    const card = '[data-testid=engine-tencent]';
    const action = `${card} [data-testid=engine-options] label:has-text("Interface") select`;
    const scene = `${card} [data-testid=engine-options] label:has-text("Scene") select`;

    beforeAll(async () => {
      ensureRendererBuilt();
      mkdirSync(screenshots, { recursive: true });
      library = await createE2eLibrary();
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

    async function openCard(): Promise<void> {
      await page.waitForSelector('[data-testid=grid-cell] img');
      await page.click('[data-testid=open-settings]');
      await page.waitForSelector(card);
    }

    it('saves the interface and scene, shows them after a reload, and explains them in 中文', async () => {
      await page.goto(host.url);
      await openCard();
      // Not chosen yet: the schema's defaults apply, and the card says what each option does.
      expect(await page.inputValue(action)).toBe('');
      expect(await page.locator(`${action} option`).allTextContents()).toEqual([
        'Default',
        'auto',
        'DetectLabelPro',
        'DetectLabel',
      ]);
      expect(await page.textContent(`${card} [data-testid=engine-options]`)).toContain(
        'billed as its own call',
      );

      await page.fill(`${card} label:has-text("SecretId") input`, 'AKIDexample');
      await page.fill(`${card} label:has-text("SecretKey") input`, 'tencent-secret');
      await page.selectOption(action, 'DetectLabel');
      await page.selectOption(scene, 'WEB');
      await page.click(`${card} button[type=submit]`);
      await page.waitForSelector(`${card} .engine-actions .ok`);
      await page.locator(card).screenshot({ path: join(screenshots, 'e2e-tencent-options.png') });

      // In the engine's configuration, read back through its zod schema.
      const db = openCatalog(dataPaths(library.dataRoot).catalog);
      try {
        const secrets = fileSecretStore(join(library.dataRoot, 'secrets.json'));
        const loaded = await loadEngineSettings('tencent', catalogSettingsBackend(db), secrets);
        expect(loaded).toMatchObject({
          ok: true,
          settings: { secretId: 'AKIDexample', action: 'DetectLabel', labelScene: 'WEB' },
        });
      } finally {
        db.close();
      }

      await page.reload();
      await openCard();
      expect(await page.inputValue(action)).toBe('DetectLabel');
      expect(await page.inputValue(scene)).toBe('WEB');

      await page.keyboard.press('Escape');
      await expect.poll(() => page.locator('[data-testid=settings]').count()).toBe(0);
      await page.click('[data-testid=lang-switch]');
      await expect.poll(() => page.getAttribute('html', 'lang')).toBe('zh-CN');
      await page.click('[data-testid=open-settings]');
      const options = `${card} [data-testid=engine-options]`;
      await expect.poll(() => page.textContent(options)).toContain('场景（DetectLabel）');
      expect(await page.textContent(options)).toContain('通用图像标签');
      expect(await page.inputValue(`${options} label:has-text("接口") select`)).toBe('DetectLabel');
    });
  },
);
