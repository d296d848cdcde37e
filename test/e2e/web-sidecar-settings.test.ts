// End-to-end: the XMP sidecar settings in Debian's Chromium against the real web host, whose
// sidecar sync writes with real ExifTool. The text read in a photo goes into its sidecar only
// after the user turns the option on (the panel says, in English and 中文, that the text leaves
// the catalog); turning it off takes the text out again and leaves the tags. Screenshots go to
// test-output/ for a human to look at.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalog } from '../../main/catalog/catalog-connection.ts';
import { savePhotoText } from '../../main/catalog/photo-text.ts';
import { findPhotoByPath } from '../../main/catalog/photos.ts';
import { ensureRendererBuilt } from '../../main/server/renderer-build.ts';
import { startWebHost, type WebHost } from '../../main/server/web-host.ts';
import { dataPaths } from '../../main/util/data-dir.ts';
import { chromiumPath, createE2eLibrary, launchChromium, type E2eLibrary } from './e2e-library.ts';

const hasChromium = existsSync(chromiumPath);
const screenshots = join(resolve(import.meta.dirname, '../..'), 'test-output');
const exiftoolCli = existsSync('/usr/bin/exiftool')
  ? '/usr/bin/exiftool'
  : join(process.cwd(), 'node_modules/exiftool-vendored.pl/bin/exiftool');

const pageLines = ['Segmentation markers', '分割标记 第 3 页'];

/** The sidecar's recognised text and keywords, read by an ExifTool run of its own. */
function sidecarOf(file: string): { text: unknown; subject: unknown } | null {
  if (!existsSync(file)) return null;
  const out = execFileSync(exiftoolCli, [
    '-j',
    '-XMP-tujian:RecognizedText',
    '-XMP-dc:Subject',
    file,
  ]).toString();
  const tags = (JSON.parse(out) as { RecognizedText?: unknown; Subject?: unknown }[])[0];
  return { text: tags?.RecognizedText ?? null, subject: tags?.Subject ?? null };
}

describe.skipIf(!hasChromium)('XMP sidecar settings (startWebHost in Chromium)', () => {
  let library: E2eLibrary;
  let host: WebHost;
  let browser: Browser;
  let page: Page;
  let sidecar: string;

  beforeAll(async () => {
    ensureRendererBuilt();
    mkdirSync(screenshots, { recursive: true });
    library = await createE2eLibrary();
    // The text engine's lines for page.png, as its answer commit stores them.
    const db = openCatalog(dataPaths(library.dataRoot).catalog);
    try {
      const photo = findPhotoByPath(db, 1, 'page.png');
      if (photo?.contentId == null) throw new Error('page.png is not in the library');
      const box: [number, number][] = [
        [0.1, 0.1],
        [0.9, 0.1],
        [0.9, 0.2],
        [0.1, 0.2],
      ];
      savePhotoText(db, photo.contentId, {
        engine: 'text',
        model: 'e2e',
        tags: [],
        text: {
          lines: pageLines.map((text) => ({
            text,
            box,
            confidence: 95,
            language: 'mixed' as const,
          })),
        },
      });
    } finally {
      db.close();
    }
    sidecar = join(library.photosDir, 'page.png.xmp');
    // With an engine set the host runs the live library, whose sidecar sync writes the files
    // (as `tujian serve` does). None is needed here: every photo is tagged and read already.
    host = await startWebHost({
      dataRoot: library.dataRoot,
      engines: { engines: new Map(), concurrency: {}, close: () => Promise.resolve() },
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    page.setDefaultTimeout(10_000);
  });
  afterAll(async () => {
    await browser.close();
    await host.close();
    rmSync(library.root, { recursive: true, force: true });
  });

  it('writes the text read in a photo only once asked to, says where it goes, and takes it out when turned off', async () => {
    await page.goto(host.url);
    await page.waitForSelector('[data-testid=grid-cell] img');
    await page.click('[data-testid=open-settings]');
    await page.click('[data-testid=settings-general]');
    const panel = '[data-testid=sidecar-settings]';
    await page.waitForSelector(panel);
    // Off by default, with the explanation beside the switch.
    expect(await page.isChecked('[data-testid=sidecars-text]')).toBe(false);
    expect(await page.isChecked('[data-testid=sidecars-write]')).toBe(false);
    expect(await page.textContent('[data-testid=sidecars-text-hint]')).toContain(
      'leave the catalog',
    );

    await page.click(`${panel} label:has([data-testid=sidecars-write])`);
    await expect.poll(() => page.isChecked('[data-testid=sidecars-write]')).toBe(true);
    // Writing on alone rewrites nothing already tagged, and never the text.
    expect(sidecarOf(sidecar)).toBeNull();

    await page.click(`${panel} label:has([data-testid=sidecars-text])`);
    await expect.poll(() => page.isChecked('[data-testid=sidecars-text]')).toBe(true);
    await expect
      .poll(() => sidecarOf(sidecar)?.text, { timeout: 20_000, interval: 500 })
      .toEqual(pageLines);
    expect(sidecarOf(sidecar)?.subject).toEqual(['text', '文字']);
    await page.locator(panel).screenshot({ path: join(screenshots, 'e2e-sidecar-text.png') });

    // In 中文 the same switch and warning.
    await page.keyboard.press('Escape');
    await page.click('[data-testid=lang-switch]');
    await expect.poll(() => page.getAttribute('html', 'lang')).toBe('zh-CN');
    await page.click('[data-testid=open-settings]');
    await page.click('[data-testid=settings-general]');
    expect(await page.textContent(panel)).toContain('同时写入照片中识别出的文字');
    expect(await page.textContent('[data-testid=sidecars-text-hint]')).toContain('离开目录');

    await page.click(`${panel} label:has([data-testid=sidecars-text])`);
    await expect.poll(() => page.isChecked('[data-testid=sidecars-text]')).toBe(false);
    await expect
      .poll(() => sidecarOf(sidecar)?.text, { timeout: 20_000, interval: 500 })
      .toBeNull();
    // Only the text went: the tags stay.
    expect(sidecarOf(sidecar)?.subject).toEqual(['text', '文字']);
  }, 60_000);
});
