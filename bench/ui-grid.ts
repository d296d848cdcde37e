// UI grid benchmark (issue 7): a catalog of 100k photos served by the real web host, the real
// renderer in Chromium, and the virtualized grid scrolled frame by frame. Measures the time
// to the first grid, the DOM size (cells rendered stay bounded however large the library),
// frame times while scrolling through thousands of photos (pages load as it goes), and the
// photos.search first-page latency over HTTP. The last line of output is one JSON object.
// Usage: npm run bench:ui-grid [-- --photos N]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium } from 'playwright-core';
import { openCatalog } from '../main/catalog/catalog-connection.ts';
import { startWebHost } from '../main/server/web-host.ts';
import { dataPaths } from '../main/util/data-dir.ts';
import { ensureRendererBuilt } from '../main/server/renderer-build.ts';

const args = process.argv.slice(2);
const photoCount = Number(args[args.indexOf('--photos') + 1] ?? 0) || 100_000;

const root = mkdtempSync(join(tmpdir(), 'tujian-bench-ui-'));
try {
  ensureRendererBuilt();
  const db = openCatalog(dataPaths(join(root, 'data')).catalog);
  const built = performance.now();
  db.transaction(() => {
    const now = Date.now();
    db.prepare(`INSERT INTO folders (id, path, added_at) VALUES (1, ?, ?)`).run(
      join(root, 'Photos'),
      now,
    );
    const content = db.prepare(
      `INSERT INTO contents (id, hash, size, format, width, height, taken_at, created_at) VALUES (?, ?, 1000, 'jpeg', 4000, 3000, ?, ?)`,
    );
    const photo = db.prepare(
      `INSERT INTO photos (id, folder_id, rel_path, size, mtime_ms, content_id, status) VALUES (?, 1, ?, 1000, ?, ?, 'ok')`,
    );
    for (let i = 1; i <= photoCount; i++) {
      const hash = i.toString(16).padStart(64, '0');
      content.run(i, hash, Date.UTC(2010, 0, 1) + i * 3_600_000, now);
      photo.run(i, `y${2010 + (i % 15)}/IMG_${String(i).padStart(6, '0')}.jpg`, now, i);
    }
  })();
  db.close();
  const catalogMs = performance.now() - built;

  const host = await startWebHost({ dataRoot: join(root, 'data') });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const t0 = performance.now();
    await page.goto(host.url);
    await page.waitForSelector('[data-testid=grid-cell]');
    const firstGridMs = performance.now() - t0;

    // Scroll a fixed distance per animation frame and record each frame's duration in the
    // page (page functions as text: this file is compiled without DOM types).
    const scroll = await page.evaluate<Record<string, number>>(`(async () => {
      const grid = document.querySelector('[data-testid=photo-grid]');
      const frames = [];
      let maxCells = 0;
      let last = performance.now();
      for (let i = 0; i < 400; i++) {
        grid.scrollTop += 400;
        await new Promise((r) => requestAnimationFrame(r));
        const now = performance.now();
        frames.push(now - last);
        last = now;
        maxCells = Math.max(maxCells, document.querySelectorAll('[data-testid=grid-cell]').length);
      }
      frames.sort((a, b) => a - b);
      return {
        frames: frames.length,
        p50: frames[Math.floor(frames.length * 0.5)],
        p95: frames[Math.floor(frames.length * 0.95)],
        max: frames[frames.length - 1],
        maxCells,
        scrolledPx: grid.scrollTop,
        domNodes: document.getElementsByTagName('*').length,
      };
    })()`);

    const searchTimes: number[] = [];
    for (let i = 0; i < 10; i++) {
      const s = performance.now();
      const res = await fetch(`${host.origin}/api/photos.search`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${host.token}` },
        body: JSON.stringify({ query: i % 2 ? 'date:2015' : '', limit: 400 }),
      });
      await res.json();
      searchTimes.push(performance.now() - s);
    }
    searchTimes.sort((a, b) => a - b);
    const round = (n: number | undefined) => Math.round((n ?? 0) * 10) / 10;
    console.log(
      JSON.stringify({
        bench: 'ui-grid',
        photos: photoCount,
        catalogBuildMs: Math.round(catalogMs),
        firstGridMs: Math.round(firstGridMs),
        scrollFrames: scroll.frames,
        frameMsP50: round(scroll.p50),
        frameMsP95: round(scroll.p95),
        frameMsMax: round(scroll.max),
        maxCellsInDom: scroll.maxCells,
        domNodesAfterScroll: scroll.domNodes,
        scrolledPx: scroll.scrolledPx,
        searchFirstPageMsP50: round(searchTimes[5]),
        searchFirstPageMsMax: round(searchTimes[9]),
      }),
    );
  } finally {
    await browser.close();
    await host.close();
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
