// The messages between the local engine and its inference workers, validated with zod on both
// sides (a worker is a trust boundary: a crashed or confused worker must not corrupt answers).
import { z } from 'zod';

const Rect = z.object({ x: z.number(), y: z.number(), w: z.number(), h: z.number() });

export const DetectorPassMessage = z.object({
  size: z.number().int().positive(),
  pixels: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'pixels must be a Uint8Array'),
  content: Rect,
  region: Rect,
  flip: z.boolean(),
  faces: z.boolean(),
});

export const WorkerRequest = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('infer'),
    id: z.number().int(),
    passes: z.array(DetectorPassMessage),
  }),
  z.object({ type: z.literal('memory'), id: z.number().int() }),
  // Face descriptors (local-face-descriptor.ts): square RGB crops from main/imaging/face-crops.ts.
  z.object({
    type: z.literal('describe-faces'),
    id: z.number().int(),
    size: z.number().int().positive(),
    crops: z.array(
      z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'crops must be Uint8Arrays'),
    ),
  }),
]);
export type WorkerRequest = z.infer<typeof WorkerRequest>;

const RawObject = z.object({
  classId: z.number().int().min(0).max(79),
  score: z.number().min(0).max(1),
  box: Rect,
  pass: z.number().int().min(0),
  flipped: z.boolean(),
});
const RawFace = z.object({ score: z.number().min(0).max(1), box: Rect, pass: z.number().int() });

export const WorkerReply = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('load-failed'), message: z.string() }),
  z.object({
    type: z.literal('result'),
    id: z.number().int(),
    objects: z.array(RawObject),
    faces: z.array(RawFace),
    inferMs: z.number(),
  }),
  z.object({ type: z.literal('failed'), id: z.number().int(), message: z.string() }),
  z.object({
    type: z.literal('descriptors'),
    id: z.number().int(),
    descriptors: z.array(
      z.custom<Float32Array>((v) => v instanceof Float32Array, 'descriptors must be Float32Arrays'),
    ),
    inferMs: z.number(),
  }),
  z.object({
    type: z.literal('memory'),
    id: z.number().int(),
    numTensors: z.number().int(),
    numBytes: z.number(),
  }),
]);
export type WorkerReply = z.infer<typeof WorkerReply>;
