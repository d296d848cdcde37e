// The three inner loops of the face neighbour index as WebAssembly SIMD (128-bit) kernels.
//
// [Note: Face kernels in WebAssembly SIMD]
// bench/people.ts profiled the 150k re-cluster (`node --cpu-prof`): nearly all of its CPU was
// three loops — int8·int8 dot products of 1024 values (the exact distances), int8·float dot
// products (the PCA projection of every face; the kernel takes the basis as int16) and 32-value
// float distances (scanning buckets and centroids). On this project's 2-core machines V8 runs each as one scalar multiply-add per
// element, 2.5–6 ns each; WebAssembly SIMD does 8 int16 or 4 float multiply-adds per
// instruction, and Node ≥ 16 (and Electron's V8) enable it by default. No compiler for it ships
// in our dependencies, so the module is assembled here from its opcodes: each instruction is one
// line with its text-format name, and test/people/face-vector-kernels.test.ts checks every
// kernel against the plain loop on random data (it measured dot_i8 at 0.2 ns a value here, 15–30×
// the scalar loop). The data the kernels read live in one shared WebAssembly.Memory, allocated
// at its final size (views made before a grow would not see the new pages); wasm32 caps it at
// 4 GiB, about 3.5M faces of 1024 values — far beyond the 150k the issue sizes for.

