// Reading a chat model's reply (vlm-answer.ts): the JSON is found however the model wrapped
// it, each tag is validated on its own, and no box ever comes from the model.
import { describe, expect, it } from 'vitest';
import { readVlmTags, VlmAnswerError } from '../../../main/engines/vlm/vlm-answer.ts';

const options = { threshold: 0, limit: 50 };

describe(readVlmTags.name, () => {
  it('reads clean JSON into bilingual tags, best first, without boxes', () => {
    const { tags, dropped } = readVlmTags(
      JSON.stringify({
        tags: [
          { en: 'Beach', zh: '海滩', type: 'scene', confidence: 71 },
          { en: 'dog', zh: '狗', type: 'object', confidence: 93, bbox: [1, 2, 3, 4] },
        ],
      }),
      options,
    );
    expect(dropped).toBe(0);
    expect(tags).toEqual([
      { name: 'dog', i18n: { zh: '狗', en: 'dog' }, type: 'object', confidence: 93, instances: [] },
      {
        name: 'beach',
        i18n: { zh: '海滩', en: 'Beach' },
        type: 'scene',
        confidence: 71,
        instances: [],
      },
    ]);
  });

  it('finds the JSON in prose and a Markdown fence, scales fractions, drops what does not validate', () => {
    const reply = [
      'Sure! Here are the tags:',
      '```json',
      '{"tags": [',
      '  {"en": "cat", "zh": "猫", "type": "Objects", "confidence": 0.9},',
      '  {"en": "sofa", "zh": "沙发", "type": "object", "confidence": "0.6"},',
      '  {"en": "cosy", "zh": "温馨", "type": "feeling", "confidence": 0.7},',
      '  {"en": "lamp", "type": "object", "confidence": 0.5},',
      '  {"en": "", "zh": "空", "type": "object", "confidence": 0.5}',
      ']}',
      '```',
      'Anything else?',
    ].join('\n');
    const { tags, dropped } = readVlmTags(reply, options);
    expect(tags.map((t) => [t.name, t.type, t.confidence])).toEqual([
      ['cat', 'object', 90],
      ['sofa', 'object', 60],
    ]);
    expect(dropped).toBe(3);
  });

  it('salvages the finished tags of a reply cut off at the token limit', () => {
    const reply =
      '{"tags":[{"en":"tree","zh":"树","type":"object","confidence":88},{"en":"park","zh":"公园","type":"scene","confidence":75},{"en":"bench","zh":"长';
    expect(readVlmTags(reply, options).tags.map((t) => t.name)).toEqual(['tree', 'park']);
  });

  it('accepts a bare array, dedupes names (highest kept), applies threshold and limit', () => {
    const reply = JSON.stringify([
      { en: 'Dog', zh: '狗', type: 'object', confidence: 60 },
      { en: 'dog', zh: '狗', type: 'object', confidence: 80 },
      { en: 'grass', zh: '草地', type: 'scene', confidence: 55 },
      { en: 'ball', zh: '球', type: 'object', confidence: 40 },
      { en: 'play', zh: '玩耍', type: 'concept', confidence: 70 },
    ]);
    const { tags } = readVlmTags(reply, { threshold: 50, limit: 2 });
    expect(tags.map((t) => [t.name, t.confidence])).toEqual([
      ['dog', 80],
      ['play', 70],
    ]);
  });

  it('marks a tag whose zh is not Chinese instead of inventing a translation', () => {
    const { tags } = readVlmTags(
      '{"tags":[{"en":"car","zh":"car","type":"object","confidence":77}]}',
      options,
    );
    expect(tags[0]).toMatchObject({ i18n: { zh: 'car', en: 'car' }, extra: { zhMissing: true } });
  });

  it('refuses a reply with no JSON at all, quoting it', () => {
    expect(() => readVlmTags('I see a dog on a beach.', options)).toThrow(VlmAnswerError);
    expect(() => readVlmTags('I see a dog on a beach.', options)).toThrow(/I see a dog/);
    expect(() => readVlmTags('', options)).toThrow(/empty answer/);
  });

  it('keeps a valid empty answer (nothing recognisable) as no tags', () => {
    expect(readVlmTags('{"tags": []}', options)).toEqual({ tags: [], dropped: 0 });
  });
});
