// The SQL rules of people (main/catalog/people.ts) on a real catalog: person tags derived from
// faces, the user's decisions carried through re-tagging, merges and their ids, and matches
// that must not land where the user said no.
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  applyFaceMatches,
  applyRecluster,
  createPerson,
  findPersonByName,
  listContentFaces,
  listPersons,
  mergePersons,
  moveFace,
  namePerson,
  rejectFace,
  replaceContentFaces,
  resolvePersonId,
  syncPersonTags,
} from '../../main/catalog/people.ts';
import { listContentTags } from '../../main/catalog/photo-tags.ts';
import { removeTag } from '../../main/catalog/tag-editing.ts';
import { getTagInfo } from '../../main/catalog/tag-management.ts';
import { searchPhotos } from '../../main/search/search-service.ts';
import { PeopleFixture, testFaceModel } from './people-fixture.ts';

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
  if (!face) throw new Error(`no face on ${String(contentId)}`);
  return face;
};
const personTags = (contentId: number) =>
  listContentTags(fx.db, contentId, { includeRejected: true })
    .filter((t) => t.type === 'person')
    .map((t) => ({ zh: t.zh, en: t.en, state: t.state, boxes: t.boxes.length }));

describe(syncPersonTags.name, () => {
  it('gives each photo of a named person its tag with the face box, and never re-adds a removed one', () => {
    const a = fx.addPhoto('a.jpg', 'mum');
    const b = fx.addPhoto('b.jpg', 'mum');
    const mum = moveFace(fx.db, faceOf(a).id, null, 1);
    moveFace(fx.db, faceOf(b).id, mum, 1);
    expect(personTags(a)).toEqual([]); // unnamed: browsable, not a tag
    namePerson(fx.db, mum, { zh: '妈妈' }, 2);
    expect(personTags(a)).toEqual([{ zh: '妈妈', en: '妈妈', state: 'auto', boxes: 1 }]);
    namePerson(fx.db, mum, { en: 'Mum' }, 3);
    expect(personTags(b)).toEqual([{ zh: '妈妈', en: 'Mum', state: 'auto', boxes: 1 }]);

    // The user removes the person's tag from photo b: it stays removed through every sync.
    const photoB = fx.db.prepare(`SELECT id FROM photos WHERE content_id = ?`).pluck().get(b);
    const tagId = listPersons(fx.db)[0]?.tagId ?? 0;
    removeTag(fx.db, { photoIds: [photoB as number] }, tagId);
    syncPersonTags(fx.db, [a, b], 4);
    replaceContentFaces(fx.db, b, [fx.face('mum')], testFaceModel, 5);
    expect(personTags(b)).toEqual([{ zh: '妈妈', en: 'Mum', state: 'rejected', boxes: 1 }]);
    expect(personTags(a)).toEqual([{ zh: '妈妈', en: 'Mum', state: 'auto', boxes: 1 }]);
  });
});

describe(replaceContentFaces.name, () => {
  it('hands the user placements and rejections to the re-detected face; automatic ones are matched again', () => {
    const a = fx.addPhoto('a.jpg', 'mum');
    const mum = moveFace(fx.db, faceOf(a).id, null, 1);
    const c = fx.addPhoto('c.jpg', 'dad');
    const dad = moveFace(fx.db, faceOf(c).id, null, 1);
    rejectFace(fx.db, faceOf(a).id, dad, 1);
    const b = fx.addPhoto('b.jpg', 'dad');
    applyFaceMatches(fx.db, [{ faceId: faceOf(b).id, personId: dad }], 1);
    expect(faceOf(b)).toMatchObject({ personId: dad, assignedBy: 'auto' });

    // Re-tagged: slightly moved boxes (IoU > 0.5), new rows.
    const moved = { x: 0.32, y: 0.22, w: 0.3, h: 0.4 };
    const oldA = faceOf(a).id;
    replaceContentFaces(fx.db, a, [fx.face('mum', moved)], testFaceModel, 2);
    replaceContentFaces(fx.db, b, [fx.face('dad', moved)], testFaceModel, 2);
    expect(faceOf(a).id).not.toBe(oldA);
    expect(faceOf(a)).toMatchObject({ personId: mum, assignedBy: 'user', rejected: [dad] });
    expect(faceOf(b)).toMatchObject({ personId: null, assignedBy: null });
    // A box elsewhere in the photo is another face: nothing carried over.
    replaceContentFaces(
      fx.db,
      a,
      [fx.face('mum', { x: 0, y: 0, w: 0.1, h: 0.1 })],
      testFaceModel,
      3,
    );
    expect(faceOf(a)).toMatchObject({ personId: null, rejected: [] });
  });
});

