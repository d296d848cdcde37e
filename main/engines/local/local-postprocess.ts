// Turns the raw detections of every pass into the shared tag model (DESIGN.md §2): fuses the
// plain, mirrored and tile passes per class, suppresses a weaker class on the same box, applies
// per-class thresholds, keeps faces the person detector agrees with, and adds the measured
// concepts. Pure, so the rules are tested without the models.
import type { EngineAnswer, NormalisedTag, ScoredTag, TagBox } from '../tag-model.ts';
import { containment, iou, type Rect } from './local-geometry.ts';
import { isBlackAndWhite, isDocument, isLowLight, type ImageMeasures } from './local-measure.ts';
import type { DetectorOutput, RawFace, RawObject } from './local-models.ts';
import { cocoClassNames, labelFor } from './local-labels.ts';

export interface PostprocessOptions {
  /** Minimum fused score (0–1) for an object; per-class overrides below. */
  objectThreshold: number;
  classThresholds: Readonly<Record<string, number>>;
  /** Tile detections count for this share of their score (they see less context). */
  tileWeight: number;
  /** Same-class boxes overlapping more than this are one object. */
  mergeIou: number;
  /** A different class on (nearly) the same box as a stronger one is a confusion. */
  crossClassIou: number;
  /** Face score needed when the face lies inside a detected person, and when it does not. */
  faceThresholdWithPerson: number;
  faceThresholdAlone: number;
  /** A face smaller than this share of the image's short side is ignored. */
  minFaceSide: number;
  /** Portrait: one face whose box covers at least this share of the image. */
  portraitMinFaceArea: number;
  groupMinFaces: number;
  maxInstancesPerLabel: number;
}

export const defaultPostprocessOptions: PostprocessOptions = {
  objectThreshold: 0.3,
  // Classes centernet reports on textures and clutter more often than they are there.
  classThresholds: { 'parking meter': 0.4, 'fire hydrant': 0.38, 'traffic light': 0.35 },
  tileWeight: 0.75,
  mergeIou: 0.5,
  crossClassIou: 0.6,
  faceThresholdWithPerson: 0.6,
  faceThresholdAlone: 0.7,
  minFaceSide: 0.03,
  portraitMinFaceArea: 0.02,
  groupMinFaces: 3,
  maxInstancesPerLabel: 30,
};

/** COCO animals (bird … giraffe) and teddy bears: faces inside them are not human faces. */
const animalClasses = new Set([
  ...cocoClassNames.slice(cocoClassNames.indexOf('bird'), cocoClassNames.indexOf('giraffe') + 1),
  'teddy bear',
]);

interface FusedObject {
  classId: number;
  score: number;
  box: Rect;
}

/** Score-weighted average of boxes (weighted box fusion). */
function weightedBox(members: readonly { score: number; box: Rect }[]): Rect {
  let total = 0;
  const acc = { x1: 0, y1: 0, x2: 0, y2: 0 };
  for (const { score, box } of members) {
    total += score;
    acc.x1 += box.x * score;
    acc.y1 += box.y * score;
    acc.x2 += (box.x + box.w) * score;
    acc.y2 += (box.y + box.h) * score;
  }
  return {
    x: acc.x1 / total,
    y: acc.y1 / total,
    w: (acc.x2 - acc.x1) / total,
    h: (acc.y2 - acc.y1) / total,
  };
}

/**
 * Clusters same-class detections of all passes. A cluster's score is the mean of the best plain
 * and best mirrored full-view score (an object the mirrored view does not confirm is halved),
 * or the tile score × tileWeight when that is higher (small objects only tiles can see).
 */
export function fuseObjects(
  objects: readonly RawObject[],
  hasFlip: boolean,
  options: PostprocessOptions,
): FusedObject[] {
  const sorted = [...objects].sort((a, b) => b.score - a.score);
  const used = new Set<number>();
  const fused: FusedObject[] = [];
  sorted.forEach((seed, i) => {
    if (used.has(i)) return;
    const members: RawObject[] = [seed];
    used.add(i);
    sorted.forEach((other, j) => {
      if (used.has(j) || other.classId !== seed.classId) return;
      // A tile sees part of a big object: its box inside the seed's box still belongs to it.
      const overlap =
        other.pass !== seed.pass && (other.pass > 0 || seed.pass > 0)
          ? Math.max(iou(seed.box, other.box), containment(other.box, seed.box) * 0.6)
          : iou(seed.box, other.box);
      if (overlap >= options.mergeIou) {
        members.push(other);
        used.add(j);
      }
    });
    const best = (pick: (m: RawObject) => boolean) =>
      Math.max(0, ...members.filter(pick).map((m) => m.score));
    const plain = best((m) => m.pass === 0 && !m.flipped);
    const mirrored = best((m) => m.pass === 0 && m.flipped);
    const full = hasFlip ? (plain + mirrored) / 2 : plain;
    const tile = best((m) => m.pass > 0) * options.tileWeight;
    const score = Math.max(full, tile);
    const boxMembers = full >= tile ? members.filter((m) => m.pass === 0) : members;
    fused.push({ classId: seed.classId, score, box: weightedBox(boxMembers) });
  });
  return fused.sort((a, b) => b.score - a.score);
}

/** Drops a weaker different-class object on (nearly) the same box: centernet's confusions. */
export function suppressConfusions(fused: readonly FusedObject[], crossIou: number): FusedObject[] {
  const kept: FusedObject[] = [];
  for (const candidate of fused) {
    const confused = kept.some(
      (k) => k.classId !== candidate.classId && iou(k.box, candidate.box) >= crossIou,
    );
    if (!confused) kept.push(candidate);
  }
  return kept;
}

