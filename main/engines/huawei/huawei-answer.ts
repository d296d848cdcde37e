// The Image Tagging V2 answer (seed 001 §4.1, PROTOCOLS.md B.3) validated with zod, and its
// mapping to the one tag model (DESIGN.md §2): confidences arrive as strings, boxes in pixels
// of the image that was sent, and `type` is not always one of object/scene/concept (the
// seed's own example answers `"type": "人类"`).
import { z } from 'zod';
import { normaliseBox, type EngineAnswer, type ScoredTag, type TagType } from '../tag-model.ts';

/** "98.00" → 98; numbers are accepted too (lenient reader, strict range). */
const Confidence = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const n = typeof value === 'number' ? value : Number(value.trim());
  if (typeof value === 'string' && value.trim() === '') {
    ctx.addIssue({ code: 'custom', message: 'empty confidence' });
    return z.NEVER;
  }
  if (!Number.isFinite(n) || n < 0 || n > 100) {
    ctx.addIssue({ code: 'custom', message: `confidence out of 0–100: ${String(value)}` });
    return z.NEVER;
  }
  return n;
});

const I18n = z.object({ zh: z.string().optional(), en: z.string().optional() });

export const ImageTaggingInstance = z.object({
  bounding_box: z.object({
    width: z.number().nonnegative(),
    height: z.number().nonnegative(),
    top_left_x: z.number(),
    top_left_y: z.number(),
  }),
  confidence: Confidence,
});

export const ImageTaggingItem = z.object({
  confidence: Confidence,
  type: z.string(),
  tag: z.string(),
  i18n_tag: I18n.optional(),
  i18n_type: I18n.optional(),
  instances: z.array(ImageTaggingInstance).optional(),
});
export type ImageTaggingItem = z.infer<typeof ImageTaggingItem>;

export const ImageTaggingAnswer = z.object({
  result: z.object({ tags: z.array(ImageTaggingItem) }),
});
export type ImageTaggingAnswer = z.infer<typeof ImageTaggingAnswer>;

/** Error body of the service and of the gateway (the latter adds request_id). */
export const HuaweiErrorBody = z.object({
  error_code: z.string().min(1),
  error_msg: z.string().optional(),
  request_id: z.string().optional(),
});

const typeWords: Readonly<Record<string, TagType>> = {
  object: 'object',
  scene: 'scene',
  concept: 'concept',
  实体: 'object',
  实体标签: 'object',
  物体: 'object',
  场景: 'scene',
  场景标签: 'scene',
  概念: 'concept',
  概念标签: 'concept',
};

/**
 * object/scene/concept as documented; otherwise the same words in i18n_type; otherwise a
 * tag that comes with boxes is a thing in the picture (object) and one without is a concept.
 */
export function mapTagType(item: ImageTaggingItem): TagType {
  const candidates = [item.type, item.i18n_type?.en, item.i18n_type?.zh];
  for (const candidate of candidates) {
    const known = candidate === undefined ? undefined : typeWords[candidate.trim().toLowerCase()];
    if (known) return known;
  }
  return (item.instances?.length ?? 0) > 0 ? 'object' : 'concept';
}

export interface MappingContext {
  /** Size of the image actually sent, which the pixel boxes refer to. */
  readonly width: number;
  readonly height: number;
  /** The `language` requested, i.e. the language of `tag`. */
  readonly language: 'zh' | 'en';
  readonly model: string;
}

function clean(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

/** Maps a validated answer to the tag model; tags with the same name are merged. */
export function mapTaggingAnswer(
  answer: ImageTaggingAnswer,
  context: MappingContext,
): EngineAnswer {
  const byName = new Map<string, ScoredTag>();
  for (const item of answer.result.tags) {
    const tag = clean(item.tag);
    const zh = clean(item.i18n_tag?.zh) ?? (context.language === 'zh' ? tag : undefined);
    const en = clean(item.i18n_tag?.en) ?? (context.language === 'en' ? tag : undefined);
    const anyName = en ?? zh ?? tag;
    if (anyName === undefined) continue; // a nameless tag says nothing
    const type = mapTagType(item);
    const vendorType = clean(item.type);
    const normalised: ScoredTag = {
      name: anyName.toLowerCase(),
      i18n: { zh: zh ?? anyName, en: en ?? anyName },
      type,
      confidence: item.confidence,
      instances: (item.instances ?? []).map((instance) =>
        normaliseBox(
          {
            left: instance.bounding_box.top_left_x,
            top: instance.bounding_box.top_left_y,
            width: instance.bounding_box.width,
            height: instance.bounding_box.height,
          },
          context.width,
          context.height,
          instance.confidence,
        ),
      ),
      ...(vendorType !== undefined && vendorType !== type
        ? {
            extra: {
              vendorType,
              ...(item.i18n_type?.en ? { vendorTypeEn: item.i18n_type.en } : {}),
            },
          }
        : {}),
    };
    const existing = byName.get(normalised.name);
    if (existing) {
      byName.set(normalised.name, {
        ...(existing.confidence >= normalised.confidence ? existing : normalised),
        instances: [...existing.instances, ...normalised.instances],
      });
    } else {
      byName.set(normalised.name, normalised);
    }
  }
  return {
    engine: 'huawei',
    model: context.model,
    tags: [...byName.values()].sort((a, b) => b.confidence - a.confidence),
  };
}
