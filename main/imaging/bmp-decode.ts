// A small BMP decoder. The libvips bundled with sharp cannot read BMP (it has no ImageMagick
// loader), but BMP is one of the formats the design promises and Image Tagging V2 accepts,
// so uncompressed BMPs (the overwhelming majority: 1/4/8-bit palette, 16/24/32-bit, with
// BI_BITFIELDS masks) are decoded here into raw pixels that sharp takes as input.
// RLE-compressed and embedded-JPEG/PNG BMPs are refused with a clear reason.

export class BmpError extends Error {
  constructor(
    readonly code: 'corrupt' | 'unsupported' | 'too-many-pixels',
    message: string,
  ) {
    super(message);
    this.name = 'BmpError';
  }
}

export interface BmpHeader {
  readonly width: number;
  readonly height: number;
  readonly bitsPerPixel: number;
  readonly hasAlpha: boolean;
}

export interface DecodedBmp extends BmpHeader {
  readonly data: Buffer;
  readonly channels: 3 | 4;
}

export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d;
}

interface Layout extends BmpHeader {
  readonly topDown: boolean;
  readonly pixelOffset: number;
  readonly compression: number;
  readonly masks: readonly [number, number, number, number] | null;
  readonly palette: readonly (readonly [number, number, number])[];
}

function readLayout(buf: Buffer): Layout {
  if (!isBmp(buf) || buf.length < 26) throw new BmpError('corrupt', 'Not a BMP file.');
  const pixelOffset = buf.readUInt32LE(10);
  const dibSize = buf.readUInt32LE(14);
  let width: number;
  let rawHeight: number;
  let bitsPerPixel: number;
  let compression = 0;
  let colorsUsed = 0;
  let masks: [number, number, number, number] | null = null;
  if (dibSize === 12) {
    width = buf.readUInt16LE(18);
    rawHeight = buf.readInt16LE(20);
    bitsPerPixel = buf.readUInt16LE(24);
  } else if (dibSize >= 40 && buf.length >= 14 + 40) {
    width = buf.readInt32LE(18);
    rawHeight = buf.readInt32LE(22);
    bitsPerPixel = buf.readUInt16LE(28);
    compression = buf.readUInt32LE(30);
    colorsUsed = buf.readUInt32LE(46);
    if (compression === 3 || compression === 6) {
      // Masks live inside V2+ headers, or right after a 40-byte header.
      const at = 54;
      if (buf.length < at + 12) throw new BmpError('corrupt', 'BMP bit masks are cut off.');
      const alphaMask =
        (dibSize >= 56 || compression === 6) && buf.length >= at + 16
          ? buf.readUInt32LE(at + 12)
          : 0;
      masks = [buf.readUInt32LE(at), buf.readUInt32LE(at + 4), buf.readUInt32LE(at + 8), alphaMask];
    } else if (dibSize >= 108 && buf.length >= 70) {
      const alphaMask = buf.readUInt32LE(66);
      if (alphaMask !== 0 && (bitsPerPixel === 32 || bitsPerPixel === 16)) {
        masks =
          bitsPerPixel === 32
            ? [0x00ff0000, 0x0000ff00, 0x000000ff, alphaMask]
            : [0x7c00, 0x03e0, 0x001f, alphaMask];
      }
    }
  } else {
    throw new BmpError('corrupt', `Unknown BMP header size ${String(dibSize)}.`);
  }
  if (compression === 1 || compression === 2) {
    throw new BmpError('unsupported', 'RLE-compressed BMP is not supported; save it uncompressed.');
  }
  if (compression === 4 || compression === 5) {
    throw new BmpError('unsupported', 'BMP with an embedded JPEG/PNG is not supported.');
  }
  if (compression !== 0 && compression !== 3 && compression !== 6) {
    throw new BmpError('unsupported', `BMP compression ${String(compression)} is not supported.`);
  }
  if (![1, 4, 8, 16, 24, 32].includes(bitsPerPixel)) {
    throw new BmpError(
      'unsupported',
      `BMP with ${String(bitsPerPixel)} bits per pixel is not supported.`,
    );
  }
  const height = Math.abs(rawHeight);
  if (width <= 0 || height <= 0) throw new BmpError('corrupt', 'BMP has no pixels.');
  if (bitsPerPixel === 16 && !masks) masks = [0x7c00, 0x03e0, 0x001f, 0];
  const palette: [number, number, number][] = [];
  if (bitsPerPixel <= 8) {
    const entrySize = dibSize === 12 ? 3 : 4;
    const paletteAt = 14 + dibSize + (dibSize === 40 && masks ? 12 : 0);
    const count = colorsUsed || 2 ** bitsPerPixel;
    for (let i = 0; i < count; i++) {
      const at = paletteAt + i * entrySize;
      if (at + 3 > buf.length) break;
      palette.push([buf[at + 2] ?? 0, buf[at + 1] ?? 0, buf[at] ?? 0]);
    }
    if (palette.length === 0) throw new BmpError('corrupt', 'BMP palette is missing.');
  }
  const hasAlpha = masks !== null && masks[3] !== 0;
  return {
    width,
    height,
    bitsPerPixel,
    hasAlpha,
    topDown: rawHeight < 0,
    pixelOffset,
    compression,
    masks,
    palette,
  };
}

