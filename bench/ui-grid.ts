// UI grid benchmark (issues 7 and 16): a catalog of 100k photos served by the real web host,
// the real renderer in Chromium, and the justified grid scrolled frame by frame. The photos
// (varied shapes, 15 years of dates, real WebP thumbnails) are written by
// test/e2e/synthetic-grid-library.ts, which the grid's Chromium tests share. Measured:
// - frame times while scrolling 400 frames at 400 px/frame (a fast flick; pages stream in
//   behind), then 300 frames at 100 px/frame (a brisk wheel) and 300 at 25 px/frame (reading),
//   and the same scrolls on a blank page of the same height in the same browser (the reference:
//   what this headless, GPU-less Chromium gives at best); the ratio is the grid's cost;
// - at each speed, the share of the photos on screen that show their thumbnail, averaged over
//   the frames (a grid that skips loading is fast and empty: this says what the user saw);
// - at each speed, the CPU time per frame of the browser (all of Chromium's processes) and of
//   this process (the web host serving the thumbnails): frame times depend on what else the
//   2 cores run, CPU per frame much less, so variants can be compared on a busy machine too;
// - a jump from the timeline to the middle of the library: time until the photos on screen
//   are loaded (pages stream from the start, [Note: Rows before the photos arrive]);
// - the DOM size (cells rendered stay bounded however large the library), time to the first
//   grid, and photos.search first-page latency over HTTP.
// The last line of output is one JSON object. Usage: npm run bench:ui-grid [-- --photos N]
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium } from 'playwright-core';
import { ensureRendererBuilt } from '../main/server/renderer-build.ts';
import { startWebHost } from '../main/server/web-host.ts';
import { createSyntheticGridLibrary } from '../test/e2e/synthetic-grid-library.ts';

const args = process.argv.slice(2);
const photoCount = Number(args[args.indexOf('--photos') + 1] ?? 0) || 100_000;

/**
 * Frame durations of `frames` scroll steps of `step` px on the element `selector`, in the page,
 * and the share of the grid cells on screen whose thumbnail has loaded (1 on a page without
 * cells: the reference).
 */
const scrollScript = (selector: string, frames: number, step: number) => `(async () => {
  const el = document.querySelector('${selector}');
  const durations = [];
  let maxCells = 0;
  let shownSum = 0;
  let last = performance.now();
  for (let i = 0; i < ${String(frames)}; i++) {
    el.scrollTop += ${String(step)};
    await new Promise((r) => requestAnimationFrame(r));
    const now = performance.now();
    durations.push(now - last);
    last = now;
    const cells = document.querySelectorAll('[data-testid=grid-cell]');
    maxCells = Math.max(maxCells, cells.length);
    const box = el.getBoundingClientRect();
    let onScreen = 0;
    let shown = 0;
    for (const cell of cells) {
      const b = cell.getBoundingClientRect();
      if (b.bottom <= box.top || b.top >= box.bottom) continue;
      onScreen++;
      const img = cell.querySelector('img');
      if (img && img.complete && img.naturalWidth > 0) shown++;
    }
    shownSum += onScreen ? shown / onScreen : 1;
  }
  durations.sort((a, b) => a - b);
  return {
    frames: durations.length,
    imagesShown: shownSum / durations.length,
    p50: durations[Math.floor(durations.length * 0.5)],
    p95: durations[Math.floor(durations.length * 0.95)],
    max: durations[durations.length - 1],
    over33: durations.filter((d) => d > 33.4).length,
    maxCells,
    scrolledPx: el.scrollTop,
    domNodes: document.getElementsByTagName('*').length,
  };
})()`;

/**
 * CPU time (ms) of this process's descendants (Chromium's processes) from /proc, Linux only:
 * utime + stime, fields 14 and 15 of /proc/<pid>/stat, in clock ticks of 10 ms.
 */
function browserCpuMs(): number {
  const parents = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      const fields = readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      parents.set(pid, Number(fields[1]));
      ticks.set(pid, (Number(fields[11]) || 0) + (Number(fields[12]) || 0));
    } catch {
      // exited while being read
    }
  }
  let total = 0;
  for (const [pid, count] of ticks) {
    let up = parents.get(pid);
    while (up !== undefined && up > 1 && up !== process.pid) up = parents.get(up);
    if (up === process.pid) total += count;
  }
  return total * 10;
}

/** Runs `phase` and adds the CPU per frame of the browser and of this process (the host). */
async function withCpu(
  frames: number,
  phase: () => Promise<Record<string, number>>,
): Promise<Record<string, number>> {
  const browserBefore = browserCpuMs();
  const hostBefore = process.cpuUsage();
  const result = await phase();
  const host = process.cpuUsage(hostBefore);
  return {
    ...result,
    browserCpuMsPerFrame: (browserCpuMs() - browserBefore) / frames,
    hostCpuMsPerFrame: (host.user + host.system) / 1000 / frames,
  };
}

