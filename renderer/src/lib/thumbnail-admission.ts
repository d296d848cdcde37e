// Which grid thumbnails start loading, frame by frame.
//
// [Note: Thumbnails admitted by frame]
// Every thumbnail the grid loads costs the frames it lands in: the request and response on the
// main thread, the image decode and the raster of its tile, all on the same few cores as the
// scroll itself. `npm run bench:ui-grid` (100k photos, 2 cores, software raster) measured it:
// the grid's frame time p95 was 52–55 ms with every mounted cell loading its <img> at once,
// 18.7 ms with no images at all (the blank page's reference: 18.4), and with at most 1, 2, 3
// new thumbnails started per frame 24.5, 31.1 and 40.8 ms. The cost grows with the number of
// images started per frame, not with the DOM.
//
// And at a fast flick (400 px a frame) loading everything was useless as well as costly: the
// image arrives after its row has left the screen, so 1.4 % of the cells on screen showed their
// thumbnail. So a cell does not load its thumbnail when it mounts; it asks here, and each frame
// the admission starts the few that will be seen:
// - where the screen will be when the image arrives: the scroll velocity (px/ms, smoothed) times
//   the measured load latency (admit → load, smoothed) ahead of the screen, plus a prefetch
//   margin (wider when the scroll is idle, so a small scroll either way finds images ready);
// - rows in that window that will stay on screen at least `minVisibleMs` after the load
//   lands (while scrolling), nearest its middle first: at a flick's speed a row crosses the
//   screen in under 0.1 s, so nothing is loaded until the scroll slows or stops;
// - at most `maxPerFrame` new ones a frame and `maxInFlight` at a time (a browser opens six
//   connections per host: more requests only queue where they can no longer be reordered).
// A URL that has loaded once is shown at once when its cell mounts again (the memory cache has
// it; no request is made).
//
// Pure: the clock and the frame source are injected (renderer/src/lib tests run in Node).

export interface ThumbnailAdmissionOptions {
  /** Calls back before the next frame (requestAnimationFrame in the page). */
  readonly requestFrame: (callback: () => void) => void;
  /** Milliseconds, monotonic (performance.now in the page). */
  readonly now: () => number;
  /** New loads started per frame while the grid scrolls; when it is idle, `idlePerFrame`. */
  readonly maxPerFrame?: number;
  readonly idlePerFrame?: number;
  /** Loads admitted and not yet settled (loaded, failed or abandoned). */
  readonly maxInFlight?: number;
  /**
   * While scrolling, a thumbnail is loaded only if its row will stay on screen at least this
   * long after the load lands: at a flick's speed (a row crosses the screen in under 0.1 s)
   * the image would flash by unseen, and its cost lands in the very frames the flick needs.
   */
  readonly minVisibleMs?: number;
  /** Prefetch beyond the predicted screen, in px: while scrolling (ahead), and when idle. */
  readonly scrollMarginPx?: number;
  readonly idleMarginPx?: number;
  /** How many loaded URLs are remembered for instant display on remount. */
  readonly rememberLoaded?: number;
}

interface Waiting {
  readonly url: string;
  readonly top: number;
  readonly height: number;
  readonly admit: () => void;
}

/** A scroll with no new position for this long is idle (velocity 0). */
const idleAfterMs = 100;
/** The load latency assumed before any load was measured, and its bounds. */
const initialLatencyMs = 60;
const minLatencyMs = 16;
const maxLatencyMs = 600;

export class ThumbnailAdmission {
  private readonly options: Required<ThumbnailAdmissionOptions>;
  private readonly waiting = new Set<Waiting>();
  /** Admitted URLs not settled yet, with when they were admitted. */
  private readonly inFlight = new Map<string, number>();
  private readonly loaded = new Set<string>();
  private frameRequested = false;
  private viewTop = 0;
  private viewHeight = 800;
  private viewAt = -Infinity;
  private velocityPxPerMs = 0;
  private latencyMs = initialLatencyMs;

  constructor(options: ThumbnailAdmissionOptions) {
    this.options = {
      maxPerFrame: 4,
      idlePerFrame: 8,
      maxInFlight: 6,
      minVisibleMs: 100,
      scrollMarginPx: 300,
      idleMarginPx: 500,
      rememberLoaded: 4000,
      ...options,
    };
  }

  /** The grid's scroll position and screen height, on every scroll frame and resize. */
  updateView(top: number, height: number): void {
    const at = this.options.now();
    const elapsed = at - this.viewAt;
    if (elapsed > 0 && elapsed < idleAfterMs) {
      const instant = (top - this.viewTop) / elapsed;
      // Smoothed over a few frames: one jump (a timeline click) should not look like a flick.
      this.velocityPxPerMs = this.velocityPxPerMs * 0.5 + instant * 0.5;
    } else {
      this.velocityPxPerMs = 0;
    }
    this.viewTop = top;
    this.viewHeight = height;
    this.viewAt = at;
    if (this.waiting.size > 0) this.scheduleFrame();
  }

  /** True when `url` loaded before: the cell shows it without asking. */
  hasLoaded(url: string): boolean {
    return this.loaded.has(url);
  }

