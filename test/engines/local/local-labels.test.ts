import { describe, expect, it } from 'vitest';
import {
  cocoClassNames,
  findLabel,
  labelFor,
  localLabelNames,
} from '../../../main/engines/local/local-labels.ts';

describe(labelFor.name, () => {
  it('has all 80 COCO classes in centernet order, each with zh and en names', () => {
    expect(cocoClassNames).toHaveLength(80);
    expect(new Set(cocoClassNames).size).toBe(80);
    expect(cocoClassNames[0]).toBe('person');
    expect(cocoClassNames[16]).toBe('dog');
    expect(cocoClassNames[79]).toBe('toothbrush');
    for (const name of localLabelNames) {
      const { zh, en } = labelFor(name);
      expect(zh).toMatch(/\p{Script=Han}/u);
      expect(en.toLowerCase()).toBe(name);
    }
  });

  it('gives the reviewed names for common labels and every derived concept', () => {
    expect(labelFor('dog')).toEqual({ zh: '狗', en: 'Dog' });
    expect(labelFor('person')).toEqual({ zh: '人', en: 'Person' });
    expect(labelFor('bicycle')).toEqual({ zh: '自行车', en: 'Bicycle' });
    for (const concept of [
      'face',
      'portrait',
      'group photo',
      'black and white',
      'low light',
      'document',
    ]) {
      expect(localLabelNames).toContain(concept);
    }
  });

  it('throws for an unknown label, findLabel returns undefined', () => {
    expect(() => labelFor('unicorn')).toThrow(/unicorn/);
    expect(findLabel('unicorn')).toBeUndefined();
    expect(findLabel('Dog')?.zh).toBe('狗');
  });
});
