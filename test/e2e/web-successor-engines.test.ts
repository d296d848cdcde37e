// End-to-end: the Tencent and Baidu settings cards, and Tencent as a target of the retiring
// engine's "move photos" panel, in Debian's Chromium against the real web host on a temporary
// library of real photos, with the engines' emulators on 127.0.0.1 as the services.
// Screenshots go to test-output/.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startBaiduEmulator,
  type BaiduEmulator,
} from '../../main/emulators/baidu/baidu-emulator.ts';
import {
  startTencentEmulator,
  type TencentEmulator,
} from '../../main/emulators/tencent/tencent-emulator.ts';
import { ensureRendererBuilt } from '../../main/server/renderer-build.ts';
import { startWebHost, type WebHost } from '../../main/server/web-host.ts';
import { chromiumPath, createE2eLibrary, launchChromium, type E2eLibrary } from './e2e-library.ts';

const hasChromium = existsSync(chromiumPath);
const screenshots = join(resolve(import.meta.dirname, '../..'), 'test-output');

describe.skipIf(!hasChromium)('Tencent and Baidu settings cards (startWebHost in Chromium)', () => {
  let library: E2eLibrary;
  let host: WebHost;
  let browser: Browser;
  let page: Page;
  let tencent: TencentEmulator;
  let baidu: BaiduEmulator;

  beforeAll(async () => {
    ensureRendererBuilt();
    mkdirSync(screenshots, { recursive: true });
    tencent = await startTencentEmulator({ tagger: 'pixels' });
    baidu = await startBaiduEmulator({ tagger: 'pixels' });
    library = await createE2eLibrary();
    host = await startWebHost({ dataRoot: library.dataRoot });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    page.setDefaultTimeout(15_000);
    await page.goto(host.url);
    await page.waitForSelector('[data-testid=grid-cell] img');
  }, 240_000);

  afterAll(async () => {
    await browser.close();
    await host.close();
    await tencent.close();
    await baidu.close();
    rmSync(library.root, { recursive: true, force: true });
  });

  /** Fills a card's fields by their labels, saves, and presses Test connection. */
  async function setUpAndTest(
    card: string,
    fields: Readonly<Record<string, string>>,
  ): Promise<string> {
    for (const [label, value] of Object.entries(fields)) {
      await page
        .locator(`${card} label.field`, { hasText: label })
        .first()
        .locator('input')
        .fill(value);
    }
    await page.click(`${card} .engine-actions button[type=submit]`);
    await expect.poll(() => page.textContent(`${card} .engine-actions`)).toContain('Saved');
    await page.click(`${card} [data-testid=engine-test]`);
    await expect
      .poll(() => page.textContent(`${card} .engine-actions`), { timeout: 15_000 })
      .toMatch(/accepted|refused|Failure|invalid_client/);
    return (await page.textContent(`${card} .engine-actions`)) ?? '';
  }

  it('sets up Tencent and Baidu from their cards and Test connection reaches the services', async () => {
    await page.click('[data-testid=open-settings]');
    const tencentCard = '[data-testid=engine-tencent]';
    const baiduCard = '[data-testid=engine-baidu]';
    await page.waitForSelector(tencentCard);
    expect(await page.textContent(`${tencentCard} h3`)).toBe('Tencent Cloud');
    expect(await page.textContent(`${tencentCard} [data-testid=engine-about]`)).toContain(
      'DetectLabelPro',
    );
    expect(await page.textContent(`${baiduCard} h3`)).toBe('Baidu AI Cloud');

    const tencentResult = await setUpAndTest(tencentCard, {
      SecretId: tencent.credentials.secretId,
      SecretKey: tencent.credentials.secretKey,
      Endpoint: tencent.baseUrl,
    });
    expect(tencentResult).toContain('Signature accepted');
    const baiduResult = await setUpAndTest(baiduCard, {
      'API Key': baidu.credentials.apiKey,
      'Secret Key': baidu.credentials.secretKey,
      Endpoint: baidu.baseUrl,
    });
    expect(baiduResult).toContain('an access token was issued');
    await page.locator(tencentCard).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'e2e-successor-cards.png') });
    // Nothing billed: the probes are an empty image (refused unpaid) and a token.
    expect(tencent.calls().every((c) => !c.paid)).toBe(true);
    expect(baidu.calls().every((c) => c.route === 'token')).toBe(true);
  });

  it("offers Huawei's photos to the Tencent engine and estimates the move", async () => {
    const huaweiCard = '[data-testid=engine-huawei]';
    // Turn Tencent on: it becomes a ready target of the migration panel.
    await page.locator('[data-testid=engine-tencent] .toggle').click();
    await page.goto(`${host.origin}/`);
    await page.waitForSelector('[data-testid=grid-cell] img');
    await page.click('[data-testid=open-settings]');
    await page.waitForSelector(`${huaweiCard} [data-testid=engine-migration]`);
    expect(
      await page.locator(`${huaweiCard} [data-testid=migrate-to] option`).allTextContents(),
    ).toEqual(expect.arrayContaining(['Tencent Cloud', 'Baidu AI Cloud (not set up or off)']));
    await page.selectOption(`${huaweiCard} [data-testid=migrate-to]`, 'tencent');
    await page.click(`${huaweiCard} [data-testid=migrate-estimate-button]`);
    await page.waitForSelector(`${huaweiCard} [data-testid=migrate-estimate]`);
    // The e2e library has no Huawei tags: nothing to move.
    expect(await page.textContent(`${huaweiCard} [data-testid=migrate-estimate]`)).toContain(
      'calls to Tencent Cloud: 0',
    );
    await page.locator(huaweiCard).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'e2e-successor-migration.png') });
  });
  it('says by its display name that Huawei is set up, when it has no live check', async () => {
    const huaweiCard = '[data-testid=engine-huawei]';
    const needed = page.locator(`${huaweiCard} label.field:has([data-testid=field-needed]) input`);
    const count = await needed.count();
    expect(count).toBeGreaterThan(0);
    for (let i = 0; i < count; i++) await needed.nth(i).fill(`value-${String(i)}`);
    await page.click(`${huaweiCard} .engine-actions button[type=submit]`);
    await expect.poll(() => page.textContent(`${huaweiCard} .engine-actions`)).toContain('Saved');
    await page.click(`${huaweiCard} [data-testid=engine-test]`);
    await expect
      .poll(() => page.textContent(`${huaweiCard} .engine-actions`))
      .toContain('Huawei Cloud: the settings are complete');
    expect(await page.textContent(`${huaweiCard} .engine-actions`)).not.toContain('huawei');
  });
});
