// The DB post-processing on hand-made probability maps: a slanted bar becomes one box with the
// bar's angle, centre and unclipped size; faint or tiny regions are dropped; an empty map has
// no boxes and no text area.
import { describe, expect, it } from 'vitest';
import { boxesFromMap, inReadingOrder } from '../../../main/engines/text/text-detect.ts';
import { minAreaRect, rectCorners } from '../../../main/engines/text/text-geometry.ts';
import {
  decodeCtc,
  lineLanguage,
  recognitionClasses,
} from '../../../main/engines/text/text-recognize.ts';

const identity = { scaleX: 1, scaleY: 1 };

/** A map with a bar `length` × `thickness` centred at (cx, cy), turned by `degrees`. */
function barMap(
  width: number,
  height: number,
  bar: { cx: number; cy: number; length: number; thickness: number; degrees: number; p: number },
): Float32Array {
  const map = new Float32Array(width * height);
  const a = (bar.degrees * Math.PI) / 180;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const dx = x + 0.5 - bar.cx;
      const dy = y + 0.5 - bar.cy;
      const u = dx * Math.cos(a) + dy * Math.sin(a);
      const v = -dx * Math.sin(a) + dy * Math.cos(a);
      if (Math.abs(u) <= bar.length / 2 && Math.abs(v) <= bar.thickness / 2)
        map[y * width + x] = bar.p;
    }
  }
  return map;
}

describe(boxesFromMap.name, () => {
  it('turns a slanted bar into one box with its angle, centre and unclipped size', () => {
    const map = barMap(200, 120, {
      cx: 100,
      cy: 60,
      length: 120,
      thickness: 16,
      degrees: 10,
      p: 0.9,
    });
    const { boxes, textArea } = boxesFromMap(map, { width: 200, height: 120, ...identity });
    expect(boxes).toHaveLength(1);
    const [box] = boxes;
    if (!box) return;
    expect(box.score).toBeCloseTo(0.9, 5);
    expect(Math.atan2(box.rect.axisY, box.rect.axisX) * (180 / Math.PI)).toBeCloseTo(10, 0);
    expect(box.rect.cx).toBeCloseTo(100, 0);
    expect(box.rect.cy).toBeCloseTo(60, 0);
    // unclip distance = area × 1.5 / perimeter = 120·16·1.5 / 272 ≈ 10.6 on every side
    expect(box.rect.width).toBeGreaterThan(138);
    expect(box.rect.width).toBeLessThan(146);
    expect(box.rect.height).toBeGreaterThan(34);
    expect(box.rect.height).toBeLessThan(42);
    expect(textArea).toBeGreaterThan(0.07);
  });

  it('scales boxes back to image pixels', () => {
    const map = barMap(100, 60, { cx: 50, cy: 30, length: 60, thickness: 10, degrees: 0, p: 0.9 });
    const [box] = boxesFromMap(map, { width: 100, height: 60, scaleX: 4, scaleY: 2 }).boxes;
    expect(box?.rect.cx).toBeCloseTo(200, 0);
    expect(box?.rect.cy).toBeCloseTo(60, 0);
  });

  it('drops faint regions and specks, and finds nothing in an empty map', () => {
    const faint = barMap(100, 60, {
      cx: 50,
      cy: 30,
      length: 60,
      thickness: 10,
      degrees: 0,
      p: 0.45,
    });
    expect(boxesFromMap(faint, { width: 100, height: 60, ...identity }).boxes).toHaveLength(0);
    const speck = barMap(100, 60, { cx: 50, cy: 30, length: 2, thickness: 2, degrees: 0, p: 0.9 });
    expect(boxesFromMap(speck, { width: 100, height: 60, ...identity }).boxes).toHaveLength(0);
    const empty = boxesFromMap(new Float32Array(6000), { width: 100, height: 60, ...identity });
    expect(empty).toEqual({ boxes: [], textArea: 0 });
  });

  it('orders two lines top to bottom and words left to right', () => {
    const map = new Float32Array(200 * 100);
    const add = (m: Float32Array) => {
      m.forEach((v, i) => {
        if (v > 0) map[i] = v;
      });
    };
    add(barMap(200, 100, { cx: 150, cy: 20, length: 60, thickness: 10, degrees: 0, p: 0.9 }));
    add(barMap(200, 100, { cx: 50, cy: 20, length: 60, thickness: 10, degrees: 0, p: 0.9 }));
    add(barMap(200, 100, { cx: 100, cy: 70, length: 150, thickness: 10, degrees: 0, p: 0.9 }));
    const boxes = inReadingOrder(boxesFromMap(map, { width: 200, height: 100, ...identity }).boxes);
    expect(boxes.map((b) => Math.round(b.rect.cx / 10) * 10)).toEqual([50, 150, 100]);
  });
});

