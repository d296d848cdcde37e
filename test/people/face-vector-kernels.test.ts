// The hand-assembled WebAssembly SIMD kernels ([Note: Face kernels in WebAssembly SIMD]) against
// the plain loops they replace, on random data at several sizes and offsets.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../main/people/face-index.ts';
import {
  BumpLayout,
  createFaceVectorKernels,
  faceVectorKernelsOn,
  isKernelMemory,
} from '../../main/people/face-vector-kernels.ts';

describe(createFaceVectorKernels.name, () => {
  const random = seededRandom(7);
  const kernels = createFaceVectorKernels(1 << 20);
  const buffer = kernels.memory.buffer;

  it('dot_i8 equals the plain int8 dot product, extremes included', () => {
    const bytes = new Int8Array(buffer);
    for (const n of [16, 128, 1024]) {
      for (const [a, b] of [
        [0, 4096],
        [48, 8208],
      ] as const) {
        for (let k = 0; k < n; k++) {
          bytes[a + k] = Math.round(random() * 255 - 128);
          bytes[b + k] = Math.round(random() * 255 - 128);
        }
        let expected = 0;
        for (let k = 0; k < n; k++) expected += (bytes[a + k] ?? 0) * (bytes[b + k] ?? 0);
        expect(kernels.dotI8(a, b, n)).toBe(expected);
      }
    }
    // All −128: the largest sum the kernel's int32 lanes must hold for 1024 values.
    bytes.fill(-128, 0, 1024);
    expect(kernels.dotI8(0, 0, 1024)).toBe(128 * 128 * 1024);
  });

  it('dot_i8_i16 equals the plain int8·int16 dot product', () => {
    const bytes = new Int8Array(buffer);
    const words = new Int16Array(buffer);
    for (const n of [16, 1024]) {
      const a = 32;
      const b = 16384; // bytes (words[8192 …])
      for (let k = 0; k < n; k++) {
        bytes[a + k] = Math.round(random() * 255 - 128);
        words[b / 2 + k] = Math.round(random() * 32000 - 16000);
      }
      let expected = 0;
      for (let k = 0; k < n; k++) expected += (bytes[a + k] ?? 0) * (words[b / 2 + k] ?? 0);
      expect(kernels.dotI8I16(a, b, n)).toBe(expected);
    }
  });

  it('distances_f32 writes the squared distance of each row to the query', () => {
    const floats = new Float32Array(buffer);
    for (const [dims, count] of [
      [4, 1],
      [32, 37],
    ] as const) {
      const q = 65536; // byte offsets
      const rows = q + dims * 4;
      const out = rows + dims * count * 4 + 64;
      for (let k = 0; k < dims * (count + 1); k++) floats[q / 4 + k] = random() * 2 - 1;
      floats.fill(-1, out / 4, out / 4 + count + 1);
      kernels.distancesF32(q, rows, count, dims, out);
      for (let r = 0; r < count; r++) {
        let expected = 0;
        for (let j = 0; j < dims; j++)
          expected += ((floats[q / 4 + j] ?? 0) - (floats[rows / 4 + r * dims + j] ?? 0)) ** 2;
        expect(floats[out / 4 + r]).toBeCloseTo(expected, 4);
      }
      // Nothing past the last row's score.
      expect(floats[out / 4 + count]).toBe(-1);
    }
  });

  it('runs on a memory shared with another instance (what a helper thread does)', () => {
    expect(isKernelMemory(kernels.memory)).toBe(true);
    expect(isKernelMemory(new ArrayBuffer(8))).toBe(false);
    const other = faceVectorKernelsOn(kernels.memory);
    const bytes = new Int8Array(buffer);
    bytes.fill(3, 0, 16);
    expect(other.dotI8(0, 0, 16)).toBe(kernels.dotI8(0, 0, 16));
  });
});

describe(BumpLayout.name, () => {
  it('hands out 16-byte aligned, non-overlapping ranges', () => {
    const layout = new BumpLayout();
    expect(layout.reserve(5)).toBe(0);
    expect(layout.reserve(16)).toBe(16);
    expect(layout.reserve(1)).toBe(32);
    expect(layout.size).toBe(48);
  });
});
