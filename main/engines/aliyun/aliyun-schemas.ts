// zod schemas of what Aliyun Green 2018-05-09 answers (seed 002, PROTOCOLS.md §C.4): the trust
// boundary between its JSON and the rest of the app. Unknown fields are allowed through.
import { z } from 'zod';

export const AliyunSceneResult = z.object({
  scene: z.string().min(1),
  label: z.string().min(1),
  suggestion: z.string().optional(),
  rate: z.number().min(0).max(100),
});
export type AliyunSceneResult = z.infer<typeof AliyunSceneResult>;

/** One element of `data[]` of /green/image/results, and the `content` of a callback. */
export const AliyunTaskResult = z.object({
  code: z.number().int(),
  msg: z.string().optional(),
  dataId: z.string().optional(),
  taskId: z.string().optional(),
  url: z.string().optional(),
  results: z.array(AliyunSceneResult).optional(),
});
export type AliyunTaskResult = z.infer<typeof AliyunTaskResult>;

/** One element of `data[]` of /green/image/asyncscan. */
export const AliyunSubmittedTask = z.object({
  code: z.number().int(),
  msg: z.string().optional(),
  dataId: z.string().optional(),
  taskId: z.string().optional(),
  url: z.string().optional(),
});

/** The business envelope: `{code, msg, requestId, data}`. */
export function aliyunEnvelope<T extends z.ZodType>(item: T) {
  return z.object({
    code: z.number().int(),
    msg: z.string().optional(),
    requestId: z.string().optional(),
    data: z.array(item).nullish(),
  });
}

/** The POP gateway envelope used for signature/auth/throttling failures. */
export const AliyunPopError = z.object({
  RequestId: z.string().optional(),
  HostId: z.string().optional(),
  Code: z.string().min(1),
  Message: z.string().optional(),
  Recommend: z.string().optional(),
});
export type AliyunPopError = z.infer<typeof AliyunPopError>;