describe(minAreaRect.name, () => {
  it('points its axis along the longer reading direction, corners clockwise from top-left', () => {
    const rect = minAreaRect([
      { x: 0, y: 0 },
      { x: 0, y: 100 },
      { x: 20, y: 0 },
      { x: 20, y: 100 },
    ]);
    // a tall rectangle keeps its axis pointing right: width 20, height 100 (a vertical line)
    expect(rect.axisX).toBeCloseTo(1, 6);
    expect(rect.width).toBeCloseTo(20, 6);
    expect(rect.height).toBeCloseTo(100, 6);
    const [tl, tr, br, bl] = rectCorners(rect);
    expect([tl, tr, br, bl].map((p) => [Math.round(p.x), Math.round(p.y)])).toEqual([
      [0, 0],
      [20, 0],
      [20, 100],
      [0, 100],
    ]);
  });
});

describe(decodeCtc.name, () => {
  it('merges repeats, drops blanks, keeps a character repeated across a blank', () => {
    const classes = recognitionClasses('咖\n啡\nA\n');
    expect(classes).toEqual(['', '咖', '啡', 'A', ' ']);
    const steps = [1, 1, 0, 2, 0, 2, 4, 3];
    const probs = new Float32Array(steps.length * classes.length);
    steps.forEach((c, t) => {
      probs[t * classes.length + c] = 0.8;
    });
    const decoded = decodeCtc(probs, steps.length, classes);
    expect(decoded.text).toBe('咖啡啡 A');
    expect(decoded.confidence).toBeCloseTo(0.8, 6);
    expect(() => decodeCtc(probs, 3, classes)).toThrow(/expected 3 × 5/);
  });

  // [Note: Spaces between Latin words]
  it('reads a gap the model gave some space probability as a space, between Latin letters only', () => {
    const classes = recognitionClasses('a\nb\n咖\n啡\n_\n');
    const space = classes.length - 1;
    /** Columns of [argmax class, space probability on that column]. */
    const decode = (columns: [number, number][]) => {
      const probs = new Float32Array(columns.length * classes.length);
      columns.forEach(([best, spaceP], t) => {
        probs[t * classes.length + best] = 0.6;
        if (best !== space) probs[t * classes.length + space] = spaceP;
      });
      return decodeCtc(probs, columns.length, classes).text;
    };
    const [a, b, ka, fei, underscore] = [1, 2, 3, 4, 5];
    // between two words the blank won, but the space class had 0.2 and 0.08 of the gap
    expect(
      decode([
        [a, 0],
        [0, 0.08],
        [0, 0.2],
        [0, 0.05],
        [b, 0],
      ]),
    ).toBe('a b');
    // inside a word the space class stays near zero
    expect(
      decode([
        [a, 0],
        [0, 0.01],
        [0, 0.004],
        [b, 0],
      ]),
    ).toBe('ab');
    // the space probability of a column the letter itself won does not count
    expect(
      decode([
        [a, 0.3],
        [a, 0.3],
        [b, 0.3],
      ]),
    ).toBe('ab');
    // Chinese is written without spaces, and nothing is put next to an underscore
    expect(
      decode([
        [ka, 0],
        [0, 0.4],
        [fei, 0],
        [0, 0.4],
        [a, 0],
      ]),
    ).toBe('咖啡a');
    expect(
      decode([
        [a, 0],
        [0, 0.3],
        [underscore, 0],
        [0, 0.3],
        [b, 0],
      ]),
    ).toBe('a_b');
    // a space the model read is kept (also between Han characters), and a run of them is one
    expect(
      decode([
        [ka, 0],
        [space, 0],
        [fei, 0],
      ]),
    ).toBe('咖 啡');
    expect(
      decode([
        [a, 0],
        [space, 0],
        [0, 0.4],
        [space, 0],
        [b, 0],
      ]),
    ).toBe('a b');
    expect(
      decode([
        [space, 0],
        [a, 0],
        [0, 0.5],
        [space, 0],
      ]),
    ).toBe('a');
  });
});

describe(lineLanguage.name, () => {
  it('tells Chinese, English, mixed and neither apart', () => {
    expect(lineLanguage('北京南站')).toBe('zh');
    expect(lineLanguage('EXIT')).toBe('en');
    expect(lineLanguage('安全出口 EXIT')).toBe('mixed');
    expect(lineLanguage('9:00-21:00')).toBe('und');
  });
});
