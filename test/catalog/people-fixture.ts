// A catalog with photos whose faces carry synthetic descriptors: unit vectors of faceres'
// length around one centre per person, as far apart as faceres puts two photos of one person
// (~0.5 here, under the 0.85 clustering distance) while persons are ~1.4 apart. For the rules
// of the catalog and the CLI, which must not depend on a model run; test/people has the real
// photos.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCatalog, type Catalog } from '../../main/catalog/catalog-connection.ts';
import { replaceContentFaces } from '../../main/catalog/people.ts';
import type { AnswerFace } from '../../main/engines/tag-model.ts';
import { seededRandom } from '../../main/people/face-index.ts';

export const descriptorLength = 1024;
export const testFaceModel = 'test-faces';

function unit(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const n = Math.sqrt(sum);
  return v.map((x) => x / n);
}

export class PeopleFixture {
  readonly root = mkdtempSync(join(tmpdir(), 'tujian-people-'));
  readonly data = join(this.root, 'data');
  readonly db: Catalog;
  private readonly random = seededRandom(15);
  private readonly centres = new Map<string, Float32Array>();
  /** Content id → the person its face shows. */
  readonly truth = new Map<number, string>();
  private folderId: number;

  constructor() {
    mkdirSync(this.data, { recursive: true });
    this.db = openCatalog(join(this.data, 'catalog.sqlite'));
    this.folderId = Number(
      this.db
        .prepare(`INSERT INTO folders (path, added_at) VALUES (?, 0)`)
        .run(join(this.root, 'photos')).lastInsertRowid,
    );
  }

  private gauss(): number {
    return Math.sqrt(-2 * Math.log(this.random() + 1e-12)) * Math.cos(2 * Math.PI * this.random());
  }

  /** A descriptor of `who` (a new centre for a new name). */
  descriptor(who: string): Float32Array {
    let centre = this.centres.get(who);
    if (!centre) {
      centre = unit(Float32Array.from({ length: descriptorLength }, () => this.gauss()));
      this.centres.set(who, centre);
    }
    const c = centre;
    return unit(c.map((x) => x + (this.gauss() * 0.35) / Math.sqrt(descriptorLength)));
  }

  face(who: string, box = { x: 0.3, y: 0.2, w: 0.3, h: 0.4 }): AnswerFace {
    return {
      box: { ...box, confidence: 90 },
      descriptor: this.descriptor(who),
      sourceSide: 120,
      sharpness: 40,
    };
  }

  /** A photo (its own content) showing one face of `who`, taken on `takenAt` (ISO day). */
  addPhoto(file: string, who: string, takenAt = '2024-06-01', hash = `hash-${file}`): number {
    const contentId = Number(
      this.db
        .prepare(`INSERT INTO contents (hash, size, taken_at, created_at) VALUES (?, 1, ?, 0)`)
        .run(hash, Date.parse(`${takenAt}T12:00:00Z`)).lastInsertRowid,
    );
    this.db
      .prepare(
        `INSERT INTO photos (folder_id, rel_path, size, mtime_ms, content_id, status)
         VALUES (?, ?, 1, 0, ?, 'ok')`,
      )
      .run(this.folderId, file, contentId);
    replaceContentFaces(this.db, contentId, [this.face(who)], testFaceModel, 0);
    this.truth.set(contentId, who);
    return contentId;
  }
}
