// End-to-end: the map of photos (issue 16) in the real web host's UI, in Debian's Chromium
// (playwright-core), on a library ingested for real from sample photos whose EXIF GPS was
// written by ExifTool (the ingest reads it as any camera's): two photos in Shanghai, one each
// in Paris, Nairobi and Sydney, one without a position. The map shows the clusters and counts,
// zooms by keyboard, button and wheel (the camera goes to the URL), narrows to the search box's
// query, opens the grid on a cluster's area, and Back returns to the map; an empty state when
// nothing found has a position; both languages. Screenshots go to test-output/. Needs
// Chromium, ExifTool and ../shared/samples; skips with a message when one is absent.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRendererBuilt } from '../../main/server/renderer-build.ts';
import { startWebHost, type WebHost } from '../../main/server/web-host.ts';
import { ingestFolder, makeTestLibrary, type TestLibrary } from '../library/library-fixtures.ts';
import { chromiumPath, launchChromium, samplesDir } from './e2e-library.ts';

const exiftool = existsSync('/usr/bin/exiftool')
  ? '/usr/bin/exiftool'
  : join(process.cwd(), 'node_modules/exiftool-vendored.pl/bin/exiftool');
const ready = existsSync(chromiumPath) && existsSync(samplesDir) && existsSync(exiftool);
if (!ready) {
  console.warn(
    `Skipping the map browser test: it needs ${chromiumPath}, ExifTool and the sample photos at ${samplesDir}.`,
  );
}
const screenshots = resolve(import.meta.dirname, '../../test-output');

/** Where each sample is said to be taken (null: no GPS). */
const positions: Record<string, { path: string; lat: number; lon: number } | null> = {
  'dog.jpg': { path: 'shanghai/dog.jpg', lat: 31.2397, lon: 121.4998 },
  'kite.jpg': { path: 'shanghai/kite.jpg', lat: 31.2243, lon: 121.5447 },
  'eagle.jpg': { path: 'eagle.jpg', lat: 48.8584, lon: 2.2945 },
  'giraffe.jpg': { path: 'giraffe.jpg', lat: -1.2921, lon: 36.8219 },
  'horses.jpg': { path: 'horses.jpg', lat: -33.8568, lon: 151.2153 },
  'person.jpg': null,
};

