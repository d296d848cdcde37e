// A small real catalog for search tests: a temp SQLite file through openCatalog (so every
// migration runs), with folders, photos, contents and tags written by plain SQL the way the
// library and saveEngineAnswer write them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCatalog, type Catalog } from '../../main/catalog/catalog-connection.ts';
import type { TagType } from '../../main/engines/tag-model.ts';

export interface FixtureTag {
  readonly name: string;
  readonly zh: string;
  readonly en: string;
  readonly type?: TagType;
}

export interface FixturePhotoTag {
  readonly tag: string;
  readonly engine?: string;
  /** 90 when absent; null: the engine gave no score (Volcengine's yes/no). */
  readonly confidence?: number | null;
  readonly state?: 'auto' | 'user' | 'rejected';
  readonly boxes?: number;
}

export interface FixturePhoto {
  readonly folder?: string;
  readonly relPath: string;
  /** Photos with the same hash share one content. */
  readonly hash?: string | null;
  readonly takenAt?: string | null;
  readonly camera?: string;
  readonly status?: 'ok' | 'pending' | 'broken' | 'skipped' | 'missing';
  readonly tags?: readonly FixturePhotoTag[];
  readonly lat?: number;
  /** The latitude when absent (the older tests' photos sit on the line lat = lon). */
  readonly lon?: number;
}

export class SearchFixture {
  readonly dir = mkdtempSync(join(tmpdir(), 'tujian-search-'));
  readonly db: Catalog = openCatalog(join(this.dir, 'catalog.sqlite'));
  readonly photoIds = new Map<string, number>();
  private readonly folders = new Map<string, number>();
  private readonly tags = new Map<string, number>();
  private readonly contents = new Map<string, number>();

  addTags(tags: readonly FixtureTag[]): void {
    const insert = this.db.prepare<[string, string, string, string], { id: number }>(
      `INSERT INTO tags (name, type, zh, en) VALUES (?, ?, ?, ?) RETURNING id`,
    );
    for (const t of tags) {
      const row = insert.get(t.name, t.type ?? 'object', t.zh, t.en);
      if (row) this.tags.set(t.name, row.id);
    }
  }

  tagId(name: string): number {
    const id = this.tags.get(name);
    if (id === undefined) throw new Error(`fixture has no tag ${name}`);
    return id;
  }

  folderId(path: string): number {
    let id = this.folders.get(path);
    if (id === undefined) {
      id = Number(
        this.db.prepare(`INSERT INTO folders (path, added_at) VALUES (?, 0)`).run(path)
          .lastInsertRowid,
      );
      this.folders.set(path, id);
    }
    return id;
  }

  addPhoto(photo: FixturePhoto): number {
    const folderId = this.folderId(photo.folder ?? '/photos');
    const hash = photo.hash === undefined ? `hash-${photo.relPath}` : photo.hash;
    let contentId: number | null = null;
    if (hash !== null) {
      contentId = this.contents.get(hash) ?? null;
      if (contentId === null) {
        const taken = photo.takenAt ? Date.parse(`${photo.takenAt}Z`) : null;
        contentId = Number(
          this.db
            .prepare(
              `INSERT INTO contents (hash, size, width, height, taken_at, camera, lat, lon, created_at)
               VALUES (?, 100, 640, 480, ?, ?, ?, ?, 0)`,
            )
            .run(
              hash,
              taken,
              photo.camera ?? null,
              photo.lat ?? null,
              photo.lon ?? photo.lat ?? null,
            ).lastInsertRowid,
        );
        this.contents.set(hash, contentId);
        for (const t of photo.tags ?? []) this.tagContent(contentId, t);
      }
    }
    const id = Number(
      this.db
        .prepare(
          `INSERT INTO photos (folder_id, rel_path, size, mtime_ms, content_id, status) VALUES (?, ?, 100, 0, ?, ?)`,
        )
        .run(folderId, photo.relPath, contentId, photo.status ?? (hash === null ? 'pending' : 'ok'))
        .lastInsertRowid,
    );
    this.photoIds.set(photo.relPath, id);
    return id;
  }

  tagContent(contentId: number, t: FixturePhotoTag): void {
    const tagId = this.tagId(t.tag);
    const engine = t.engine ?? 'local';
    this.db
      .prepare(
        `INSERT INTO photo_tags (content_id, tag_id, engine, model, confidence, state, created_at)
         VALUES (?, ?, ?, 'm1', ?, ?, 0)`,
      )
      .run(
        contentId,
        tagId,
        engine,
        t.confidence === undefined ? 90 : t.confidence,
        t.state ?? 'auto',
      );
    for (let i = 0; i < (t.boxes ?? 0); i++) {
      this.db
        .prepare(
          `INSERT INTO tag_boxes (content_id, tag_id, engine, x, y, w, h, confidence) VALUES (?, ?, ?, 0.1, 0.1, 0.2, 0.2, 80)`,
        )
        .run(contentId, tagId, engine);
    }
  }

  id(relPath: string): number {
    const id = this.photoIds.get(relPath);
    if (id === undefined) throw new Error(`fixture has no photo ${relPath}`);
    return id;
  }

  close(): void {
    this.db.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The tag vocabulary most search tests use. */
export const commonTags: readonly FixtureTag[] = [
  { name: 'dog', zh: '狗', en: 'Dog' },
  { name: 'puppy', zh: '小狗', en: 'Puppy' },
  { name: 'hot dog', zh: '热狗', en: 'Hot dog' },
  { name: 'dogma', zh: '教条', en: 'Dogma', type: 'concept' },
  { name: 'cat', zh: '猫', en: 'Cat' },
  { name: 'beach', zh: '海滩', en: 'Beach', type: 'scene' },
  { name: 'sunset', zh: '日落', en: 'Sunset', type: 'scene' },
  { name: 'face', zh: '人脸', en: 'Face' },
  { name: 'person', zh: '人', en: 'Person' },
  { name: 'document', zh: '文档', en: 'Document', type: 'concept' },
  { name: 'black and white', zh: '黑白', en: 'Black and white', type: 'concept' },
];