function faceNms(faces: readonly RawFace[], threshold: number): RawFace[] {
  const kept: RawFace[] = [];
  for (const face of [...faces].sort((a, b) => b.score - a.score)) {
    if (
      !kept.some((k) => iou(k.box, face.box) >= threshold || containment(face.box, k.box) > 0.7)
    ) {
      kept.push(face);
    }
  }
  return kept;
}

const toBox = (box: Rect, score: number): TagBox => {
  const x = Math.min(1, Math.max(0, box.x));
  const y = Math.min(1, Math.max(0, box.y));
  return {
    x,
    y,
    w: Math.min(1 - x, Math.max(0, box.w)),
    h: Math.min(1 - y, Math.max(0, box.h)),
    confidence: Math.round(score * 1000) / 10,
  };
};

function tag(
  name: string,
  type: NormalisedTag['type'],
  confidence: number,
  instances: TagBox[],
  extra?: Record<string, unknown>,
): ScoredTag {
  return {
    name,
    i18n: labelFor(name),
    type,
    confidence: Math.round(Math.min(100, Math.max(0, confidence)) * 10) / 10,
    instances,
    ...(extra ? { extra } : {}),
  };
}

export interface PostprocessInput {
  detections: DetectorOutput;
  measures: ImageMeasures;
  /** Oriented size in px (face boxes are squared in px, not in normalised units). */
  width: number;
  height: number;
  hasFlip: boolean;
}

/**
 * [Note: Local face count] The number of faces is the number of instances of the `face` object
 * tag (one box per face); the search language's `faces:N` counts them. No faces: no face tag.
 */
export function buildAnswer(
  input: PostprocessInput,
  model: string,
  options: PostprocessOptions = defaultPostprocessOptions,
): EngineAnswer {
  const fused = suppressConfusions(
    fuseObjects(input.detections.objects, input.hasFlip, options),
    options.crossClassIou,
  ).filter((o) => {
    const name = cocoClassNames[o.classId] ?? '';
    return o.score >= (options.classThresholds[name] ?? options.objectThreshold);
  });
  const byClass = new Map<string, FusedObject[]>();
  for (const o of fused) {
    const name = cocoClassNames[o.classId];
    if (name === undefined) continue;
    byClass.set(name, [...(byClass.get(name) ?? []), o]);
  }
  const people = byClass.get('person') ?? [];
  const animals = fused.filter((o) => animalClasses.has(cocoClassNames[o.classId] ?? ''));
  const shortSide = Math.min(input.width, input.height);
  const faces = faceNms(input.detections.faces, 0.3).filter((face) => {
    const sidePx = Math.max(face.box.w * input.width, face.box.h * input.height);
    if (sidePx < options.minFaceSide * shortSide) return false;
    const inPerson = people.some((p) => containment(face.box, p.box) >= 0.7);
    // blazeface also fires on cat and dog faces; an animal box around it and no person decides.
    if (!inPerson && animals.some((a) => containment(face.box, a.box) >= 0.7)) return false;
    return face.score >= (inPerson ? options.faceThresholdWithPerson : options.faceThresholdAlone);
  });

  const tags: ScoredTag[] = [];
  for (const [name, list] of byClass) {
    const instances = list.slice(0, options.maxInstancesPerLabel).map((o) => toBox(o.box, o.score));
    tags.push(tag(name, 'object', (list[0]?.score ?? 0) * 100, instances));
  }
  if (faces.length > 0) {
    const faceBoxes = faces.map((f) => toBox(f.box, f.score));
    tags.push(tag('face', 'object', (faces[0]?.score ?? 0) * 100, faceBoxes));
    // Faces are people too: the face detector's agreement stands in for a missed person box.
    if (!byClass.has('person')) {
      tags.push(tag('person', 'object', (faces[0]?.score ?? 0) * 100, [], { evidence: 'face' }));
    }
    const areas = faces.map((f) => f.box.w * f.box.h).sort((a, b) => b - a);
    const largest = areas[0] ?? 0;
    const second = areas[1] ?? 0;
    if (largest >= options.portraitMinFaceArea && largest >= 4 * second) {
      tags.push(
        tag('portrait', 'concept', (faces[0]?.score ?? 0) * 100, [], {
          faceArea: Math.round(largest * 1000) / 1000,
        }),
      );
    }
    if (faces.length >= options.groupMinFaces) {
      tags.push(tag('group photo', 'concept', 100, [], { faces: faces.length }));
    }
  }
  const m = input.measures;
  const measured = (v: number) => Math.round(v * 1000) / 1000;
  if (isBlackAndWhite(m)) {
    tags.push(
      tag('black and white', 'concept', 100 - m.meanChroma, [], {
        meanChroma: measured(m.meanChroma),
        colouredFraction: measured(m.colouredFraction),
      }),
    );
  }
  if (isLowLight(m)) {
    tags.push(
      tag('low light', 'concept', 100 - (m.meanLuma / 255) * 100, [], {
        meanLuma: measured(m.meanLuma),
        medianLuma: m.medianLuma,
      }),
    );
  }
  if (isDocument(m)) {
    tags.push(
      tag('document', 'concept', Math.min(100, 50 + m.edgeFraction * 250), [], {
        lightFraction: measured(m.lightFraction),
        darkFraction: measured(m.darkFraction),
        midFraction: measured(m.midFraction),
        edgeFraction: measured(m.edgeFraction),
      }),
    );
  }
  tags.sort((a, b) => b.confidence - a.confidence);
  return { engine: 'local', model, tags };
}
