// Incremental matching (people-sync.ts matchPendingFaces) on a real catalog with synthetic
// descriptors (test/catalog/people-fixture.ts): new faces join the person they look like,
// strangers and unreliable faces wait, and "not this person" holds for re-detected faces.
// Kept apart from people-sync.test.ts, whose real-model setup takes a minute.
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  listContentFaces,
  moveFace,
  namePerson,
  rejectFace,
  replaceContentFaces,
} from '../../main/catalog/people.ts';
import { matchPendingFaces } from '../../main/people/people-sync.ts';
import { PeopleFixture, testFaceModel } from '../catalog/people-fixture.ts';

let fx: PeopleFixture;
beforeEach(() => {
  fx = new PeopleFixture();
});
afterEach(() => {
  fx.db.close();
  rmSync(fx.root, { recursive: true, force: true });
});

const faceOf = (contentId: number) => {
  const face = listContentFaces(fx.db, contentId)[0];
  if (!face) throw new Error('no face');
  return face;
};

describe(matchPendingFaces.name, () => {
  it('puts a new face in the person it looks like, and leaves strangers and poor faces waiting', () => {
    const people = ['mum', 'dad', 'kid'].map((who) => {
      const first = fx.addPhoto(`${who}0.jpg`, who);
      const id = moveFace(fx.db, faceOf(first).id, null, 1);
      for (let i = 1; i < 3; i++)
        moveFace(fx.db, faceOf(fx.addPhoto(`${who}${String(i)}.jpg`, who)).id, id, 1);
      namePerson(fx.db, id, { en: who }, 1);
      return { who, id };
    });
    const mumNew = fx.addPhoto('mum-new.jpg', 'mum');
    const stranger = fx.addPhoto('stranger.jpg', 'stranger');
    const tiny = fx.addPhoto('tiny.jpg', 'dad');
    replaceContentFaces(fx.db, tiny, [{ ...fx.face('dad'), sourceSide: 20 }], testFaceModel, 2);

    expect(matchPendingFaces(fx.db)).toEqual({ looked: 3, assigned: 1 });
    expect(faceOf(mumNew)).toMatchObject({ personId: people[0]?.id, assignedBy: 'auto' });
    expect(faceOf(stranger).personId).toBeNull();
    expect(faceOf(tiny).personId).toBeNull(); // under 40 px: kept, never matched
    expect(matchPendingFaces(fx.db)).toEqual({ looked: 0, assigned: 0 });

    // "Not Mum" on that face; re-tagging brings a new row that must not go back to Mum.
    rejectFace(fx.db, faceOf(mumNew).id, null, 3);
    replaceContentFaces(fx.db, mumNew, [fx.face('mum')], testFaceModel, 4);
    expect(matchPendingFaces(fx.db).looked).toBe(1);
    expect(faceOf(mumNew).personId).not.toBe(people[0]?.id);
    expect(faceOf(mumNew).rejected).toEqual([people[0]?.id]);
  });
});
