import { describe, expect, it } from 'vitest';
import type { PhotoTagView } from '../../preload/api-contract.ts';
import { formatDuration } from '../../renderer/src/lib/format.ts';
import { groupTags } from '../../renderer/src/lib/tag-groups.ts';

const tag = (over: Partial<PhotoTagView>): PhotoTagView => ({
  tagId: 1,
  name: 'dog',
  type: 'object',
  zh: '狗',
  en: 'dog',
  engine: 'local',
  model: 'm',
  confidence: 80,
  state: 'auto',
  boxes: [],
  ...over,
});

describe(groupTags.name, () => {
  it('groups by type in a fixed order, merges engines of one tag, best first', () => {
    const groups = groupTags(
      [
        tag({ tagId: 2, name: 'beach', type: 'scene', zh: '海滩', en: 'beach', confidence: 60 }),
        tag({ confidence: 70, boxes: [{ x: 0, y: 0, w: 1, h: 1, confidence: 70 }] }),
        tag({ engine: 'huawei', confidence: 95 }),
        tag({ tagId: 3, name: 'cat', zh: '猫', en: 'cat', confidence: 90 }),
      ],
      'zh',
    );
    expect(groups.map((g) => g.type)).toEqual(['object', 'scene']);
    const objects = groups[0]?.entries ?? [];
    expect(objects.map((e) => e.label)).toEqual(['狗', '猫']);
    expect(objects[0]).toMatchObject({ confidence: 95, alt: 'dog' });
    expect(objects[0]?.sources.map((s) => s.engine)).toEqual(['local', 'huawei']);
    expect(objects[0]?.boxes).toHaveLength(1);
  });

  it('puts a tag no engine scored after the scored ones; a score from another engine wins', () => {
    // Volcengine answers yes/no: confidence null ([Note: Tags without a confidence]).
    const person = { name: 'person', zh: '人', en: 'person', engine: 'volcengine' };
    const groups = groupTags(
      [
        tag({ tagId: 5, ...person, confidence: null }),
        tag({ tagId: 6, name: 'kite', zh: '风筝', en: 'kite', confidence: 12 }),
        tag({
          tagId: 7,
          name: 'face',
          zh: '脸',
          en: 'face',
          engine: 'volcengine',
          confidence: null,
        }),
        tag({ tagId: 7, name: 'face', zh: '脸', en: 'face', confidence: 40 }),
      ],
      'en',
    );
    const objects = groups[0]?.entries ?? [];
    expect(objects.map((e) => [e.name, e.confidence])).toEqual([
      ['face', 40],
      ['kite', 12],
      ['person', null],
    ]);
  });

  it("files tags only the user gave under the user's group, not under their type", () => {
    const groups = groupTags(
      [
        tag({ tagId: 4, name: 'holiday', type: 'concept', engine: 'user', state: 'user' }),
        tag({ tagId: 1, name: 'dog', engine: 'user', state: 'user', confidence: 100 }),
        tag({ tagId: 1, name: 'dog', engine: 'local', confidence: 70 }),
      ],
      'en',
    );
    expect(groups.map((g) => [g.type, g.entries.map((e) => e.name)])).toEqual([
      ['user', ['holiday']],
      ['object', ['dog']],
    ]);
  });
});

describe(formatDuration.name, () => {
  it('is coarse in both languages', () => {
    expect(formatDuration(42, 'en')).toBe('42 s');
    expect(formatDuration(3725, 'en')).toBe('1 h 2 min');
    expect(formatDuration(7200, 'zh')).toBe('2 小时');
  });
});
