// The admission's decisions, frame by frame, with a clock and a frame queue the test drives
// (the module is pure; the page wires requestAnimationFrame and performance.now). What the user
// sees in a real Chromium is tested in test/e2e/web-grid-thumbnails.test.ts and measured by
// `npm run bench:ui-grid`.
import { describe, expect, it } from 'vitest';
import {
  ThumbnailAdmission,
  type ThumbnailAdmissionOptions,
} from '../../renderer/src/lib/thumbnail-admission.ts';

/** A 900 px screen over rows 200 px high: row r spans [r * 200, r * 200 + 200). */
function harness(options: Partial<ThumbnailAdmissionOptions> = {}) {
  let clock = 1000;
  let frames: (() => void)[] = [];
  const admission = new ThumbnailAdmission({
    requestFrame: (callback) => frames.push(callback),
    now: () => clock,
    ...options,
  });
  const admitted: string[] = [];
  const cancels = new Map<string, () => void>();
  return {
    admission,
    admitted,
    /** Asks for the thumbnail of row `row` (one cell per row, url `r<row>`). */
    ask(row: number) {
      const url = `r${String(row)}`;
      cancels.set(
        url,
        admission.request(url, row * 200, 200, () => admitted.push(url)),
      );
    },
    cancel(row: number) {
      cancels.get(`r${String(row)}`)?.();
    },
    /** Runs the frames asked for, `ms` apart. */
    frame(ms = 16) {
      clock += ms;
      const due = frames;
      frames = [];
      for (const callback of due) callback();
    },
    advance(ms: number) {
      clock += ms;
    },
    pendingFrames: () => frames.length,
  };
}