/** LEB128 (unsigned) of `value`, as the binary format writes sizes and indexes. */
function leb(value: number): number[] {
  const bytes: number[] = [];
  let rest = value >>> 0;
  do {
    let byte = rest & 0x7f;
    rest >>>= 7;
    if (rest !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (rest !== 0);
  return bytes;
}

const utf8 = (text: string) => [...new TextEncoder().encode(text)];
const vector = (items: number[][]) => [...leb(items.length), ...items.flat()];
const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
const name = (text: string) => [...leb(text.length), ...utf8(text)];

// Opcodes (WebAssembly core spec, binary format; SIMD ones are 0xfd + LEB128 index).
const i32 = 0x7f;
const v128 = 0x7b;
const get = (local: number) => [0x20, local]; // local.get
const set = (local: number) => [0x21, local]; // local.set
const tee = (local: number) => [0x22, local]; // local.tee
const i32Const = (value: number) => [0x41, value]; // i32.const (small positive values only)
const i32Add = [0x6a];
const i32Shl = [0x74];
const i32GeU = [0x4f];
const f32Add = [0x92];
const block = [0x02, 0x40]; // block (no result)
const loop = [0x03, 0x40]; // loop (no result)
const br = (depth: number) => [0x0c, depth];
const brIf = (depth: number) => [0x0d, depth];
const end = [0x0b];
const v128Load = [0xfd, 0x00, 0x00, 0x00]; // v128.load align=1 offset=0 (rows need not be aligned)
const f32Store = [0x38, 0x02, 0x00]; // f32.store align=4 offset=0
const i32x4Splat = [0xfd, 0x11];
const i32x4ExtractLane = (lane: number) => [0xfd, 0x1b, lane];
const f32x4ExtractLane = (lane: number) => [0xfd, 0x1f, lane];
const i16x8ExtendLowI8x16S = [0xfd, 0x87, 0x01];
const i16x8ExtendHighI8x16S = [0xfd, 0x88, 0x01];
const i32x4Add = [0xfd, 0xae, 0x01];
const i32x4DotI16x8S = [0xfd, 0xba, 0x01];
const f32x4Add = [0xfd, 0xe4, 0x01];
const f32x4Sub = [0xfd, 0xe5, 0x01];
const f32x4Mul = [0xfd, 0xe6, 0x01];
const advance = (local: number, bytes: number) => [
  ...get(local),
  ...i32Const(bytes),
  ...i32Add,
  ...set(local),
];
const sumI32Lanes = (local: number) => [
  ...get(local),
  ...i32x4ExtractLane(0),
  ...get(local),
  ...i32x4ExtractLane(1),
  ...i32Add,
  ...get(local),
  ...i32x4ExtractLane(2),
  ...i32Add,
  ...get(local),
  ...i32x4ExtractLane(3),
  ...i32Add,
];
const sumF32Lanes = (local: number) => [
  ...get(local),
  ...f32x4ExtractLane(0),
  ...get(local),
  ...f32x4ExtractLane(1),
  ...f32Add,
  ...get(local),
  ...f32x4ExtractLane(2),
  ...f32Add,
  ...get(local),
  ...f32x4ExtractLane(3),
  ...f32Add,
];
const body = (locals: [count: number, type: number][], code: number[]) => {
  const bytes = [...vector(locals.map(([count, type]) => [...leb(count), type])), ...code, ...end];
  return [...leb(bytes.length), ...bytes];
};

// prettier-ignore
/** dot_i8(a, b, n) → i32: Σ a[k]·b[k] over n int8 values (n a multiple of 16). */
const dotI8 = body([[1, i32], [3, v128]], [
  // params 0 a, 1 b, 2 n; locals 3 end, 4 sum, 5 va, 6 vb
  ...get(0), ...get(2), ...i32Add, ...set(3),
  ...block, ...loop,
  ...get(0), ...get(3), ...i32GeU, ...brIf(1),
  ...get(0), ...v128Load, ...set(5),
  ...get(1), ...v128Load, ...set(6),
  ...get(4),
  ...get(5), ...i16x8ExtendLowI8x16S, ...get(6), ...i16x8ExtendLowI8x16S, ...i32x4DotI16x8S, ...i32x4Add,
  ...get(5), ...i16x8ExtendHighI8x16S, ...get(6), ...i16x8ExtendHighI8x16S, ...i32x4DotI16x8S, ...i32x4Add,
  ...set(4),
  ...advance(0, 16), ...advance(1, 16),
  ...br(0), ...end, ...end,
  ...sumI32Lanes(4),
]);

// prettier-ignore
/** dot_i8_i16(a, b, n) → i32: Σ a[k]·b[k], a int8 and b int16 (n a multiple of 16). */
const dotI8I16 = body([[1, i32], [2, v128]], [
  // params 0 a, 1 b, 2 n; locals 3 end, 4 sum, 5 va
  ...get(0), ...get(2), ...i32Add, ...set(3),
  ...block, ...loop,
  ...get(0), ...get(3), ...i32GeU, ...brIf(1),
  ...get(0), ...v128Load, ...set(5),
  ...get(4),
  ...get(5), ...i16x8ExtendLowI8x16S, ...get(1), ...v128Load, ...i32x4DotI16x8S, ...i32x4Add,
  ...advance(1, 16),
  ...get(5), ...i16x8ExtendHighI8x16S, ...get(1), ...v128Load, ...i32x4DotI16x8S, ...i32x4Add,
  ...advance(1, 16),
  ...set(4),
  ...advance(0, 16),
  ...br(0), ...end, ...end,
  ...sumI32Lanes(4),
]);

// prettier-ignore
/**
 * distances_f32(q, rows, count, dims, out): out[r] = Σ (q[j] − rows[r·dims + j])² for `count`
 * consecutive rows of `dims` float32 (dims a multiple of 4).
 */
const distancesF32 = body([[3, i32], [2, v128]], [
  // params 0 q, 1 rows, 2 count, 3 dims, 4 out; locals 5 rowBytes, 6 outEnd, 7 qp, 8 sum, 9 diff
  ...get(3), ...i32Const(2), ...i32Shl, ...set(5),
  ...get(4), ...get(2), ...i32Const(2), ...i32Shl, ...i32Add, ...set(6),
  ...block, ...loop,
  ...get(4), ...get(6), ...i32GeU, ...brIf(1),
  ...i32Const(0), ...i32x4Splat, ...set(8),
  ...get(0), ...set(7),
  // rowEnd reuses local 2 (count is no longer needed once outEnd is known)
  ...get(1), ...get(5), ...i32Add, ...set(2),
  ...block, ...loop,
  ...get(1), ...get(2), ...i32GeU, ...brIf(1),
  ...get(7), ...v128Load, ...get(1), ...v128Load, ...f32x4Sub, ...tee(9), ...get(9), ...f32x4Mul,
  ...get(8), ...f32x4Add, ...set(8),
  ...advance(1, 16), ...advance(7, 16),
  ...br(0), ...end, ...end,
  ...get(4), ...sumF32Lanes(8), ...f32Store,
  ...advance(4, 4),
  ...br(0), ...end, ...end,
]);

const moduleBytes = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
  ...section(
    1,
    vector([
      [0x60, ...vector([[i32], [i32], [i32]]), ...vector([[i32]])], // type 0: (i32 i32 i32) → i32
      [0x60, ...vector([[i32], [i32], [i32], [i32], [i32]]), ...vector([])], // type 1: (i32 ×5) → ()
    ]),
  ),
  // import env.memory: a shared memory (flags 3) of 1 to 65536 pages, so threads can share it
  ...section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x03, 0x01, ...leb(65536)]])),
  ...section(3, vector([[0], [0], [1]])), // functions: dot_i8, dot_i8_i16, distances_f32
  ...section(
    7,
    vector([
      [...name('dot_i8'), 0x00, 0],
      [...name('dot_i8_i16'), 0x00, 1],
      [...name('distances_f32'), 0x00, 2],
    ]),
  ),
  ...section(10, vector([dotI8, dotI8I16, distancesF32])),
]);