describe(mergePersons.name, () => {
  it('keeps the old id leading to the target, and a new person never gets a merged-away id', () => {
    const a = fx.addPhoto('a.jpg', 'mum');
    const b = fx.addPhoto('b.jpg', 'mum');
    const one = moveFace(fx.db, faceOf(a).id, null, 1);
    const two = moveFace(fx.db, faceOf(b).id, null, 1);
    namePerson(fx.db, one, { zh: '妈妈', en: 'Mum' }, 1);
    namePerson(fx.db, two, { en: 'Mother' }, 1);
    mergePersons(fx.db, two, one, 2);
    expect(resolvePersonId(fx.db, two)).toBe(one);
    expect(listPersons(fx.db).map((p) => [p.id, p.en, p.faces])).toEqual([[one, 'Mum', 2]]);
    expect(personTags(b)).toEqual([{ zh: '妈妈', en: 'Mum', state: 'auto', boxes: 1 }]);
    // The highest id was merged away: the next person still gets a new one.
    expect(createPerson(fx.db, 3)).toBeGreaterThan(two);
  });
  it('keeps the merged-away name as an alias: search by either name finds the merged person', () => {
    const a = fx.addPhoto('a.jpg', 'mum');
    const b = fx.addPhoto('b.jpg', 'mum');
    const one = moveFace(fx.db, faceOf(a).id, null, 1);
    const two = moveFace(fx.db, faceOf(b).id, null, 1);
    namePerson(fx.db, one, { zh: '妈妈', en: 'Mum' }, 1);
    namePerson(fx.db, two, { zh: '母亲', en: 'Mother' }, 1);
    mergePersons(fx.db, two, one, 2);
    const files = (query: string) =>
      searchPhotos(fx.db, query, { facets: false }, null)
        .items.map((p) => p.relPath)
        .sort();
    for (const name of ['Mum', '妈妈', 'Mother', '母亲', 'person:Mother', '人物:母亲']) {
      expect(files(name), name).toEqual(['a.jpg', 'b.jpg']);
    }
    // The tag merge's alias is what carries the old name (tag_aliases, as for merged tags).
    const tagId = listPersons(fx.db)[0]?.tagId ?? 0;
    expect(getTagInfo(fx.db, tagId).aliases).toMatchObject([{ zh: '母亲', en: 'Mother' }]);
    // Naming a face with the old name joins the merged person.
    expect(findPersonByName(fx.db, 'Mother')).toBe(one);
  });
});

describe(applyRecluster.name, () => {
  it('leaves alone what the user pinned or rejected while the pass ran', () => {
    const a = fx.addPhoto('a.jpg', 'mum');
    const b = fx.addPhoto('b.jpg', 'mum');
    const mum = moveFace(fx.db, faceOf(a).id, null, 1);
    const other = createPerson(fx.db, 1);
    moveFace(fx.db, faceOf(b).id, other, 1);
    rejectFace(fx.db, faceOf(b).id, mum, 1);
    // The pass (computed before those decisions) wants both faces in `mum` and a new person.
    applyRecluster(fx.db, [faceOf(a).id, faceOf(b).id], [mum, mum], [-1], 2);
    expect(faceOf(b)).toMatchObject({ personId: other, assignedBy: 'user' });
    rejectFace(fx.db, faceOf(b).id, null, 3); // not `other` either: unassigned now
    applyRecluster(fx.db, [faceOf(b).id], [mum], [], 4);
    expect(faceOf(b).personId).toBeNull();
  });
});
