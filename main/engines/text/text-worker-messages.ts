// The messages between the text stage and its worker, validated with zod on both sides (a
// worker is a trust boundary: a crashed or confused worker must not corrupt what is stored).
import { z } from 'zod';

export const TextWorkerRequest = z.object({
  type: z.literal('read'),
  id: z.number().int(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  pixels: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'pixels must be a Uint8Array'),
});
export type TextWorkerRequest = z.infer<typeof TextWorkerRequest>;

const unit = z.number().min(0).max(1);

export const ReadLineMessage = z.object({
  text: z.string().min(1),
  confidence: unit,
  language: z.enum(['zh', 'en', 'mixed', 'und']),
  box: z.array(z.tuple([unit, unit])).length(4),
  boxScore: unit,
});

export const TextWorkerReply = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('load-failed'), message: z.string() }),
  z.object({
    type: z.literal('result'),
    id: z.number().int(),
    lines: z.array(ReadLineMessage),
    textArea: unit,
    gatedOut: z.boolean(),
    timings: z.object({ gateMs: z.number(), detectMs: z.number(), recognizeMs: z.number() }),
  }),
  z.object({ type: z.literal('failed'), id: z.number().int(), message: z.string() }),
]);
export type TextWorkerReply = z.infer<typeof TextWorkerReply>;