export function readBmpHeader(buf: Buffer): BmpHeader {
  const { width, height, bitsPerPixel, hasAlpha } = readLayout(buf);
  return { width, height, bitsPerPixel, hasAlpha };
}

function maskShift(mask: number): { shift: number; max: number } {
  if (mask === 0) return { shift: 0, max: 0 };
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  return { shift, max: mask >>> shift };
}

/** Decodes an uncompressed BMP; refuses more than `maxPixels` before allocating anything. */
export function decodeBmp(buf: Buffer, maxPixels: number): DecodedBmp {
  const layout = readLayout(buf);
  const { width, height, bitsPerPixel, hasAlpha } = layout;
  if (maxPixels > 0 && width * height > maxPixels) {
    throw new BmpError(
      'too-many-pixels',
      `The BMP claims ${String(width)}×${String(height)} px, more than the limit of ${String(maxPixels)} px.`,
    );
  }
  const stride = Math.floor((bitsPerPixel * width + 31) / 32) * 4;
  if (layout.pixelOffset + stride * height > buf.length) {
    throw new BmpError('corrupt', 'The BMP is truncated: its pixel data is shorter than its size.');
  }
  const channels = hasAlpha ? 4 : 3;
  const out = Buffer.alloc(width * height * channels);
  const fields = layout.masks?.map(maskShift);
  for (let y = 0; y < height; y++) {
    const row = layout.pixelOffset + (layout.topDown ? y : height - 1 - y) * stride;
    let o = y * width * channels;
    for (let x = 0; x < width; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 255;
      if (bitsPerPixel <= 8) {
        const bitIndex = x * bitsPerPixel;
        const byte = buf[row + (bitIndex >> 3)] ?? 0;
        const index = (byte >> (8 - bitsPerPixel - (bitIndex & 7))) & ((1 << bitsPerPixel) - 1);
        [r, g, b] = layout.palette[index] ?? [0, 0, 0];
      } else if (bitsPerPixel === 24) {
        const at = row + x * 3;
        b = buf[at] ?? 0;
        g = buf[at + 1] ?? 0;
        r = buf[at + 2] ?? 0;
      } else {
        const value =
          bitsPerPixel === 16 ? buf.readUInt16LE(row + x * 2) : buf.readUInt32LE(row + x * 4);
        if (fields && layout.masks) {
          const scale = (i: number): number => {
            const field = fields[i];
            const mask = layout.masks?.[i] ?? 0;
            if (!field || field.max === 0) return 255;
            return Math.round((((value & mask) >>> field.shift) * 255) / field.max);
          };
          r = scale(0);
          g = scale(1);
          b = scale(2);
          if (hasAlpha) a = scale(3);
        } else {
          // 32-bit BI_RGB: BGRX, the fourth byte is not alpha.
          b = value & 0xff;
          g = (value >>> 8) & 0xff;
          r = (value >>> 16) & 0xff;
        }
      }
      out[o++] = r;
      out[o++] = g;
      out[o++] = b;
      if (channels === 4) out[o++] = a;
    }
  }
  return { data: out, width, height, bitsPerPixel, hasAlpha, channels };
}

/** Encodes 24-bit BMP (used by tests to make real BMP files, and for engines that want BMP). */
export function encodeBmp24(data: Buffer, width: number, height: number, channels: number): Buffer {
  const stride = Math.floor((24 * width + 31) / 32) * 4;
  const size = 54 + stride * height;
  const out = Buffer.alloc(size);
  out.write('BM', 0, 'latin1');
  out.writeUInt32LE(size, 2);
  out.writeUInt32LE(54, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(width, 18);
  out.writeInt32LE(height, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(24, 28);
  out.writeUInt32LE(stride * height, 34);
  for (let y = 0; y < height; y++) {
    const row = 54 + (height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      out[row + x * 3] = data[i + 2] ?? 0;
      out[row + x * 3 + 1] = data[i + 1] ?? 0;
      out[row + x * 3 + 2] = data[i] ?? 0;
    }
  }
  return out;
}
