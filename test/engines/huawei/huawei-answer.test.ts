// Validation and mapping of Image Tagging V2 answers: the seed's own example (string
// confidences, the type "人类"), boxes normalised by the size of the image sent, merging,
// and refusal of answers that do not have the documented shape.
import { describe, expect, it } from 'vitest';
import {
  ImageTaggingAnswer,
  mapTagType,
  mapTaggingAnswer,
} from '../../../main/engines/huawei/huawei-answer.ts';
import { EngineAnswer } from '../../../main/engines/tag-model.ts';

/** The success example of seed 001 §4.1, verbatim. */
const seedExample = {
  result: {
    tags: [
      {
        confidence: '37.51',
        instances: [
          {
            confidence: '92.38',
            bounding_box: {
              height: 133.32496056189905,
              top_left_x: 53.134917332575874,
              top_left_y: 254.21347984900842,
              width: 117.5866567171537,
            },
          },
        ],
        tag: '人',
        i18n_tag: { en: 'person', zh: '人' },
        type: '人类',
        i18n_type: { en: 'Human', zh: '人类' },
      },
    ],
  },
};

describe(mapTaggingAnswer.name, () => {
  it('maps the seed example: parsed confidences, normalised box, unknown type handled', () => {
    const answer = mapTaggingAnswer(ImageTaggingAnswer.parse(seedExample), {
      width: 400,
      height: 500,
      language: 'zh',
      model: 'image-tagging-v2',
    });
    expect(EngineAnswer.parse(answer)).toEqual(answer);
    expect(answer.tags).toHaveLength(1);
    const [tag] = answer.tags;
    expect(tag?.name).toBe('person');
    expect(tag?.i18n).toEqual({ zh: '人', en: 'person' });
    // "人类" is none of object/scene/concept; a tag with a box is a thing in the picture.
    expect(tag?.type).toBe('object');
    expect(tag?.extra).toEqual({ vendorType: '人类', vendorTypeEn: 'Human' });
    expect(tag?.confidence).toBe(37.51);
    expect(tag?.instances[0]?.confidence).toBe(92.38);
    expect(tag?.instances[0]?.x).toBeCloseTo(53.134917332575874 / 400, 10);
    expect(tag?.instances[0]?.y).toBeCloseTo(254.21347984900842 / 500, 10);
    expect(tag?.instances[0]?.w).toBeCloseTo(117.5866567171537 / 400, 10);
    expect(tag?.instances[0]?.h).toBeCloseTo(133.32496056189905 / 500, 10);
  });

  it('fills both languages from the tag when i18n_tag is missing, and lower-cases the name', () => {
    const answer = mapTaggingAnswer(
      ImageTaggingAnswer.parse({
        result: {
          tags: [
            { confidence: '88', type: 'scene', tag: 'Beach' },
            { confidence: '70.5', type: 'concept', tag: '夜景', i18n_tag: { zh: '夜景' } },
          ],
        },
      }),
      { width: 10, height: 10, language: 'en', model: 'm' },
    );
    expect(answer.tags.map((t) => [t.name, t.i18n, t.type])).toEqual([
      ['beach', { zh: 'Beach', en: 'Beach' }, 'scene'],
      ['夜景', { zh: '夜景', en: '夜景' }, 'concept'],
    ]);
  });

  it('merges tags that share a name, keeping the higher confidence and all boxes', () => {
    const box = { width: 1, height: 1, top_left_x: 0, top_left_y: 0 };
    const answer = mapTaggingAnswer(
      ImageTaggingAnswer.parse({
        result: {
          tags: [
            {
              confidence: '60',
              type: 'object',
              tag: '狗',
              i18n_tag: { zh: '狗', en: 'Dog' },
              instances: [{ confidence: '60', bounding_box: box }],
            },
            {
              confidence: '90',
              type: 'object',
              tag: '犬',
              i18n_tag: { zh: '犬', en: 'dog' },
              instances: [{ confidence: '90', bounding_box: box }],
            },
          ],
        },
      }),
      { width: 2, height: 2, language: 'zh', model: 'm' },
    );
    expect(answer.tags).toHaveLength(1);
    expect(answer.tags[0]?.confidence).toBe(90);
    expect(answer.tags[0]?.i18n.zh).toBe('犬');
    expect(answer.tags[0]?.instances).toHaveLength(2);
  });

  it('clamps boxes that stick out of the image', () => {
    const answer = mapTaggingAnswer(
      ImageTaggingAnswer.parse({
        result: {
          tags: [
            {
              confidence: '80',
              type: 'object',
              tag: 'cat',
              instances: [
                {
                  confidence: '80',
                  bounding_box: { width: 150, height: 80, top_left_x: 60, top_left_y: -5 },
                },
              ],
            },
          ],
        },
      }),
      { width: 100, height: 100, language: 'en', model: 'm' },
    );
    expect(answer.tags[0]?.instances[0]).toEqual({ x: 0.6, y: 0, w: 0.4, h: 0.8, confidence: 80 });
  });
});

describe(mapTagType.name, () => {
  const item = (type: string, i18nType?: { zh?: string; en?: string }, boxes = 0) => ({
    confidence: 1,
    type,
    tag: 't',
    ...(i18nType ? { i18n_type: i18nType } : {}),
    instances: Array.from({ length: boxes }, () => ({
      confidence: 1,
      bounding_box: { width: 1, height: 1, top_left_x: 0, top_left_y: 0 },
    })),
  });

  it('keeps the documented types and reads Chinese or i18n_type words', () => {
    expect(mapTagType(item('object'))).toBe('object');
    expect(mapTagType(item('Scene'))).toBe('scene');
    expect(mapTagType(item('概念'))).toBe('concept');
    expect(mapTagType(item('x', { en: 'scene' }))).toBe('scene');
    expect(mapTagType(item('场景标签'))).toBe('scene');
  });

  it('maps unknown types to object when boxed, else concept', () => {
    expect(mapTagType(item('人类', { en: 'Human' }, 1))).toBe('object');
    expect(mapTagType(item('风格', { en: 'Style' }))).toBe('concept');
  });
});

describe('ImageTaggingAnswer', () => {
  it('refuses confidences that are not numbers in 0–100 and missing fields', () => {
    const withConfidence = (confidence: unknown) => ({
      result: { tags: [{ confidence, type: 'object', tag: 'x' }] },
    });
    expect(ImageTaggingAnswer.safeParse(withConfidence('98.00')).success).toBe(true);
    expect(ImageTaggingAnswer.safeParse(withConfidence(98)).success).toBe(true);
    expect(ImageTaggingAnswer.safeParse(withConfidence('high')).success).toBe(false);
    expect(ImageTaggingAnswer.safeParse(withConfidence('')).success).toBe(false);
    expect(ImageTaggingAnswer.safeParse(withConfidence('101')).success).toBe(false);
    expect(ImageTaggingAnswer.safeParse({ result: {} }).success).toBe(false);
    expect(ImageTaggingAnswer.safeParse({ error_code: 'AIS.0005' }).success).toBe(false);
  });
});
