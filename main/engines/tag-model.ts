// The one tag model every engine's answer is normalised into before it reaches the
// catalog (DESIGN.md §2): the richest of the three cloud answers, Image Tagging V2.
import { z } from 'zod';
import { registeredEngineIds } from './engine-profile.ts';

export const tagTypes = ['object', 'scene', 'concept', 'person'] as const;
export const TagType = z.enum(tagTypes);
export type TagType = z.infer<typeof TagType>;

/** The engines, from the one registry (engine-profile.ts): adding an engine adds its id. */
export const engineIds = registeredEngineIds;
export const EngineId = z.enum(engineIds);
export type EngineId = z.infer<typeof EngineId>;

/** Who said a tag: an engine, or the user. */
export const TagSource = z.enum([...engineIds, 'user']);
export type TagSource = z.infer<typeof TagSource>;

/** A box normalised to 0–1 of the oriented image. */
export const TagBox = z.object({
  x: z.number().min(0).max(1),
  y: z.number().min(0).max(1),
  w: z.number().min(0).max(1),
  h: z.number().min(0).max(1),
  confidence: z.number().min(0).max(100),
});
export type TagBox = z.infer<typeof TagBox>;

// [Note: Tags without a confidence]
// Most engines score a tag (0–100). Volcengine's human detection answers only yes or no, so
// its tag has `confidence: null`: "detected", not "100 % sure". Inventing 100 would rank the
// guess above every scored tag and let `conf>80` match it. So everywhere a confidence is read,
// null means "no score": the catalog stores NULL (migration 10), `conf` filters never match it,
// sorting by confidence puts it last, sidecars keep it whatever the threshold (the engine
// reported it), exports leave the field empty, and the UI says "detected" with no bar.

export const NormalisedTag = z.object({
  /** Canonical English name, lower case (`dog`). */
  name: z.string().min(1),
  i18n: z.object({ zh: z.string().min(1), en: z.string().min(1) }),
  type: TagType,
  /** 0–100, or null when the engine answers yes/no ([Note: Tags without a confidence]). */
  confidence: z.number().min(0).max(100).nullable(),
  instances: z.array(TagBox),
  /** Engine-specific facts kept with the tag (e.g. Aliyun scene and suggestion). */
  extra: z.record(z.string(), z.unknown()).optional(),
});
export type NormalisedTag = z.infer<typeof NormalisedTag>;

/** A tag the engine scored (every engine but a yes/no one produces only these). */
export type ScoredTag = NormalisedTag & { confidence: number };

export function isScored(tag: NormalisedTag): tag is ScoredTag {
  return tag.confidence !== null;
}

const unit = z.number().min(0).max(1);

/**
 * A line of text read in the image (the text engine, main/engines/text/). `und`: a line with
 * neither Han nor Latin letters (digits, symbols: "12:30", "¥38").
 */
export const TextLineAnswer = z.object({
  text: z.string().min(1),
  /** Corners tl, tr, br, bl in 0–1 of the oriented image's width and height. */
  box: z.array(z.tuple([unit, unit])).length(4),
  /** 0–100, like a tag's. */
  confidence: z.number().min(0).max(100),
  language: z.enum(['zh', 'en', 'mixed', 'und']),
});
export type TextLineAnswer = z.infer<typeof TextLineAnswer>;
/**
 * One face the engine found, with what people need (main/people): its box (with the
 * detector's confidence), a unit-length descriptor (null when the box could not be cropped),
 * and the measures that decide whether it may be clustered (main/people/face-quality.ts).
 */
export const AnswerFace = z.object({
  box: TagBox,
  descriptor: z
    .custom<Float32Array>((v) => v instanceof Float32Array, 'descriptor must be a Float32Array')
    .refine((v) => v.length > 0 && v.every(Number.isFinite), 'descriptor: finite values')
    .nullable(),
  sourceSide: z.number().nonnegative(),
  sharpness: z.number().nonnegative(),
});
export type AnswerFace = z.infer<typeof AnswerFace>;

/** What one engine said about one image. */
export const EngineAnswer = z.object({
  engine: EngineId,
  /** Model name and version, so a model change can re-tag cleanly. */
  model: z.string().min(1),
  tags: z.array(NormalisedTag),
  /**
   * Text read in the image, by an engine that reads text. `lines: []` is a result ("no text":
   * never read again for this model); absent means the engine does not read text.
   */
  text: z.object({ lines: z.array(TextLineAnswer) }).optional(),
  /**
   * Faces with descriptors, from an engine that computes them (the local engine). Absent:
   * the engine says nothing about faces, and the faces the catalog has are kept.
   */
  faces: z.object({ model: z.string().min(1), items: z.array(AnswerFace) }).optional(),
});
export type EngineAnswer = z.infer<typeof EngineAnswer>;

/** Clamp a box given in pixels of an image of the given size to 0–1. */
export function normaliseBox(
  box: { left: number; top: number; width: number; height: number },
  imageWidth: number,
  imageHeight: number,
  confidence: number,
): TagBox {
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  const x = clamp(box.left / imageWidth);
  const y = clamp(box.top / imageHeight);
  return {
    x,
    y,
    w: Math.min(1 - x, clamp(box.width / imageWidth)),
    h: Math.min(1 - y, clamp(box.height / imageHeight)),
    confidence: Math.min(100, Math.max(0, confidence)),
  };
}
