import { describe, expect, it } from 'vitest';
import { cocoClassNames } from '../../../main/engines/local/local-labels.ts';
import type { ImageMeasures } from '../../../main/engines/local/local-measure.ts';
import type { RawFace, RawObject } from '../../../main/engines/local/local-models.ts';
import {
  buildAnswer,
  defaultPostprocessOptions,
  fuseObjects,
} from '../../../main/engines/local/local-postprocess.ts';
import { EngineAnswer } from '../../../main/engines/tag-model.ts';

const classId = (name: string) => cocoClassNames.indexOf(name);

const ordinary: ImageMeasures = {
  meanLuma: 120,
  medianLuma: 118,
  p95Luma: 220,
  meanChroma: 40,
  colouredFraction: 0.6,
  edgeFraction: 0.03,
  lightFraction: 0.2,
  darkFraction: 0.3,
  midFraction: 0.5,
};

function obj(name: string, score: number, x: number, opts: Partial<RawObject> = {}): RawObject {
  return {
    classId: classId(name),
    score,
    box: { x, y: 0.2, w: 0.3, h: 0.4 },
    pass: 0,
    flipped: false,
    ...opts,
  };
}

function answer(objects: RawObject[], faces: RawFace[] = [], measures = ordinary) {
  const result = buildAnswer(
    { detections: { objects, faces }, measures, width: 1000, height: 800, hasFlip: true },
    'test-model',
  );
  return EngineAnswer.parse(result);
}

describe(buildAnswer.name, () => {
  it('averages the plain and mirrored views, so an unconfirmed detection falls below threshold', () => {
    const confirmed = answer([obj('dog', 0.5, 0.1), obj('dog', 0.45, 0.11, { flipped: true })]);
    expect(confirmed.tags.map((t) => t.name)).toEqual(['dog']);
    expect(confirmed.tags[0]?.confidence).toBeCloseTo(47.5, 1);
    expect(confirmed.tags[0]?.i18n).toEqual({ zh: '狗', en: 'Dog' });
    expect(confirmed.tags[0]?.instances).toHaveLength(1);
    const lonely = answer([obj('dog', 0.5, 0.1)]);
    expect(lonely.tags).toEqual([]);
  });

  it('drops a weaker class on the same box (centernet confusing cow for horse)', () => {
    const result = answer([
      obj('horse', 0.45, 0.5),
      obj('horse', 0.49, 0.5, { flipped: true }),
      obj('cow', 0.38, 0.51),
      obj('cow', 0.3, 0.5, { flipped: true }),
    ]);
    expect(result.tags.map((t) => t.name)).toEqual(['horse']);
  });

  it('keeps two objects of one class apart and counts both', () => {
    const result = answer([
      obj('horse', 0.6, 0.0),
      obj('horse', 0.6, 0.0, { flipped: true }),
      obj('horse', 0.5, 0.6),
      obj('horse', 0.5, 0.6, { flipped: true }),
    ]);
    expect(result.tags[0]?.instances).toHaveLength(2);
  });

  it('counts a tile-only small object at a reduced weight', () => {
    const small = { x: 0.8, y: 0.8, w: 0.05, h: 0.05 };
    const strong = answer([obj('bird', 0.6, 0, { pass: 2, box: small })]);
    expect(strong.tags[0]?.name).toBe('bird');
    expect(strong.tags[0]?.confidence).toBeCloseTo(60 * defaultPostprocessOptions.tileWeight, 1);
    expect(answer([obj('bird', 0.35, 0, { pass: 2, box: small })]).tags).toEqual([]);
  });

  it('keeps faces the person detector agrees with, needs more from a face alone', () => {
    const person = [obj('person', 0.7, 0.2), obj('person', 0.7, 0.2, { flipped: true })];
    const face: RawFace = { score: 0.7, box: { x: 0.3, y: 0.25, w: 0.1, h: 0.1 }, pass: 0 };
    const withPerson = answer(person, [face]);
    expect(withPerson.tags.find((t) => t.name === 'face')?.instances).toHaveLength(1);
    expect(answer([], [{ ...face, score: 0.65 }]).tags).toEqual([]);
    const sure = answer([], [{ ...face, score: 0.9 }]);
    expect(sure.tags.map((t) => t.name).sort()).toEqual(['face', 'person']);
    const large = answer([], [{ score: 0.9, box: { x: 0.3, y: 0.2, w: 0.25, h: 0.3 }, pass: 0 }]);
    expect(large.tags.map((t) => t.name).sort()).toEqual(['face', 'person', 'portrait']);
    expect(large.tags.find((t) => t.name === 'person')?.extra).toEqual({ evidence: 'face' });
  });

  it('ignores a face inside an animal box with no person (blazeface on cat faces)', () => {
    const cat = [obj('cat', 0.55, 0.2), obj('cat', 0.5, 0.2, { flipped: true })];
    const catFace: RawFace = { score: 0.77, box: { x: 0.3, y: 0.25, w: 0.12, h: 0.12 }, pass: 0 };
    expect(answer(cat, [catFace]).tags.map((t) => t.name)).toEqual(['cat']);
    expect(answer([], [catFace]).tags.map((t) => t.name)).toContain('face');
  });

  it('calls three or more faces a group photo and not a portrait', () => {
    const faces: RawFace[] = [0.05, 0.35, 0.65].map((x) => ({
      score: 0.95,
      box: { x, y: 0.3, w: 0.1, h: 0.12 },
      pass: 0,
    }));
    const names = answer([], faces).tags.map((t) => t.name);
    expect(names).toContain('group photo');
    expect(names).not.toContain('portrait');
    expect(answer([], faces).tags.find((t) => t.name === 'face')?.instances).toHaveLength(3);
  });

  it('adds measured concepts with the measurements kept', () => {
    const gray = answer([], [], { ...ordinary, meanChroma: 0.5, colouredFraction: 0 });
    expect(gray.tags.map((t) => t.name)).toEqual(['black and white']);
    expect(gray.tags[0]?.type).toBe('concept');
    expect(gray.tags[0]?.extra).toMatchObject({ meanChroma: 0.5 });
    const dark = answer([], [], { ...ordinary, meanLuma: 30, medianLuma: 25 });
    expect(dark.tags.map((t) => t.name)).toEqual(['low light']);
  });
});

describe(fuseObjects.name, () => {
  it('fuses boxes by score-weighted average', () => {
    const fused = fuseObjects(
      [obj('cat', 0.6, 0.1), obj('cat', 0.2, 0.14, { flipped: true })],
      true,
      defaultPostprocessOptions,
    );
    expect(fused).toHaveLength(1);
    expect(fused[0]?.box.x).toBeCloseTo(0.11, 5);
    expect(fused[0]?.score).toBeCloseTo(0.4, 5);
  });
});