describe.skipIf(!ready)('web UI: the map of photos', () => {
  let lib: TestLibrary;
  let host: WebHost;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const clusters = () => page.locator('[data-testid=map-cluster]');
  const clusterCounts = async () => {
    const counts = await Promise.all(
      (await clusters().all()).map((c) => c.getAttribute('data-count')),
    );
    return counts.map(Number).sort((x, y) => y - x);
  };
  const mapParam = () => new URL(page.url()).searchParams.get('at');

  beforeAll(async () => {
    ensureRendererBuilt();
    mkdirSync(screenshots, { recursive: true });
    lib = makeTestLibrary();
    mkdirSync(join(lib.photos, 'shanghai'));
    for (const [name, at] of Object.entries(positions)) {
      const target = join(lib.photos, at?.path ?? name);
      copyFileSync(join(samplesDir, name), target);
      if (!at) continue;
      execFileSync(exiftool, [
        '-q',
        '-overwrite_original',
        `-GPSLatitude=${String(Math.abs(at.lat))}`,
        `-GPSLatitudeRef=${at.lat < 0 ? 'S' : 'N'}`,
        `-GPSLongitude=${String(Math.abs(at.lon))}`,
        `-GPSLongitudeRef=${at.lon < 0 ? 'W' : 'E'}`,
        target,
      ]);
    }
    await ingestFolder(lib, lib.folder.id);
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

  it('shows the photos with GPS as clusters on the world, and counts those without', async () => {
    await page.click('[data-testid=nav-map]');
    await expect
      .poll(() => page.textContent('[data-testid=map-counts]'))
      .toBe('5 photos with a location · 1 without a location');
    // Zoom 0: Shanghai's two photos share a cluster; Paris, Nairobi and Sydney one each.
    await expect.poll(clusterCounts).toEqual([2, 1, 1, 1]);
    const shanghai = page.locator('[data-testid=map-cluster][data-count="2"]');
    expect(await shanghai.getAttribute('aria-label')).toBe('2 photos near 31.23°N 121.52°E');
    // The thumbnail of the cluster's newest photo is its picture.
    expect(await shanghai.getAttribute('style')).toMatch(/media\/thumbnail\/[0-9a-f]{64}/);
    // Shanghai is drawn east of Paris and north of Sydney (equirectangular).
    const box = async (count: string, nth = 0) =>
      page.locator(`[data-testid=map-cluster][data-count="${count}"]`).nth(nth).boundingBox();
    const sh = await box('2');
    const singles = await Promise.all([0, 1, 2].map((i) => box('1', i)));
    const paris = singles.find((b) => b !== null && b.x < (sh?.x ?? 0) && b.y < (sh?.y ?? 0));
    expect(paris).toBeDefined();
    expect(new URL(page.url()).searchParams.get('view')).toBe('map');
    await page.screenshot({ path: join(screenshots, 'map-world.png') });
    expect(pageErrors).toEqual([]);
  });

  it('zooms by keyboard, button and wheel, keeps the camera in the URL, and pans by keys', async () => {
    // The wheel zooms about the pointer: over Shanghai, Shanghai stays under it. A pixel at
    // zoom 0 is a third of a degree, wider than the whole view at zoom 10, so the pointer
    // follows the cluster as a user's would: 4 steps, 3, then 3.
    const shanghai = page.locator('[data-testid=map-cluster][data-count="2"]');
    let at = { x: 0, y: 0 };
    for (const [steps, zoom] of [
      [4, 4],
      [3, 7],
      [3, 10],
    ] as const) {
      const b = await shanghai.boundingBox();
      if (!b) throw new Error(`no Shanghai cluster before zoom ${String(zoom)}`);
      at = { x: b.x + b.width / 2, y: b.y + b.height / 2 };
      await page.mouse.move(at.x, at.y);
      for (let i = 0; i < steps; i++) await page.mouse.wheel(0, -100);
      await expect.poll(mapParam).toMatch(new RegExp(`,${String(zoom)}$`));
    }
    // At zoom 10 (0.022° cells) the Bund and Pudong (5 km apart) are apart, both near the pointer.
    await expect.poll(clusterCounts).toEqual([1, 1]);
    const near = await Promise.all(
      (await clusters().all()).map(async (c) => {
        const r = await c.boundingBox();
        return { x: (r?.x ?? 0) + (r?.width ?? 0) / 2, y: (r?.y ?? 0) + (r?.height ?? 0) / 2 };
      }),
    );
    for (const c of near) expect(Math.hypot(c.x - at.x, c.y - at.y)).toBeLessThan(120);
    await page.screenshot({ path: join(screenshots, 'map-shanghai-zoom10.png') });
    await page.focus('[data-testid=map-frame]');
    await page.keyboard.press('-');
    await expect.poll(mapParam).toMatch(/,9$/);
    await page.click('[data-testid=map-zoom-out]');
    await expect.poll(mapParam).toMatch(/,8$/);
    await page.click('[data-testid=map-zoom-in]');
    await expect.poll(mapParam).toMatch(/,9$/);
    const before = mapParam();
    await page.focus('[data-testid=map-frame]');
    await page.keyboard.press('ArrowRight');
    await expect.poll(mapParam).not.toBe(before);
    const [, lonBefore] = (before ?? '').split(',').map(Number);
    const [, lonAfter] = (mapParam() ?? '').split(',').map(Number);
    expect(lonAfter).toBeGreaterThan(lonBefore ?? 0);
    await page.click('[data-testid=map-reset]');
    await expect.poll(mapParam).toBe('0,0,0');
    // Dragging the map 160 px right at zoom 0 (a degree is about 3.2 px here) shows what lies west.
    const frame = await page.locator('[data-testid=map-frame]').boundingBox();
    if (!frame) throw new Error('no map frame');
    const from = { x: frame.x + 200, y: frame.y + frame.height - 80 };
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x + 80, from.y, { steps: 4 });
    await page.mouse.move(from.x + 160, from.y, { steps: 4 });
    await page.mouse.up();
    await expect.poll(mapParam).toMatch(/^0,-\d+(\.\d+)?,0$/);
    const draggedLon = Number((mapParam() ?? '').split(',')[1]);
    expect(draggedLon).toBeCloseTo((-160 * 360) / frame.width, 0);
    await page.click('[data-testid=map-reset]');
    await expect.poll(mapParam).toBe('0,0,0');
    expect(pageErrors).toEqual([]);
  });

  it('narrows to the search box, opens the grid on a cluster, and Back returns to the map', async () => {
    await page.fill('[data-testid=search-input]', 'folder:shanghai');
    await page.keyboard.press('Enter');
    await expect.poll(clusterCounts).toEqual([2]);
    await expect
      .poll(() => page.textContent('[data-testid=map-counts]'))
      .toBe('2 photos with a location · 0 without a location');
    await page.fill('[data-testid=search-input]', '');
    await page.keyboard.press('Enter');
    await expect.poll(clusterCounts).toEqual([2, 1, 1, 1]);

    await page.click('[data-testid=map-cluster][data-count="2"]');
    await expect.poll(() => page.textContent('[data-testid=result-count]')).toBe('2 photos');
    // The cluster's bounding box, as the ingest read the positions from EXIF (degrees, minutes
    // and seconds as rationals: the last digits may differ from what was written).
    expect(await page.inputValue('[data-testid=search-input]')).toMatch(
      /^area:31\.224\d*,121\.499\d*,31\.239\d*,121\.544\d*$/,
    );
    expect(await page.locator('[data-testid=map-view]').count()).toBe(0);
    await page.screenshot({ path: join(screenshots, 'map-area-grid.png') });

    // history.back(), as the browser's Back button: page.goBack() waits for a load event that a
    // same-document history entry never fires.
    await page.evaluate('history.back()');
    await expect.poll(() => page.locator('[data-testid=map-view]').count()).toBe(1);
    await expect.poll(clusterCounts).toEqual([2, 1, 1, 1]);
    expect(await page.inputValue('[data-testid=search-input]')).toBe('');
    expect(pageErrors).toEqual([]);
  });

  it('keeps the map and marks the search when it cannot be read', async () => {
    await page.fill('[data-testid=search-input]', 'near:31.2');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.textContent('[data-testid=search-syntax-hint]'))
      .toMatch(/latitude, longitude and optional radius/);
    expect(await clusterCounts()).toEqual([2, 1, 1, 1]);
    await page.fill('[data-testid=search-input]', 'near:31.23,121.5,50');
    await page.keyboard.press('Enter');
    await expect.poll(clusterCounts).toEqual([2]);
    expect(await page.locator('[data-testid=search-syntax-hint]').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('says so when nothing found has a position, and speaks Chinese', async () => {
    await page.fill('[data-testid=search-input]', 'folder:nothing-here');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.textContent('[data-testid=map-empty]'))
      .toContain('No photo found by this search has a location');
    await page.fill('[data-testid=search-input]', '');
    await page.keyboard.press('Enter');
    await page.click('[data-testid=lang-switch]');
    await expect.poll(() => page.textContent('[data-testid=nav-map]')).toBe('地图');
    await expect
      .poll(() => page.textContent('[data-testid=map-counts]'))
      .toBe('5 张照片有位置 · 1 张没有位置');
    expect(
      await page.locator('[data-testid=map-cluster][data-count="2"]').getAttribute('aria-label'),
    ).toBe('31.23°N 121.52°E 附近的 2 张照片');
    await page.screenshot({ path: join(screenshots, 'map-zh.png') });
    await page.click('[data-testid=lang-switch]');
    expect(pageErrors).toEqual([]);
  });
});
