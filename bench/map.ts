// Benchmark of the map's clusters (issue 16, main/search/map-search.ts → main/catalog/map-clusters.ts):
// a real catalog file with N photos that all carry GPS (default 100k; 80 % around 60 cities with
// a spread of a few km to a few hundred, 20 % anywhere on land-ish latitudes), 10 % tagged dog,
// plus N/10 photos without a position. Timed: the whole `map.points` answer (clusters in the
// box, located/unlocated counts) for the world at zoom 0, a continent at zoom 3, a region at
// zoom 6 and a city at zoom 11, without a query and with `dog` (each first answer, which
// counts the query's photos with and without a position, is left out: those counts are kept
// per query until the catalog changes); and how big the answer is
// (clusters, JSON bytes), which is what goes over IPC/HTTP instead of N points.
//   node bin/run-ts.js bench/map.ts [--photos N] [--runs R]
// The last output line is one JSON object.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { openCatalog } from '../main/catalog/catalog-connection.ts';
import type { GeoBox } from '../main/catalog/map-clusters.ts';
import { mapPoints } from '../main/search/map-search.ts';

const { values: args } = parseArgs({
  options: {
    photos: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '20' },
  },
});
const photoCount = Math.max(1000, Number(args.photos));
const runs = Math.max(3, Number(args.runs));

let state = 0x5eed;
const random = () => {
  state = (state * 1103515245 + 12345) % 2147483648;
  return state / 2147483648;
};
/** A normal deviate (Box–Muller). */
const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

const dir = mkdtempSync(join(tmpdir(), 'tujian-bench-map-'));
const db = openCatalog(join(dir, 'catalog.sqlite'));
const buildStart = performance.now();
const cities = Array.from({ length: 60 }, () => ({
  lat: -40 + random() * 100,
  lon: -180 + random() * 360,
  spread: 0.02 + random() * random() * 3,
}));
db.transaction(() => {
  const folder = Number(
    db.prepare(`INSERT INTO folders (path, added_at) VALUES ('/bench', 0)`).run().lastInsertRowid,
  );
  const dog = Number(
    db.prepare(`INSERT INTO tags (name, type, zh, en) VALUES ('dog', 'object', '狗', 'Dog')`).run()
      .lastInsertRowid,
  );
  const content = db.prepare<[string, number | null, number | null], { id: number }>(
    `INSERT INTO contents (hash, size, lat, lon, created_at) VALUES (?, 1, ?, ?, 0) RETURNING id`,
  );
  const photo = db.prepare(
    `INSERT INTO photos (folder_id, rel_path, size, mtime_ms, content_id, status) VALUES (?, ?, 1, 0, ?, 'ok')`,
  );
  const tag = db.prepare(
    `INSERT INTO photo_tags (content_id, tag_id, engine, model, confidence, state, created_at)
     VALUES (?, ?, 'local', 'bench', 90, 'auto', 0)`,
  );
  const total = photoCount + Math.floor(photoCount / 10);
  for (let i = 0; i < total; i++) {
    let lat: number | null = null;
    let lon: number | null = null;
    if (i < photoCount) {
      const city = cities[Math.floor(random() * cities.length)];
      if (city && random() < 0.8) {
        lat = Math.max(-90, Math.min(90, city.lat + gaussian() * city.spread));
        lon = Math.max(-180, Math.min(180, city.lon + gaussian() * city.spread));
      } else {
        lat = -55 + random() * 125;
        lon = -180 + random() * 360;
      }
    }
    const id = content.all(`h${String(i)}`, lat, lon)[0]?.id ?? 0;
    photo.run(folder, `p${String(i)}.jpg`, id);
    if (random() < 0.1) tag.run(id, dog);
  }
})();
db.exec('ANALYZE');
const buildMs = performance.now() - buildStart;

// The widest-spread city for the continent, the densest for the region and the city.
const widest = cities.reduce((a, b) => (b.spread > a.spread ? b : a));
const densest = cities.reduce((a, b) => (b.spread < a.spread ? b : a));
const around = (lat: number, lon: number, halfHeight: number, halfWidth: number): GeoBox => ({
  south: Math.max(-90, lat - halfHeight),
  west: Math.max(-180, lon - halfWidth),
  north: Math.min(90, lat + halfHeight),
  east: Math.min(180, lon + halfWidth),
});
// What the 1440×900 window's map frame (about 1150×740 px) asks for at each zoom, margins included.
const views: { name: string; zoom: number; box: GeoBox }[] = [
  { name: 'world', zoom: 0, box: { south: -90, west: -180, north: 90, east: 180 } },
  { name: 'continent', zoom: 3, box: around(widest.lat, widest.lon, 17.4, 27) },
  { name: 'region', zoom: 6, box: around(densest.lat, densest.lon, 2.2, 3.4) },
  { name: 'city', zoom: 11, box: around(densest.lat, densest.lon, 0.07, 0.105) },
];

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
const round = (v: number) => Math.round(v * 100) / 100;

const results: Record<string, unknown>[] = [];
for (const query of ['', 'dog']) {
  for (const view of views) {
    const times: number[] = [];
    let answer = mapPoints(db, query, view.box, view.zoom);
    for (let r = 0; r < runs; r++) {
      const start = performance.now();
      answer = mapPoints(db, query, view.box, view.zoom);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const inBox = answer.clusters.reduce((n, c) => n + c.count, 0);
    const row = {
      view: view.name,
      query,
      zoom: view.zoom,
      p50Ms: round(percentile(times, 50)),
      p95Ms: round(percentile(times, 95)),
      clusters: answer.clusters.length,
      photosInBox: inBox,
      answerBytes: JSON.stringify(answer).length,
    };
    results.push(row);
    console.log(
      `${view.name.padEnd(9)} zoom ${String(view.zoom).padStart(2)} ${query === '' ? '(all)' : query}: ` +
        `p50 ${String(row.p50Ms)} ms, p95 ${String(row.p95Ms)} ms, ${String(row.clusters)} clusters of ` +
        `${String(inBox)} photos, ${String(row.answerBytes)} bytes`,
    );
  }
}

db.close();
rmSync(dir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    photosWithGps: photoCount,
    photosWithoutGps: Math.floor(photoCount / 10),
    runs,
    buildSeconds: round(buildMs / 1000),
    loadAverageAtStart: round(loadavg()[0] ?? 0),
    results,
  }),
);
