import { describe, expect, it } from 'vitest';
import { BmpError, decodeBmp, encodeBmp24 } from '../../main/imaging/bmp-decode.ts';

interface BmpSpec {
  width: number;
  height: number;
  bpp: number;
  compression?: number;
  topDown?: boolean;
  dibSize?: number;
  palette?: [number, number, number][];
  masks?: [number, number, number, number];
  /** Writes pixel x of row y (top row = 0) into the row buffer. */
  pixel: (row: Buffer, x: number, y: number) => void;
}

/** Builds a BMP file byte by byte, as other programs write them. */
function buildBmp(spec: BmpSpec): Buffer {
  const dibSize = spec.dibSize ?? 40;
  const paletteBytes = (spec.palette?.length ?? 0) * 4;
  const masksAfterHeader = dibSize === 40 && spec.masks ? 12 : 0;
  const offset = 14 + dibSize + masksAfterHeader + paletteBytes;
  const stride = Math.floor((spec.bpp * spec.width + 31) / 32) * 4;
  const out = Buffer.alloc(offset + stride * spec.height);
  out.write('BM', 0, 'latin1');
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(offset, 10);
  out.writeUInt32LE(dibSize, 14);
  out.writeInt32LE(spec.width, 18);
  out.writeInt32LE(spec.topDown ? -spec.height : spec.height, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(spec.bpp, 28);
  out.writeUInt32LE(spec.compression ?? 0, 30);
  out.writeUInt32LE(spec.palette?.length ?? 0, 46);
  if (spec.masks) spec.masks.forEach((mask, i) => out.writeUInt32LE(mask, 54 + i * 4));
  spec.palette?.forEach(([r, g, b], i) => {
    const at = 14 + dibSize + masksAfterHeader + i * 4;
    out[at] = b;
    out[at + 1] = g;
    out[at + 2] = r;
  });
  for (let y = 0; y < spec.height; y++) {
    const fileRow = spec.topDown ? y : spec.height - 1 - y;
    const row = out.subarray(offset + fileRow * stride, offset + (fileRow + 1) * stride);
    for (let x = 0; x < spec.width; x++) spec.pixel(row, x, y);
  }
  return out;
}

const px = (data: Buffer, channels: number, width: number, x: number, y: number) => [
  ...data.subarray((y * width + x) * channels, (y * width + x + 1) * channels),
];

describe(decodeBmp.name, () => {
  it('round-trips a 24-bit bottom-up BMP with row padding', () => {
    const width = 7;
    const height = 5;
    const rgb = Buffer.alloc(width * height * 3);
    for (let i = 0; i < width * height; i++) rgb.set([i * 3, 255 - i, (i * 7) % 256], i * 3);
    const decoded = decodeBmp(encodeBmp24(rgb, width, height, 3), 1e6);
    expect(decoded).toMatchObject({ width, height, channels: 3, bitsPerPixel: 24 });
    expect(decoded.data.equals(rgb)).toBe(true);
  });

  it('decodes 8-bit and 1-bit palettes, top-down and bottom-up', () => {
    const palette: [number, number, number][] = [
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
    ];
    const eight = decodeBmp(
      buildBmp({
        width: 3,
        height: 2,
        bpp: 8,
        topDown: true,
        palette,
        pixel: (row, x, y) => (row[x] = (x + y) % 3),
      }),
      1e6,
    );
    expect(px(eight.data, 3, 3, 0, 0)).toEqual([255, 0, 0]);
    expect(px(eight.data, 3, 3, 2, 1)).toEqual([255, 0, 0]);
    expect(px(eight.data, 3, 3, 1, 1)).toEqual([0, 0, 255]);

    const mono = decodeBmp(
      buildBmp({
        width: 10,
        height: 2,
        bpp: 1,
        palette: [
          [0, 0, 0],
          [255, 255, 255],
        ],
        pixel: (row, x, y) => {
          if ((x + y) % 2 === 1) row[x >> 3] = (row[x >> 3] ?? 0) | (0x80 >> (x & 7));
        },
      }),
      1e6,
    );
    expect(px(mono.data, 3, 10, 0, 0)).toEqual([0, 0, 0]);
    expect(px(mono.data, 3, 10, 9, 0)).toEqual([255, 255, 255]);
    expect(px(mono.data, 3, 10, 9, 1)).toEqual([0, 0, 0]);
  });

  it('decodes 32-bit BITFIELDS with alpha (V4 header) and 16-bit 565', () => {
    const rgba = decodeBmp(
      buildBmp({
        width: 2,
        height: 1,
        bpp: 32,
        compression: 3,
        dibSize: 108,
        masks: [0x00ff0000, 0x0000ff00, 0x000000ff, 0xff000000],
        pixel: (row, x) => row.writeUInt32LE(x === 0 ? 0x80ff8000 : 0xff0000ff, x * 4),
      }),
      1e6,
    );
    expect(rgba).toMatchObject({ channels: 4, hasAlpha: true });
    expect(px(rgba.data, 4, 2, 0, 0)).toEqual([255, 128, 0, 128]);
    expect(px(rgba.data, 4, 2, 1, 0)).toEqual([0, 0, 255, 255]);

    const rgb565 = decodeBmp(
      buildBmp({
        width: 1,
        height: 1,
        bpp: 16,
        compression: 3,
        masks: [0xf800, 0x07e0, 0x001f, 0],
        pixel: (row) => row.writeUInt16LE(0xf81f, 0),
      }),
      1e6,
    );
    expect(px(rgb565.data, 3, 1, 0, 0)).toEqual([255, 0, 255]);
  });

  it('refuses RLE, truncated files and too many pixels with clear errors', () => {
    const rle = buildBmp({
      width: 2,
      height: 2,
      bpp: 8,
      compression: 1,
      palette: [[0, 0, 0]],
      pixel: () => undefined,
    });
    expect(() => decodeBmp(rle, 1e6)).toThrow(/RLE-compressed BMP is not supported/);
    const whole = encodeBmp24(Buffer.alloc(30 * 30 * 3), 30, 30, 3);
    expect(() => decodeBmp(whole.subarray(0, 500), 1e6)).toThrow(/truncated/);
    expect(() => decodeBmp(whole, 800)).toThrow(BmpError);
    expect(() => decodeBmp(whole, 800)).toThrow(/30×30 px, more than the limit/);
  });
});
