// The map view's geometry (renderer/src/lib/map-view.ts): the equirectangular projection and its
// inverse, the box asked of the server, panning, zooming about a point, circle sizes, the
// camera as URL text and the search a cluster opens.
import { describe, expect, it } from 'vitest';
import {
  areaTerm,
  clampCamera,
  clusterRadius,
  formatMapCamera,
  panBy,
  parseMapCamera,
  project,
  queryWithArea,
  unproject,
  visibleBox,
  zoomAbout,
} from '../../renderer/src/lib/map-view.ts';

const size = { width: 1440, height: 720 };

describe(project.name, () => {
  it('fits the world to the width at zoom 0 and doubles the scale per step', () => {
    const world = { lat: 0, lon: 0, zoom: 0 };
    expect(project(0, 0, world, size)).toEqual({ x: 720, y: 360 });
    expect(project(90, -180, world, size)).toEqual({ x: 0, y: 0 });
    expect(project(-90, 180, world, size)).toEqual({ x: 1440, y: 720 });
    // Shanghai east of the centre and above it; Sydney below.
    expect(project(31.23, 121.47, world, size).x).toBeCloseTo(720 + 121.47 * 4, 9);
    expect(project(-33.87, 151.21, world, size).y).toBeCloseTo(360 + 33.87 * 4, 9);
    const zoomed = { lat: 31, lon: 121, zoom: 3 };
    expect(project(32, 122, zoomed, size)).toEqual({ x: 720 + 32, y: 360 - 32 });
  });

  it('is undone by unproject', () => {
    const camera = { lat: -12.5, lon: 77.25, zoom: 6 };
    for (const [lat, lon] of [
      [-12.5, 77.25],
      [-12.4, 77.5],
      [-13, 76.9],
    ] as const) {
      const { x, y } = project(lat, lon, camera, size);
      const back = unproject(x, y, camera, size);
      expect(back.lat).toBeCloseTo(lat, 9);
      expect(back.lon).toBeCloseTo(lon, 9);
    }
  });
});

describe(visibleBox.name, () => {
  it('is the world at zoom 0 and a margin around the view, clipped to the world', () => {
    expect(visibleBox({ lat: 0, lon: 0, zoom: 0 }, size, 0)).toEqual({
      south: -90,
      west: -180,
      north: 90,
      east: 180,
    });
    const box = visibleBox({ lat: 30, lon: 120, zoom: 4 }, size, 0.1);
    // 1440 px at 64 px per degree: 22.5° wide, 11.25° high, plus 10 % each side.
    expect(box.west).toBeCloseTo(120 - 11.25 - 2.25, 9);
    expect(box.east).toBeCloseTo(120 + 11.25 + 2.25, 9);
    expect(box.south).toBeCloseTo(30 - 5.625 - 1.125, 9);
    expect(box.north).toBeCloseTo(30 + 5.625 + 1.125, 9);
    expect(visibleBox({ lat: 80, lon: 175, zoom: 2 }, size)).toMatchObject({
      north: 90,
      east: 180,
    });
  });
});

describe(zoomAbout.name, () => {
  it('keeps the position under the pointer where it was, and stays within the zoom range', () => {
    const camera = { lat: 10, lon: 20, zoom: 3 };
    const pointer = { x: 1000, y: 100 };
    const before = unproject(pointer.x, pointer.y, camera, size);
    const next = zoomAbout(camera, 2, pointer, size);
    expect(next.zoom).toBe(5);
    const after = unproject(pointer.x, pointer.y, next, size);
    expect(after.lat).toBeCloseTo(before.lat, 9);
    expect(after.lon).toBeCloseTo(before.lon, 9);
    expect(zoomAbout({ ...camera, zoom: 14 }, 1, pointer, size).zoom).toBe(14);
    expect(zoomAbout({ ...camera, zoom: 0 }, -1, pointer, size)).toEqual({ ...camera, zoom: 0 });
  });
});

describe(panBy.name, () => {
  it('moves the map with the pointer and keeps the centre on the world', () => {
    // Dragging right by 64 px at zoom 4 (64 px per degree) shows what is one degree west.
    expect(panBy({ lat: 0, lon: 0, zoom: 4 }, 64, -128, size)).toEqual({
      lat: -2,
      lon: -1,
      zoom: 4,
    });
    expect(panBy({ lat: 0, lon: 179, zoom: 0 }, -1000, 0, size).lon).toBe(180);
    expect(clampCamera({ lat: 95, lon: -200, zoom: 3.4 })).toEqual({ lat: 90, lon: -180, zoom: 3 });
  });
});

describe(clusterRadius.name, () => {
  it('grows with the count, from 14 px to at most 34', () => {
    expect(clusterRadius(1)).toBe(14);
    expect(clusterRadius(8)).toBe(26);
    expect(clusterRadius(100_000)).toBe(34);
    expect(clusterRadius(20)).toBeGreaterThan(clusterRadius(19));
  });
});

describe(parseMapCamera.name, () => {
  it('reads back what formatMapCamera writes and refuses anything else', () => {
    const camera = { lat: -33.8568, lon: 151.2153, zoom: 9 };
    expect(formatMapCamera(camera)).toBe('-33.8568,151.2153,9');
    expect(parseMapCamera(formatMapCamera(camera))).toEqual(camera);
    expect(formatMapCamera({ lat: 0, lon: 0, zoom: 0 })).toBe('0,0,0');
    for (const bad of [null, '', '91,0,1', '0,181,1', '0,0,15', '1,2', 'a,b,c', '0,0,1.5']) {
      expect(parseMapCamera(bad)).toBeNull();
    }
  });
});

describe(queryWithArea.name, () => {
  const box = { south: 31.2243, west: 121.4998, north: 31.2397, east: 121.5447 };
  it('adds the cluster box to the query, keeping an OR query one term', () => {
    expect(areaTerm(box)).toBe('area:31.2243,121.4998,31.2397,121.5447');
    expect(queryWithArea('', box)).toBe(areaTerm(box));
    expect(queryWithArea('dog -cat', box)).toBe(`dog -cat ${areaTerm(box)}`);
    expect(queryWithArea('dog OR cat', box)).toBe(`(dog OR cat) ${areaTerm(box)}`);
    expect(queryWithArea('dog | cat', box)).toBe(`(dog | cat) ${areaTerm(box)}`);
  });

  it('writes each edge with at most 6 decimals, rounded outward', () => {
    // As EXIF positions read back (the e2e test's Shanghai cluster): 31.239700000000003 is a
    // double above 31.2397's, so its edge goes up a step.
    const exif = {
      south: 31.2243,
      west: 121.49980000000001,
      north: 31.239700000000003,
      east: 121.54469999999999,
    };
    expect(areaTerm(exif)).toBe('area:31.2243,121.4998,31.239701,121.5447');
    expect(areaTerm({ south: -33.85983333333333, west: 1e-7, north: 0.1234564, east: 2 })).toBe(
      'area:-33.859834,0,0.123457,2',
    );
  });
});
