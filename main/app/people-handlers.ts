// The API channels of people (preload/api-contract.ts `people.*`, `photos.faces`) over
// catalog/people.ts. Kept apart from app-service.ts, which spreads them into its handlers.
import type { Catalog } from '../catalog/catalog-connection.ts';
import {
  contentOfPhoto,
  FaceNotFoundError,
  findPersonByName,
  getFace,
  getPerson,
  listContentFaces,
  listPersonFaces,
  listPersons,
  mergePersons,
  moveFace,
  namePerson,
  PersonNotFoundError,
  photoOfContent,
  rejectFace,
  setPersonHidden,
  type FaceInfo,
  type PersonSummary,
} from '../catalog/people.ts';
import {
  ApiError,
  type ApiHandlers,
  type FaceView,
  type PersonView,
} from '../../preload/api-contract.ts';

type PeopleChannels =
  | 'people.list'
  | 'people.get'
  | 'people.name'
  | 'people.merge'
  | 'people.moveFace'
  | 'people.rejectFace'
  | 'people.nameFace'
  | 'people.setHidden'
  | 'photos.faces';

function translatePeopleErrors<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof PersonNotFoundError || error instanceof FaceNotFoundError) {
      throw new ApiError('not-found', error.message);
    }
    throw error;
  }
}

export function createPeopleHandlers(
  db: Catalog,
  options: { readonly now: () => number; readonly changed: () => void },
): Pick<ApiHandlers, PeopleChannels> {
  const { now, changed } = options;
  const faceView = (f: FaceInfo): FaceView => ({
    id: f.id,
    photoId: photoOfContent(db, f.contentId),
    hash: f.hash,
    box: { x: f.box.x, y: f.box.y, w: f.box.w, h: f.box.h },
    aspect: f.photoAspect,
    personId: f.personId,
    assignedBy: f.assignedBy,
    zh: f.zh,
    en: f.en,
  });
  const personView = (p: PersonSummary): PersonView => ({
    id: p.id,
    tagId: p.tagId,
    zh: p.zh,
    en: p.en,
    hidden: p.hidden,
    faces: p.faces,
    photos: p.photos,
    cover: faceView(getFace(db, p.cover.faceId)),
  });
  const requirePerson = (id: number): PersonView => {
    const person = getPerson(db, id);
    if (!person) throw new ApiError('not-found', `No person ${String(id)}`);
    return personView(person);
  };
  return {
    'people.list': ({ includeHidden }) => listPersons(db, { includeHidden }).map(personView),
    'people.get': ({ id }) =>
      translatePeopleErrors(() => ({
        person: requirePerson(id),
        faces: listPersonFaces(db, id, 500).map(faceView),
      })),
    'people.name': ({ id, zh, en }) =>
      translatePeopleErrors(() => {
        if (zh === undefined && en === undefined) {
          throw new ApiError('invalid-input', 'A person needs a name');
        }
        namePerson(db, id, { zh, en }, now());
        changed();
        return requirePerson(id);
      }),
    'people.merge': ({ fromId, intoId }) =>
      translatePeopleErrors(() => {
        mergePersons(db, fromId, intoId, now());
        changed();
        return requirePerson(intoId);
      }),
    'people.moveFace': ({ faceId, personId }) =>
      translatePeopleErrors(() => {
        const moved = moveFace(db, faceId, personId, now());
        changed();
        return { personId: moved };
      }),
    'people.rejectFace': ({ faceId, personId }) =>
      translatePeopleErrors(() => {
        const rejected = rejectFace(db, faceId, personId ?? null, now());
        changed();
        return { rejected };
      }),
    'people.nameFace': ({ faceId, name }) =>
      translatePeopleErrors(() => {
        // A name someone already has: the face is that person (the user said so). Otherwise
        // the face's person is named, or a new person is made for a face that had none.
        const known = findPersonByName(db, name);
        const face = getFace(db, faceId);
        if (known !== undefined) moveFace(db, faceId, known, now());
        else {
          const personId = face.personId ?? moveFace(db, faceId, null, now());
          namePerson(db, personId, { zh: name, en: name }, now());
        }
        changed();
        return faceView(getFace(db, faceId));
      }),
    'people.setHidden': ({ id, hidden }) =>
      translatePeopleErrors(() => {
        setPersonHidden(db, id, hidden);
        changed();
        return { ok: true as const };
      }),
    'photos.faces': ({ id }) => {
      const contentId = contentOfPhoto(db, id);
      return contentId === null ? [] : listContentFaces(db, contentId).map(faceView);
    },
  };
}