const root = mkdtempSync(join(tmpdir(), 'tujian-bench-ui-'));
try {
  ensureRendererBuilt();
  const built = performance.now();
  const dataRoot = await createSyntheticGridLibrary(root, photoCount);
  const catalogMs = performance.now() - built;

  const host = await startWebHost({ dataRoot });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const t0 = performance.now();
    await page.goto(host.url);
    await page.waitForSelector('[data-testid=grid-cell] img');
    const firstGridMs = performance.now() - t0;
    const gridHeight = await page.evaluate<number>(
      `document.querySelector('[data-testid=photo-grid]').scrollHeight`,
    );

    const scroll = await withCpu(400, () =>
      page.evaluate<Record<string, number>>(scrollScript('[data-testid=photo-grid]', 400, 400)),
    );
    // Slower scrolls, on from where the fast one stopped (rows not seen yet).
    const slower: Record<string, number>[] = [];
    for (const step of [100, 25]) {
      slower.push({
        step,
        ...(await withCpu(300, () =>
          page.evaluate<Record<string, number>>(
            scrollScript('[data-testid=photo-grid]', 300, step),
          ),
        )),
      });
    }

    // The timeline: a click at its middle, then wait until the photos on screen are loaded.
    const jumpStart = performance.now();
    const box = await page.locator('[data-testid=timeline]').boundingBox();
    if (!box) throw new Error('no timeline: the grid is not sorted by date or too short');
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    // Polled with evaluate (the app's CSP forbids the string evaluation waitForFunction uses).
    const settled = `(() => {
      const cells = [...document.querySelectorAll('[data-testid=grid-cell]')];
      const grid = document.querySelector('[data-testid=photo-grid]').getBoundingClientRect();
      const onScreen = cells.filter((c) => { const b = c.getBoundingClientRect(); return b.bottom > grid.top && b.top < grid.bottom; });
      return onScreen.length > 0 && onScreen.every((c) => c.querySelector('img'));
    })()`;
    while (!(await page.evaluate<boolean>(settled))) {
      if (performance.now() - jumpStart > 120_000)
        throw new Error('the jump did not settle in 120 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const jumpSettleMs = performance.now() - jumpStart;
    const jumpedTo = await page.evaluate<number>(
      `Number(document.querySelector('[data-testid=grid-cell] img') ? [...document.querySelectorAll('[data-testid=grid-cell]')].find((c) => c.getBoundingClientRect().top > 60)?.dataset.photoId : 0)`,
    );

    // The reference: the same scroll on a blank page of the same height, same browser.
    const blank = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await blank.setContent(
      `<div id="s" style="position:absolute;inset:0;overflow-y:auto"><div style="height:${String(gridHeight)}px;background:linear-gradient(#fff,#eee)"></div></div>`,
    );
    const reference = await withCpu(400, () =>
      blank.evaluate<Record<string, number>>(scrollScript('#s', 400, 400)),
    );
    const slowerReference: Record<string, number>[] = [];
    for (const step of [100, 25]) {
      slowerReference.push(
        await blank.evaluate<Record<string, number>>(scrollScript('#s', 300, step)),
      );
    }

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
        gridHeightPx: gridHeight,
        scrollFrames: scroll.frames,
        frameMsP50: round(scroll.p50),
        frameMsP95: round(scroll.p95),
        frameMsMax: round(scroll.max),
        framesOver33ms: scroll.over33,
        referenceFrameMsP50: round(reference.p50),
        referenceFrameMsP95: round(reference.p95),
        frameP95RatioToReference: round((scroll.p95 ?? 0) / (reference.p95 ?? 1)),
        imagesShownWhileScrolling: Math.round((scroll.imagesShown ?? 0) * 1000) / 1000,
        browserCpuMsPerFrame: round(scroll.browserCpuMsPerFrame),
        hostCpuMsPerFrame: round(scroll.hostCpuMsPerFrame),
        referenceBrowserCpuMsPerFrame: round(reference.browserCpuMsPerFrame),
        slowerScrolls: slower.map((s, k) => ({
          pxPerFrame: s.step,
          frames: s.frames,
          frameMsP50: round(s.p50),
          frameMsP95: round(s.p95),
          framesOver33ms: s.over33,
          imagesShown: Math.round((s.imagesShown ?? 0) * 1000) / 1000,
          browserCpuMsPerFrame: round(s.browserCpuMsPerFrame),
          hostCpuMsPerFrame: round(s.hostCpuMsPerFrame),
          referenceFrameMsP95: round(slowerReference[k]?.p95),
        })),
        maxCellsInDom: scroll.maxCells,
        domNodesAfterScroll: scroll.domNodes,
        scrolledPx: scroll.scrolledPx,
        timelineJumpSettleMs: Math.round(jumpSettleMs),
        timelineJumpPhotoId: jumpedTo,
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