  /**
   * A cell whose row spans [top, top + height) wants `url`; `admit` is called (once, in a
   * frame) when it may set its <img src>. Returns the cancel of a request not admitted yet:
   * call it when the cell unmounts or its row moves (then ask again).
   */
  request(url: string, top: number, height: number, admit: () => void): () => void {
    const entry: Waiting = { url, top, height, admit };
    this.waiting.add(entry);
    this.scheduleFrame();
    return () => {
      this.waiting.delete(entry);
    };
  }

  /**
   * The cell showing `url` unmounted (or changed photo): its <img> left the grid before its
   * load or error event could reach the grid's listener, so it no longer counts as in flight
   * (the browser may still finish it; its latency is not measured).
   */
  abandon(url: string): void {
    if (this.inFlight.delete(url) && this.waiting.size > 0) this.scheduleFrame();
  }

  /** The <img> for `url` loaded (or failed: `ok` false). Frees its slot; measures latency. */
  settled(url: string, ok: boolean): void {
    const started = this.inFlight.get(url);
    this.inFlight.delete(url);
    if (ok) {
      if (started !== undefined) {
        const took = Math.min(maxLatencyMs, Math.max(minLatencyMs, this.options.now() - started));
        this.latencyMs = this.latencyMs * 0.8 + took * 0.2;
      }
      this.loaded.delete(url);
      this.loaded.add(url);
      if (this.loaded.size > this.options.rememberLoaded) {
        const oldest = this.loaded.values().next().value;
        if (oldest !== undefined) this.loaded.delete(oldest);
      }
    }
    if (this.waiting.size > 0) this.scheduleFrame();
  }

  /** What the admission is holding and has measured (for tests). */
  state(): { waiting: number; inFlight: number; velocityPxPerMs: number; latencyMs: number } {
    return {
      waiting: this.waiting.size,
      inFlight: this.inFlight.size,
      velocityPxPerMs: this.currentVelocity(),
      latencyMs: this.latencyMs,
    };
  }

  private currentVelocity(): number {
    return this.options.now() - this.viewAt > idleAfterMs ? 0 : this.velocityPxPerMs;
  }

  private scheduleFrame(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    this.options.requestFrame(() => {
      this.frameRequested = false;
      this.admitForFrame();
    });
  }

  private admitForFrame(): void {
    const velocity = this.currentVelocity();
    const idle = velocity === 0;
    const slots = Math.min(
      idle ? this.options.idlePerFrame : this.options.maxPerFrame,
      this.options.maxInFlight - this.inFlight.size,
    );
    // Where the screen will be when a load started now lands.
    const lead = velocity * this.latencyMs;
    const margin = idle ? this.options.idleMarginPx : this.options.scrollMarginPx;
    const windowTop = this.viewTop + lead - (idle || velocity < 0 ? margin : 0);
    const windowBottom =
      this.viewTop + this.viewHeight + lead + (idle || velocity > 0 ? margin : 0);
    const middle = (windowTop + windowBottom) / 2;
    if (slots > 0) {
      const candidates: { entry: Waiting; distance: number }[] = [];
      for (const entry of this.waiting) {
        if (entry.top + entry.height <= windowTop || entry.top >= windowBottom) continue;
        if (!idle && this.visibleAfterLanding(entry, velocity) < this.options.minVisibleMs)
          continue;
        candidates.push({ entry, distance: Math.abs(entry.top + entry.height / 2 - middle) });
      }
      candidates.sort((a, b) => a.distance - b.distance);
      const at = this.options.now();
      let started = 0;
      for (const { entry } of candidates) {
        if (started >= slots) break;
        this.waiting.delete(entry);
        // Two cells with one URL (the same content twice) share one load.
        if (!this.inFlight.has(entry.url)) {
          this.inFlight.set(entry.url, at);
          started++;
        }
        entry.admit();
      }
    }
    // Cells outside the window wait for the screen to come to them. A full set of loads in
    // flight waits for `settled`; a moving screen keeps asking for frames (it turns idle
    // `idleAfterMs` after its last scroll, and the idle window is admitted then); an idle one
    // asks again only while cells in its window wait.
    const free = this.inFlight.size < this.options.maxInFlight;
    const moving = this.currentVelocity() !== 0;
    if (this.waiting.size > 0 && free && (moving || this.waitingInWindow())) this.scheduleFrame();
  }

  /**
   * How long the row would stay on screen after a load started now lands (ms), if the screen
   * keeps moving at `velocity`.
   */
  private visibleAfterLanding(entry: Waiting, velocity: number): number {
    const bottom = this.viewTop + this.viewHeight;
    // When the row comes onto the screen and when it leaves it, from now.
    const enters =
      velocity > 0
        ? (entry.top - bottom) / velocity
        : (entry.top + entry.height - this.viewTop) / velocity;
    const leaves =
      velocity > 0
        ? (entry.top + entry.height - this.viewTop) / velocity
        : (entry.top - bottom) / velocity;
    return leaves - Math.max(this.latencyMs, enters, 0);
  }

  private waitingInWindow(): boolean {
    const top = this.viewTop - this.options.idleMarginPx;
    const bottom = this.viewTop + this.viewHeight + this.options.idleMarginPx;
    for (const entry of this.waiting) {
      if (entry.top + entry.height > top && entry.top < bottom) return true;
    }
    return false;
  }
}
