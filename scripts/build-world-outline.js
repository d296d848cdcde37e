#!/usr/bin/env node
// Converts Natural Earth's land and country borders (the `world-atlas` TopoJSON, a dev
// dependency) into the small asset the map view draws: SVG path data in an equirectangular
// projection where x is the longitude and y the negated latitude, in whole units of 0.05°.
// Run once, when the outline should change: `node scripts/build-world-outline.js`; the output,
// assets/map/world-outline.json, is committed, so nothing is fetched or converted at run time
// (assets/map/SOURCES.md says where it comes from and under which terms).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { feature, mesh } from 'topojson-client';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
const readAtlas = (name) =>
  JSON.parse(readFileSync(require.resolve(`world-atlas/${name}`), 'utf8'));

// 50m land keeps islands a photographer visits (Hong Kong, the Canaries) that 110m drops;
// 110m borders are enough for orientation. Coordinates are kept to 0.05° (about 5 km): the
// asset stays under 300 KB and the outline is only there to place the photos by.
const step = 0.05;

/** Two whole numbers as path data: a minus sign separates them itself, so no space then. */
const pair = (x, y) => `${String(x)}${y < 0 ? '' : ' '}${String(y)}`;

/**
 * One ring or line as path data in units of `step` (whole numbers: the map scales the path
 * by `unit`): an absolute start, then relative steps, dropping points that round onto the
 * previous one.
 */
function pathOf(points, close) {
  let d = '';
  let count = 0;
  let lastX = 0;
  let lastY = 0;
  for (const [lon, lat] of points) {
    const x = Math.round(lon / step);
    const y = Math.round(-lat / step);
    if (count > 0 && x === lastX && y === lastY) continue;
    d += count === 0 ? `M${pair(x, y)}l` : `${pair(x - lastX, y - lastY)} `;
    lastX = x;
    lastY = y;
    count++;
  }
  if (count < (close ? 3 : 2)) return '';
  return `${d.trimEnd()}${close ? 'z' : ''}`;
}

function polygonsOf(geometry) {
  if (geometry.type === 'Polygon') return [geometry.coordinates];
  if (geometry.type === 'MultiPolygon') return geometry.coordinates;
  return [];
}

/**
 * A ring that crosses the antimeridian (Chukotka, Wrangel Island, Fiji) jumps 360° between two
 * neighbours, which a path would draw as a line across the world. Its longitudes are made
 * continuous (past ±180°), and the ring is drawn again shifted by 360° so that the part past
 * the edge shows at the other edge; the map clips both to the world. A jump along a pole
 * (Antarctica's closing edge at -89.999°) is a real edge and is kept.
 */
function unwrappedCopies(ring) {
  const out = [];
  let offset = 0;
  for (const [lon, lat] of ring) {
    const prev = out.at(-1);
    let x = lon + offset;
    if (prev && Math.abs(lat) < 89 && Math.abs(x - prev[0]) > 180) {
      offset += x > prev[0] ? -360 : 360;
      x = lon + offset;
    }
    out.push([x, lat]);
  }
  const xs = out.map(([x]) => x);
  const copies = [out];
  if (Math.max(...xs) > 180) copies.push(out.map(([x, y]) => [x - 360, y]));
  if (Math.min(...xs) < -180) copies.push(out.map(([x, y]) => [x + 360, y]));
  return copies;
}

const landTopo = readAtlas('land-50m.json');
const land = feature(landTopo, landTopo.objects.land);
const landPath = (land.type === 'FeatureCollection' ? land.features : [land])
  .flatMap((f) => polygonsOf(f.geometry))
  .flatMap((rings) => rings.flatMap(unwrappedCopies).map((ring) => pathOf(ring, true)))
  .join('');

const countriesTopo = readAtlas('countries-110m.json');
// Interior borders only (a line shared by two countries), so coasts are not drawn twice.
const borders = mesh(countriesTopo, countriesTopo.objects.countries, (a, b) => a !== b);
const bordersPath = borders.coordinates.map((line) => pathOf(line, false)).join('');

const atlasVersion = JSON.parse(
  readFileSync(require.resolve('world-atlas/package.json'), 'utf8'),
).version;
const out = {
  source: `Natural Earth 1:50m land and 1:110m countries via world-atlas ${atlasVersion}`,
  projection: 'equirectangular: x = longitude, y = -latitude, in units of `unit` degrees',
  unit: step,
  land: landPath,
  borders: bordersPath,
};
const file = `${root}assets/map/world-outline.json`;
// Indented as Prettier formats JSON, so the format check passes on the committed file.
writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
console.log(`${file}: ${(JSON.stringify(out).length / 1024).toFixed(0)} KB`);
