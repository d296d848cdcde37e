// A catalog of many photos for the grid, written straight into SQLite: varied shapes (4:3, 3:4,
// 16:9, 3:2, 1:1, 2:1 panoramas), dated evenly over 15 years (month sections and the timeline
// are real), and real WebP thumbnails (12 generated images hard-linked under every content's
// hash, so the browser fetches and decodes real images without 100k files' worth of disk).
// Used by `npm run bench:ui-grid` (100k photos) and the grid's Chromium tests.
import { linkSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { openCatalog } from '../../main/catalog/catalog-connection.ts';
import { thumbnailPath } from '../../main/library/library-files.ts';
import { dataPaths } from '../../main/util/data-dir.ts';

const shapes: readonly [number, number][] = [
  [4000, 3000],
  [3000, 4000],
  [1920, 1080],
  [6000, 4000],
  [3000, 3000],
  [8000, 4000],
];
const colours = ['#c0392b', '#2980b9', '#27ae60', '#8e44ad', '#d35400', '#16a085'];

/**
 * Writes a library of `photoCount` photos under `root` (its data root is `root/data`, the
 * folder `root/Photos` is listed but holds no files) and returns the data root.
 */
export async function createSyntheticGridLibrary(
  root: string,
  photoCount: number,
): Promise<string> {
  const dataRoot = join(root, 'data');
  const db = openCatalog(dataPaths(dataRoot).catalog);
  try {
    // One real thumbnail per shape and colour, linked under every content's hash.
    const sources: string[] = [];
    for (let s = 0; s < shapes.length; s++) {
      const [w, h] = shapes[s] ?? [4, 3];
      const width = Math.round((w * 320) / Math.max(w, h));
      const height = Math.round((h * 320) / Math.max(w, h));
      for (let c = 0; c < 2; c++) {
        const file = join(root, `thumb-${String(s)}-${String(c)}.webp`);
        await sharp({
          create: {
            width,
            height,
            channels: 3,
            background: colours[(s + c * 3) % colours.length] ?? '#888888',
          },
        })
          .composite([
            {
              input: Buffer.from(
                `<svg width="${String(width)}" height="${String(height)}"><circle cx="50%" cy="50%" r="30%" fill="white" fill-opacity="0.6"/></svg>`,
              ),
            },
          ])
          .webp()
          .toFile(file);
        sources.push(file);
      }
    }
    db.transaction(() => {
      const now = Date.now();
      db.prepare(`INSERT INTO folders (id, path, added_at) VALUES (1, ?, ?)`).run(
        join(root, 'Photos'),
        now,
      );
      const content = db.prepare(
        `INSERT INTO contents (id, hash, size, format, width, height, taken_at, has_preview, created_at) VALUES (?, ?, 1000, 'jpeg', ?, ?, ?, 1, ?)`,
      );
      const photo = db.prepare(
        `INSERT INTO photos (id, folder_id, rel_path, size, mtime_ms, content_id, status) VALUES (?, 1, ?, 1000, ?, ?, 'ok')`,
      );
      const fifteenYears = 15 * 365 * 86_400_000;
      for (let i = 1; i <= photoCount; i++) {
        const hash = i.toString(16).padStart(64, '0');
        // Shapes in an irregular pattern, so rows hold different numbers of photos.
        const shape = (i * 7 + (i >> 3)) % shapes.length;
        const [w, h] = shapes[shape] ?? [4000, 3000];
        const takenAt = Date.UTC(2010, 0, 1) + Math.floor((i / photoCount) * fifteenYears);
        content.run(i, hash, w, h, takenAt, now);
        photo.run(i, `y${String(2010 + (i % 15))}/IMG_${String(i).padStart(6, '0')}.jpg`, now, i);
        const target = thumbnailPath(dataRoot, hash);
        mkdirSync(dirname(target), { recursive: true });
        linkSync(sources[shape * 2 + (i % 2)] ?? '', target);
      }
    })();
  } finally {
    db.close();
  }
  return dataRoot;
}
