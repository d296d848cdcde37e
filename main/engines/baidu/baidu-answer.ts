// The advanced_general answer validated with zod, and its mapping to the one tag model: each
// result has a Chinese `keyword`, a 0–1 `score` and its `root` (the upper label, e.g.
// 商品-数码产品, 自然风景-天空; some results have none). English names come from the shipped
// table (chinese-label-names.ts) or are marked missing. A root under 风景/场景 makes a scene,
// 非自然图像 (screenshots, drawings…) a concept, anything else a thing in the picture.
import { z } from 'zod';
import { chineseLabelNames } from '../chinese-label-names.ts';
import type { EngineAnswer, ScoredTag, TagType } from '../tag-model.ts';

export const BaiduResultItem = z.object({
  keyword: z.string(),
  score: z.number().min(0).max(1),
  root: z.string().optional().default(''),
});
export type BaiduResultItem = z.infer<typeof BaiduResultItem>;

export const BaiduAnswer = z.object({
  // Sent as a 64-bit integer; JSON.parse may round it, and it only identifies the call.
  log_id: z.union([z.number(), z.string()]).optional(),
  result_num: z.number().int().nonnegative().optional(),
  result: z.array(BaiduResultItem),
});
export type BaiduAnswer = z.infer<typeof BaiduAnswer>;

export const BaiduErrorBody = z.object({
  error_code: z.union([z.number(), z.string()]).transform(String),
  error_msg: z.string().optional().default(''),
  log_id: z.union([z.number(), z.string()]).optional(),
});

export function baiduTagType(root: string): TagType {
  const top = root.split('-')[0] ?? '';
  if (top.includes('风景') || top.includes('场景')) return 'scene';
  if (top.startsWith('非自然图像')) return 'concept';
  return 'object';
}

export function mapBaiduAnswer(
  answer: BaiduAnswer,
  context: { readonly threshold: number; readonly model: string },
): EngineAnswer {
  const byName = new Map<string, ScoredTag>();
  for (const item of answer.result) {
    const confidence = Math.round(item.score * 10_000) / 100;
    if (item.keyword.trim() === '' || confidence < context.threshold) continue;
    const names = chineseLabelNames(item.keyword);
    const root = item.root.trim();
    const tag: ScoredTag = {
      name: names.name,
      i18n: { zh: names.zh, en: names.en },
      type: baiduTagType(root),
      confidence,
      instances: [],
      extra: { ...(root ? { root } : {}), ...(names.enKnown ? {} : { enKnown: false }) },
    };
    const existing = byName.get(tag.name);
    if (!existing || existing.confidence < tag.confidence) byName.set(tag.name, tag);
  }
  return {
    engine: 'baidu',
    model: context.model,
    tags: [...byName.values()].sort((a, b) => b.confidence - a.confidence),
  };
}
