// End-to-end: setting up the vision-language model engine in Debian's Chromium against the
// real web host and the model-server emulator (a real HTTP server on 127.0.0.1): the protocol
// is a choice, Test connection reaches the server, and an address off this machine is called
// out in the UI language. Screenshots go to test-output/ for a human to look at.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRendererBuilt } from '../../main/server/renderer-build.ts';
import { startWebHost, type WebHost } from '../../main/server/web-host.ts';
import { tagPixelRegions } from '../../main/emulators/huawei/pixel-region-tagger.ts';
import { startVlmEmulator, type VlmEmulator } from '../../main/emulators/vlm/vlm-emulator.ts';
import { chromiumPath, createE2eLibrary, launchChromium, type E2eLibrary } from './e2e-library.ts';

const hasChromium = existsSync(chromiumPath);
const screenshots = join(resolve(import.meta.dirname, '../..'), 'test-output');

describe.skipIf(!hasChromium)(
  'vision-language model settings card (startWebHost in Chromium)',
  () => {
    let library: E2eLibrary;
    let host: WebHost;
    let browser: Browser;
    let page: Page;
    let emulator: VlmEmulator;

    beforeAll(async () => {
      ensureRendererBuilt();
      mkdirSync(screenshots, { recursive: true });
      emulator = await startVlmEmulator({ tagger: tagPixelRegions });
      library = await createE2eLibrary();
      host = await startWebHost({ dataRoot: library.dataRoot });
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
      page.setDefaultTimeout(10_000);
    });
    afterAll(async () => {
      await browser.close();
      await host.close();
      await emulator.close();
      rmSync(library.root, { recursive: true, force: true });
    });

    it('sets up a local model server, tests it, and warns in 中文 when the address leaves the machine', async () => {
      await page.goto(host.url);
      await page.waitForSelector('[data-testid=grid-cell] img');
      await page.click('[data-testid=open-settings]');
      const card = '[data-testid=engine-vlm]';
      await page.waitForSelector(card);
      expect(await page.textContent(`${card} h3`)).toBe('Vision-language model');
      expect(await page.textContent(card)).toContain('127.0.0.1');
      // Not set up yet: the model is the field it needs; no off-machine warning by default.
      expect(await page.locator(`${card} [data-testid=field-needed]`).count()).toBe(1);
      expect(await page.locator(`${card} [data-testid=engine-off-machine]`).count()).toBe(0);

      await page.selectOption(`${card} label:has-text("Protocol") select`, 'ollama');
      await page.fill(`${card} label:has-text("Model") input`, 'emulated-vl');
      await page.fill(`${card} label:has-text("Endpoint") input`, emulator.ollamaUrl);
      await page.click(`${card} button[type=submit]`);
      await page.waitForSelector(`${card} .engine-actions .ok`);
      await expect.poll(() => page.locator(`${card} [data-testid=engine-problem]`).count()).toBe(0);
      await page.click(`${card} [data-testid=engine-test]`);
      await expect
        .poll(() => page.textContent(`${card} .engine-actions .ok`))
        .toMatch(/offers "emulated-vl"/);
      await page.locator(card).screenshot({ path: join(screenshots, 'e2e-vlm-card.png') });

      // Pointed at another machine: the card says every photo goes there, in the UI language.
      await page.fill(`${card} label:has-text("Endpoint") input`, 'http://192.168.1.20:11434');
      await page.click(`${card} button[type=submit]`);
      await page.waitForSelector(`${card} [data-testid=engine-off-machine]`);
      expect(await page.textContent(`${card} [data-testid=engine-off-machine]`)).toContain(
        'not on this computer',
      );
      await page.keyboard.press('Escape');
      await expect.poll(() => page.locator('[data-testid=settings]').count()).toBe(0);
      await page.click('[data-testid=lang-switch]');
      await expect.poll(() => page.getAttribute('html', 'lang')).toBe('zh-CN');
      await page.click('[data-testid=open-settings]');
      await expect
        .poll(() => page.textContent(`${card} [data-testid=engine-off-machine]`))
        .toContain('此地址不在本机');
      expect(await page.textContent(`${card} [data-testid=engine-off-machine]`)).toContain(
        '192.168.1.20:11434',
      );
      expect(await page.textContent(card)).toContain('模型（例如 qwen2.5vl:7b）');
      await page
        .locator(card)
        .screenshot({ path: join(screenshots, 'e2e-vlm-card-remote-zh.png') });
    });
  },
);
