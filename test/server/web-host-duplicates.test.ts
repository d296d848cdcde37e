// The web host's Duplicates page on a library of 40k photos (random perceptual hashes, one in
// 50 with a near copy): while the groups are being listed, other API calls are answered (the
// listing runs in a worker, [Note: Duplicate groups off the main thread]); the groups are the
// ones findDuplicateGroups lists in place; a second listing gives the same groups; "Not
// duplicates" takes a group out of the next listing.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalog } from '../../main/catalog/catalog-connection.ts';
import { findDuplicateGroups } from '../../main/catalog/perceptual-hashes.ts';
import { perceptualHashVersion } from '../../main/imaging/perceptual-hash.ts';
import { startWebHost, type WebHost } from '../../main/server/web-host.ts';
import { dataPaths } from '../../main/util/data-dir.ts';

/** Photos in the library: enough that listing the groups in place took over a second. */
const contentCount = 40_000;

function call(host: WebHost, channel: string, input: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: host.port,
        path: `/api/${channel}`,
        method: 'POST',
        headers: {
          Host: `127.0.0.1:${String(host.port)}`,
          Authorization: `Bearer ${host.token}`,
          'Content-Type': 'application/json',
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const answer = JSON.parse(Buffer.concat(chunks).toString()) as {
            ok: boolean;
            value?: unknown;
            error?: unknown;
          };
          if (answer.ok) resolve(answer.value);
          else reject(new Error(`${channel}: ${JSON.stringify(answer.error)}`));
        });
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(input));
  });
}

interface ListedGroups {
  groups: { photos: { photoId: number; relPath: string }[] }[];
}

describe(`${startWebHost.name}: duplicates`, () => {
  let root: string;
  let host: WebHost;
  let expected: string[][];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'tujian-web-dupes-'));
    const renderer = join(root, 'renderer');
    mkdirSync(renderer);
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>ui</title>');
    const dataRoot = join(root, 'data');
    mkdirSync(dataRoot);
    const db = openCatalog(dataPaths(dataRoot).catalog);
    // Generated in SQL: inserting row by row from here took longer than the test itself.
    const seq = `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${String(contentCount)})`;
    const random16 = `abs(random()) % 65536`;
    db.exec(`
      INSERT INTO folders (id, path, added_at) VALUES (1, '${root}', 0);
      ${seq} INSERT INTO contents (id, hash, size, created_at) SELECT i, printf('%064d', i), 1, 0 FROM seq;
      ${seq} INSERT INTO perceptual_hashes (content_id, variant, hash_version, band0, band1, band2, band3, created_at)
        SELECT i, v.n, ${String(perceptualHashVersion)}, ${random16}, ${random16}, ${random16}, ${random16}, 0
        FROM seq, (SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2) v;
      -- One in 50 has a copy whose whole hash is 2 bits away (band3 XOR 5).
      INSERT INTO contents (id, hash, size, created_at)
        SELECT id + ${String(contentCount)}, printf('c%063d', id), 1, 0 FROM contents WHERE id % 50 = 0;
      INSERT INTO perceptual_hashes (content_id, variant, hash_version, band0, band1, band2, band3, created_at)
        SELECT content_id + ${String(contentCount)}, 0, hash_version, band0, band1, band2, (band3 | 5) - (band3 & 5), 0
        FROM perceptual_hashes WHERE content_id % 50 = 0 AND variant = 0;
      INSERT INTO photos (folder_id, rel_path, size, mtime_ms, content_id, status)
        SELECT 1, 'p' || id || '.jpg', 1, 0, id, 'ok' FROM contents;`);
    expected = findDuplicateGroups(db).map((g) => g.photos.map((p) => p.relPath));
    db.close();
    host = await startWebHost({ dataRoot, rendererDir: renderer });
  }, 120_000);

  afterAll(async () => {
    await host.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('answers other calls while the groups are listed; lists the same groups twice', async () => {
    const answered: string[] = [];
    const listing = call(host, 'duplicates.list', {}).then((value) => {
      answered.push('duplicates.list');
      return value as ListedGroups;
    });
    // Time for the listing to be under way before the other call is sent.
    await sleep(150);
    await call(host, 'albums.list', {}).then(() => answered.push('albums.list'));
    const first = await listing;
    expect(answered).toEqual(['albums.list', 'duplicates.list']);

    expect(expected.length).toBeGreaterThanOrEqual(contentCount / 50);
    expect(first.groups.map((g) => g.photos.map((p) => p.relPath))).toEqual(expected);
    const second = (await call(host, 'duplicates.list', {})) as ListedGroups;
    expect(second).toEqual(first);
  }, 120_000);

  it('leaves a group out of the next listing once it is "Not duplicates"', async () => {
    const before = (await call(host, 'duplicates.list', {})) as ListedGroups;
    const [group] = before.groups;
    if (!group) throw new Error('no group');
    await call(host, 'duplicates.dismiss', { photoIds: group.photos.map((p) => p.photoId) });
    const after = (await call(host, 'duplicates.list', {})) as ListedGroups;
    expect(after.groups).toHaveLength(before.groups.length - 1);
    expect(after.groups).not.toContainEqual(group);
  }, 120_000);
});