describe(ThumbnailAdmission.name, () => {
  it('when idle, admits the rows on screen and a margin around it, nearest the middle first, a few a frame', () => {
    const h = harness({ idlePerFrame: 3, maxInFlight: 100, idleMarginPx: 200 });
    h.admission.updateView(0, 900);
    for (let row = 0; row < 12; row++) h.ask(row);
    h.frame();
    // The screen is rows 0–4 (0…900); the margin adds row 5 (…1100). Middle 450 + 100 shift.
    expect(h.admitted).toHaveLength(3);
    expect(h.admitted).toEqual(['r2', 'r1', 'r3']);
    h.frame();
    h.frame();
    expect([...h.admitted].sort()).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5']);
    // Rows far below are not loaded until the screen comes to them, and no frame is asked for.
    h.frame();
    expect(h.admitted).toHaveLength(6);
    expect(h.pendingFrames()).toBe(0);
    h.admission.updateView(1400, 900);
    h.advance(500); // a jump, not a scroll: the screen is idle again at once
    h.frame();
    h.frame();
    expect(h.admitted).toEqual(expect.arrayContaining(['r7', 'r8', 'r9', 'r10', 'r11']));
  });

  it('keeps at most maxInFlight loads open; a settled or abandoned one frees its slot', () => {
    const h = harness({ idlePerFrame: 10, maxInFlight: 2 });
    h.admission.updateView(0, 900);
    for (let row = 0; row < 4; row++) h.ask(row);
    h.frame();
    expect(h.admitted).toHaveLength(2);
    h.frame();
    expect(h.admitted).toHaveLength(2);
    h.admission.settled(h.admitted[0] ?? '', true);
    h.frame();
    expect(h.admitted).toHaveLength(3);
    h.admission.abandon(h.admitted[1] ?? '');
    h.frame();
    expect(h.admitted).toHaveLength(4);
    expect(h.admission.state().inFlight).toBe(2);
  });

  it('during a fast scroll, loads only rows that will still be on screen when the load lands', () => {
    const h = harness({ maxPerFrame: 10, maxInFlight: 100, scrollMarginPx: 0 });
    // Measure a load latency of about 100 ms first.
    h.admission.updateView(0, 900);
    h.ask(0);
    h.frame();
    for (let i = 0; i < 30; i++) {
      h.advance(100);
      h.admission.settled('r0', true);
      h.admission.abandon('r0');
      h.admission.request('r0', 0, 200, () => undefined);
      h.frame(0);
    }
    expect(h.admission.state().latencyMs).toBeGreaterThan(90);
    // Scrolling down 400 px a frame (25 px/ms): in 100 ms the screen moves 2500 px.
    let top = 10_000;
    for (let i = 0; i < 5; i++) {
      h.admission.updateView(top, 900);
      h.frame(16);
      top += 400;
    }
    h.admitted.length = 0;
    // Mounted rows: the screen (top … top + 900) and 800 px of overscan each side.
    const firstRow = Math.floor((top - 800) / 200);
    for (let row = firstRow; row < firstRow + 13; row++) h.ask(row);
    h.admission.updateView(top, 900);
    h.frame(16);
    // Every mounted row will have left the screen before a load lands: none is started.
    expect(h.admitted).toEqual([]);

    // A slower scroll (50 px a frame, 3 px/ms, 300 px ahead at 100 ms): the rows coming onto
    // the bottom of the screen are loaded, the ones about to leave at the top are not.
    for (let i = 0; i < 12; i++) {
      top += 50;
      h.admission.updateView(top, 900);
      h.frame(16);
    }
    const rows = h.admitted.map((url) => Number(url.slice(1)) * 200);
    expect(rows.length).toBeGreaterThan(0);
    for (const rowTop of rows) expect(rowTop + 200).toBeGreaterThan(top + 300);
  });

  it('with a fast network, a flick still loads nothing: its rows would show for under minVisibleMs', () => {
    const h = harness({ maxPerFrame: 10, maxInFlight: 100, minVisibleMs: 100 });
    // Loads land in about 16 ms.
    h.admission.updateView(0, 900);
    h.ask(0);
    h.frame();
    h.advance(16);
    h.admission.settled('r0', true);
    expect(h.admission.state().latencyMs).toBeLessThan(60);
    let top = 10_000;
    const flick = (step: number) => {
      for (let i = 0; i < 6; i++) {
        h.admission.updateView(top, 900);
        h.frame(16);
        top += step;
      }
      top -= step;
      const firstRow = Math.floor((top - 800) / 200);
      for (let row = firstRow; row < firstRow + 13; row++) h.ask(row);
      h.admission.updateView(top, 900);
      h.frame(16);
    };
    // 400 px a frame: a row crosses the 900 px screen in 46 ms.
    flick(400);
    expect(h.admitted).toEqual(['r0']);
    // 25 px a frame: rows stay on screen for 0.7 s, and the ones ahead are loaded.
    flick(25);
    expect(h.admitted.length).toBeGreaterThan(1);
  });

  it('turns idle after the scroll stops and then loads what is on screen', () => {
    const h = harness({ maxPerFrame: 10, idlePerFrame: 10, maxInFlight: 100 });
    let top = 0;
    for (let i = 0; i < 5; i++) {
      h.admission.updateView(top, 900);
      h.frame(16);
      top += 2000; // far too fast for anything to be loaded
    }
    top -= 2000;
    for (let row = Math.floor(top / 200); row < Math.floor(top / 200) + 5; row++) h.ask(row);
    h.frame(16);
    expect(h.admitted).toEqual([]);
    // No more scroll events: the admission keeps asking for frames until the screen is idle.
    for (let i = 0; i < 10; i++) h.frame(16);
    expect(h.admitted).toHaveLength(5);
  });

  it('remembers what loaded (bounded), forgets failures, and a cancelled request is never admitted', () => {
    const h = harness({ rememberLoaded: 2, idlePerFrame: 10 });
    h.admission.updateView(0, 900);
    h.ask(0);
    h.ask(1);
    h.ask(2);
    h.cancel(2);
    h.frame();
    expect([...h.admitted].sort()).toEqual(['r0', 'r1']);
    h.admission.settled('r0', true);
    h.admission.settled('r1', false);
    expect(h.admission.hasLoaded('r0')).toBe(true);
    expect(h.admission.hasLoaded('r1')).toBe(false);
    h.admission.settled('x', true);
    h.admission.settled('y', true);
    expect(h.admission.hasLoaded('r0')).toBe(false);
    expect(h.admission.hasLoaded('y')).toBe(true);
  });
});