// The WebAssembly global as far as this file uses it: our lib is ES2023 without DOM, and
// @types/node 20 does not declare it.
interface WasmMemory {
  readonly buffer: SharedArrayBuffer;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (
    module: object,
    imports: Record<string, Record<string, unknown>>,
  ) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum: number; shared: true }) => WasmMemory;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | undefined;

export type { WasmMemory as KernelMemory };

export interface FaceVectorKernels {
  readonly memory: WasmMemory;
  /** Σ a[k]·b[k] over n int8 values at byte offsets a and b (n a multiple of 16). */
  dotI8(a: number, b: number, n: number): number;
  /** Σ a[k]·b[k], int8 at byte offset a, int16 at byte offset b (n a multiple of 16). */
  dotI8I16(a: number, b: number, n: number): number;
  /** Squared distances from the float32 row at q to `count` rows at `rows`, into float32 at out. */
  distancesF32(q: number, rows: number, count: number, dims: number, out: number): void;
}

const WASM_PAGE = 65536;

/** An instance of the kernels over a new shared memory of at least `bytes` bytes. */
export function createFaceVectorKernels(bytes: number): FaceVectorKernels {
  const pages = Math.max(1, Math.ceil(bytes / WASM_PAGE));
  return faceVectorKernelsOn(new wasm.Memory({ initial: pages, maximum: pages, shared: true }));
}

/**
 * An instance of the kernels over an existing memory: another thread's (a WebAssembly.Memory
 * posted to a worker shares its buffer), so both run the kernels on the same data.
 */
export function faceVectorKernelsOn(memory: WasmMemory): FaceVectorKernels {
  compiled ??= new wasm.Module(moduleBytes);
  const instance = new wasm.Instance(compiled, { env: { memory } });
  const exports = instance.exports as unknown as {
    dot_i8: (a: number, b: number, n: number) => number;
    dot_i8_i16: (a: number, b: number, n: number) => number;
    distances_f32: (q: number, rows: number, count: number, dims: number, out: number) => void;
  };
  return {
    memory,
    dotI8: exports.dot_i8,
    dotI8I16: exports.dot_i8_i16,
    distancesF32: exports.distances_f32,
  };
}

/** Whether `value` is a memory the kernels can run on (checked where one crosses a thread). */
export function isKernelMemory(value: unknown): value is WasmMemory {
  return value instanceof wasm.Memory && value.buffer instanceof SharedArrayBuffer;
}

/** Hands out aligned byte ranges of a memory, front to back (nothing is ever freed). */
export class BumpLayout {
  private next = 0;

  /** Reserves `bytes` bytes aligned to 16 and returns their offset. */
  reserve(bytes: number): number {
    const offset = this.next;
    this.next = offset + Math.ceil(bytes / 16) * 16;
    return offset;
  }

  get size(): number {
    return this.next;
  }
}
