// Messages between the caller and face-recluster-worker.ts (a worker is a trust boundary).
import { z } from 'zod';

export const ReclusterRequest = z.object({
  descriptors: z.object({
    count: z.number().int().nonnegative(),
    dims: z.number().int().positive(),
    codes: z.custom<Int8Array>((v) => v instanceof Int8Array, 'codes must be an Int8Array'),
    scales: z.custom<Float32Array>((v) => v instanceof Float32Array, 'scales: Float32Array'),
  }),
  faces: z.array(
    z.object({
      index: z.number().int().nonnegative(),
      personId: z.number().int().nullable(),
      pinned: z.boolean(),
      rejected: z.array(z.number().int()),
      clusterable: z.boolean(),
    }),
  ),
  persons: z.array(z.object({ id: z.number().int(), named: z.boolean() })),
  options: z.object({
    clusterDistance: z.number().positive(),
    matchDistance: z.number().positive(),
    minFaces: z.number().int().min(1),
    centreDistance: z.number().positive().optional(),
    groupDistance: z.number().positive().optional(),
    faceSpread: z.number().nonnegative().optional(),
    neighbours: z.number().int().min(1).max(255).optional(),
  }),
});
export type ReclusterRequest = z.infer<typeof ReclusterRequest>;

export const ReclusterReply = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('result'),
    personOf: z.array(z.number().int().nullable()),
    newPersons: z.array(z.number().int()),
    emptiedPersons: z.array(z.number().int()),
    /** Blocks of neighbour queries the helper thread answered (0: this thread did all). */
    helperBlocks: z.number().int().nonnegative(),
    ms: z.number(),
  }),
  z.object({ type: z.literal('failed'), message: z.string() }),
]);
export type ReclusterReply = z.infer<typeof ReclusterReply>;
