// The rules of imported face regions ([Note: Imported face regions] in
// main/catalog/imported-face-regions.ts) on a real catalog with synthetic faces
// (people-fixture.ts): who gets a region's name, and that no user decision is overridden.
// test/library/mwg-face-regions.test.ts runs the same through ExifTool and the real engine.
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  matchRegionsToFaces,
  saveImportedFaceRegions,
  regionFaceMinIou,
} from '../../main/catalog/imported-face-regions.ts';
import {
  applyImportedFaceRegions,
  applyRecluster,
  createPerson,
  listContentFaces,
  listPersons,
  mergePersons,
  moveFace,
  namePerson,
  rejectFace,
  replaceContentFaces,
} from '../../main/catalog/people.ts';
import { PeopleFixture, testFaceModel } from './people-fixture.ts';

let fx: PeopleFixture;
beforeEach(() => {
  fx = new PeopleFixture();
});
afterEach(() => {
  fx.db.close();
  rmSync(fx.root, { recursive: true, force: true });
});

// The fixture's face box is (0.3, 0.2, 0.3, 0.4); a region drawn a little larger around it.
const aroundFace = { x: 0.27, y: 0.16, w: 0.36, h: 0.48 };
const faceOf = (contentId: number) => {
  const face = listContentFaces(fx.db, contentId)[0];
  if (!face) throw new Error(`no face on ${String(contentId)}`);
  return face;
};
/** A photo whose region was read at ingest, then its faces arrive (the engine's answer). */
function photoWithRegion(file: string, who: string, name: string): number {
  const contentId = fx.addPhoto(file, who);
  saveImportedFaceRegions(fx.db, contentId, [{ name, ...aroundFace }], 1);
  replaceContentFaces(fx.db, contentId, [fx.face(who)], testFaceModel, 2);
  return contentId;
}

describe(matchRegionsToFaces.name, () => {
  it('pairs one to one, the largest overlap first, and leaves a region below the threshold alone', () => {
    const faces = [
      { x: 0.1, y: 0.1, w: 0.2, h: 0.2 },
      { x: 0.5, y: 0.1, w: 0.2, h: 0.2 },
    ];
    const regions = [
      { x: 0.48, y: 0.08, w: 0.24, h: 0.24 }, // around face 1
      { x: 0.09, y: 0.09, w: 0.22, h: 0.22 }, // around face 0
      { x: 0.5, y: 0.1, w: 0.21, h: 0.21 }, // also face 1, closer: wins it
      { x: 0.8, y: 0.7, w: 0.1, h: 0.1 }, // nothing there
    ];
    expect(matchRegionsToFaces(regions, faces).sort()).toEqual([
      [1, 0],
      [2, 1],
    ]);
    // A box 1.8 times the face's side still matches; 2 times does not.
    const face = { x: 0.4, y: 0.4, w: 0.1, h: 0.1 };
    const scaled = (s: number) => ({
      x: 0.45 - 0.05 * s,
      y: 0.45 - 0.05 * s,
      w: 0.1 * s,
      h: 0.1 * s,
    });
    expect(regionFaceMinIou).toBe(0.3);
    expect(matchRegionsToFaces([scaled(1.8)], [face])).toEqual([[0, 0]]);
    expect(matchRegionsToFaces([scaled(2)], [face])).toEqual([]);
  });
});

describe(applyImportedFaceRegions.name, () => {
  it('gives a name to one person across photos, and joins the person who has that name already', () => {
    const mum = moveFace(fx.db, faceOf(fx.addPhoto('mum.jpg', 'mum')).id, null, 1);
    namePerson(fx.db, mum, { zh: '妈妈', en: 'Mum' }, 1);
    const a = photoWithRegion('a.jpg', 'mum', 'Mum');
    const b = photoWithRegion('b.jpg', 'dad', 'Dad');
    const c = photoWithRegion('c.jpg', 'dad', 'dad'); // names match without case
    expect(faceOf(a)).toMatchObject({ personId: mum, assignedBy: 'imported' });
    expect(faceOf(b)).toMatchObject({ en: 'Dad', assignedBy: 'imported' });
    expect(faceOf(c).personId).toBe(faceOf(b).personId);
    expect(listPersons(fx.db).map((p) => [p.en, p.faces])).toEqual([
      ['Mum', 2],
      ['Dad', 2],
    ]);
  });

  it('follows a person the user renamed or merged: the next region of the old name joins it', () => {
    const a = photoWithRegion('a.jpg', 'mum', 'Mum');
    const mum = faceOf(a).personId ?? 0;
    namePerson(fx.db, mum, { zh: '母亲', en: 'Mother' }, 3);
    expect(faceOf(photoWithRegion('b.jpg', 'mum', 'Mum')).personId).toBe(mum);
    const other = moveFace(fx.db, faceOf(fx.addPhoto('c.jpg', 'mum')).id, null, 4);
    namePerson(fx.db, other, { en: 'Mama' }, 4);
    mergePersons(fx.db, mum, other, 5);
    // "Mum" is no person's name any more; the merged-away person it went to leads to `other`.
    expect(faceOf(photoWithRegion('d.jpg', 'mum', 'Mum')).personId).toBe(other);
  });

  it('never overrides the user: a face the user placed or said "not this person" for keeps that', () => {
    const a = fx.addPhoto('a.jpg', 'mum');
    const someone = moveFace(fx.db, faceOf(a).id, null, 1);
    namePerson(fx.db, someone, { en: 'Aunt' }, 1);
    saveImportedFaceRegions(fx.db, a, [{ name: 'Mum', ...aroundFace }], 2);
    expect(applyImportedFaceRegions(fx.db, a, 2)).toBe(0);
    expect(faceOf(a)).toMatchObject({ personId: someone, assignedBy: 'user' });

    const b = photoWithRegion('b.jpg', 'mum', 'Mum');
    const mum = faceOf(b).personId ?? 0;
    rejectFace(fx.db, faceOf(b).id, null, 3);
    // Re-tagged: new face rows, the region is matched again and must respect the rejection.
    replaceContentFaces(fx.db, b, [fx.face('mum')], testFaceModel, 4);
    expect(faceOf(b)).toMatchObject({ rejected: [mum] });
    expect(faceOf(b).personId).not.toBe(mum);
  });

  it('pins an imported face: a full pass leaves it, a re-tag keeps it', () => {
    const a = photoWithRegion('a.jpg', 'mum', 'Mum');
    const mum = faceOf(a).personId;
    const other = createPerson(fx.db, 3);
    applyRecluster(fx.db, [faceOf(a).id], [other], [], 4);
    expect(faceOf(a)).toMatchObject({ personId: mum, assignedBy: 'imported' });
    replaceContentFaces(fx.db, a, [fx.face('mum')], testFaceModel, 5);
    expect(faceOf(a)).toMatchObject({ personId: mum, assignedBy: 'imported' });
  });
});
