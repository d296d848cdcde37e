// The answers of DetectLabelPro and DetectLabel (API 2019-05-29) validated with zod, and their
// mapping to the one tag model. Labels carry a Chinese `Name`, a 0–100 `Confidence` and the
// label's first/second category; the English name comes from the shipped table
// (chinese-label-names.ts) or is marked missing. The categories say what kind of thing it is:
// a label filed under a 场景 (scene) category is a scene, everything else a thing in the
// picture (object); both categories are kept in `extra`.
import { z } from 'zod';
import { chineseLabelNames } from '../chinese-label-names.ts';
import type { EngineAnswer, ScoredTag, TagType } from '../tag-model.ts';

export const TencentLabelItem = z.object({
  Name: z.string(),
  Confidence: z.number().min(0).max(100),
  // Documented as strings; the news scene leaves them out, and null is allowed by the docs'
  // "此字段可能返回 null".
  FirstCategory: z.string().nullish(),
  SecondCategory: z.string().nullish(),
});
export type TencentLabelItem = z.infer<typeof TencentLabelItem>;

const Labels = z.array(TencentLabelItem).nullish();

/** `Response` of a successful call: Pro fills `Labels`, DetectLabel the scene's array. */
export const TencentLabelResponse = z.object({
  Labels,
  CameraLabels: Labels,
  AlbumLabels: Labels,
  NewsLabels: Labels,
  RequestId: z.string().optional(),
});
export type TencentLabelResponse = z.infer<typeof TencentLabelResponse>;

/** The API 3.0 error envelope (HTTP 200 with `Response.Error`). */
export const TencentErrorResponse = z.object({
  Error: z.object({ Code: z.string().min(1), Message: z.string().optional().default('') }),
  RequestId: z.string().optional(),
});

export const TencentEnvelope = z.object({ Response: z.record(z.string(), z.unknown()) });

export function tencentTagType(item: TencentLabelItem): TagType {
  const categories = [item.FirstCategory ?? '', item.SecondCategory ?? ''];
  return categories.some((c) => c.includes('场景')) ? 'scene' : 'object';
}

/** The labels of the action and scene that were asked for. */
export function labelsOf(
  response: TencentLabelResponse,
  action: 'DetectLabelPro' | 'DetectLabel',
  scene: 'ALBUM' | 'CAMERA' | 'WEB' | 'NEWS',
): readonly TencentLabelItem[] {
  if (action === 'DetectLabelPro') return response.Labels ?? [];
  const byScene = {
    WEB: response.Labels,
    CAMERA: response.CameraLabels,
    ALBUM: response.AlbumLabels,
    NEWS: response.NewsLabels,
  } as const;
  return byScene[scene] ?? [];
}

export function mapTencentLabels(
  labels: readonly TencentLabelItem[],
  context: { readonly threshold: number; readonly model: string },
): EngineAnswer {
  const byName = new Map<string, ScoredTag>();
  for (const item of labels) {
    if (item.Name.trim() === '' || item.Confidence < context.threshold) continue;
    const names = chineseLabelNames(item.Name);
    const first = item.FirstCategory?.trim();
    const second = item.SecondCategory?.trim();
    const tag: ScoredTag = {
      name: names.name,
      i18n: { zh: names.zh, en: names.en },
      type: tencentTagType(item),
      confidence: item.Confidence,
      instances: [],
      extra: {
        ...(first ? { firstCategory: first } : {}),
        ...(second ? { secondCategory: second } : {}),
        ...(names.enKnown ? {} : { enKnown: false }),
      },
    };
    const existing = byName.get(tag.name);
    if (!existing || existing.confidence < tag.confidence) byName.set(tag.name, tag);
  }
  return {
    engine: 'tencent',
    model: context.model,
    tags: [...byName.values()].sort((a, b) => b.confidence - a.confidence),
  };
}
