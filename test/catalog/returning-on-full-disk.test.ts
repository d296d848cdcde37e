// An INSERT … RETURNING outside a transaction commits when the statement finishes. Read with
// better-sqlite3's `.get()`, the statement is reset after its first row and an error of that
// commit (a full disk) was lost: insertContent returned the id of a row that was rolled back,
// and the ingest then failed on a foreign key as if the photo were at fault (found when the
// full-disk runtime test hung for its retry delay). On a real full disk (a tmpfs), the write
// either lands or throws the disk-full error.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCatalog } from '../../main/catalog/catalog-connection.ts';
import { insertContent } from '../../main/catalog/contents.ts';
import { isDiskFull } from '../../main/util/disk-full.ts';
import {
  canMountSmallDisk,
  fillDisk,
  mountSmallDisk,
  unmountSmallDisk,
} from '../library/small-disk.ts';

let root: string | undefined;
afterEach(() => {
  if (!root) return;
  unmountSmallDisk(join(root, 'data'));
  rmSync(root, { recursive: true, force: true });
  root = undefined;
});

describe(insertContent.name, () => {
  it.skipIf(!canMountSmallDisk)(
    'on a full disk either writes the content or throws the disk-full error, never a lost id',
    () => {
      root = mkdtempSync(join(tmpdir(), 'tujian-returning-'));
      const data = join(root, 'data');
      expect(mountSmallDisk(data, 2 * 1_048_576)).toBe(true);
      const db = openCatalog(join(data, 'catalog.sqlite'));
      try {
        fillDisk(data, 0);
        let outcomes = { written: 0, refused: 0 };
        // Some inserts may still fit in pages the WAL already has; keep going until one is
        // refused, checking each id that came back.
        for (let i = 0; i < 200 && outcomes.refused === 0; i++) {
          try {
            const { id } = insertContent(
              db,
              {
                hash: `${String(i).padStart(4, '0')}${'ab'.repeat(30)}`,
                size: 1000 + i,
                format: 'jpeg',
                width: 4000,
                height: 3000,
                orientation: null,
                takenAt: null,
                camera: 'x'.repeat(2000),
                lat: null,
                lon: null,
                hasPreview: true,
              },
              Date.now(),
            );
            const row = db.prepare('SELECT id FROM contents WHERE id = ?').get(id);
            expect(row, `content ${String(id)} was returned but not written`).toEqual({ id });
            outcomes = { ...outcomes, written: outcomes.written + 1 };
          } catch (error) {
            expect(isDiskFull(error, data), String(error)).toBe(true);
            outcomes = { ...outcomes, refused: outcomes.refused + 1 };
          }
        }
        expect(outcomes.refused).toBe(1);
      } finally {
        db.close();
      }
    },
  );
});
