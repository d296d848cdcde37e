// The map view's geometry (issue 16), kept pure so it is tested without a browser: an
// equirectangular projection (x follows the longitude, y the latitude, both linearly) around a
// camera (the centre and a whole-number zoom), the box the server is asked for, panning and
// zooming about a point, the size of a cluster's circle, and the camera as URL text.
//
// At zoom 0 the whole width of the world (360°) fills the view's width; each zoom step doubles
// the scale, as the server's grid halves its cells ([Note: Map grid] in main/catalog/map-clusters.ts),
// so a cluster is always about a sixteenth of the view wide.
import type { GeoBox } from '../../../preload/api-contract.ts';

export const mapZoomLimits = { min: 0, max: 14 } as const;

export interface MapCamera {
  readonly lat: number;
  readonly lon: number;
  readonly zoom: number;
}

export interface ViewSize {
  readonly width: number;
  readonly height: number;
}

export const worldCamera: MapCamera = { lat: 0, lon: 0, zoom: 0 };

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Screen pixels per degree at the camera's zoom. */
export function pixelsPerDegree(camera: MapCamera, size: ViewSize): number {
  return (Math.max(1, size.width) / 360) * 2 ** camera.zoom;
}

/** Where a position is drawn, in pixels from the view's top left corner. */
export function project(
  lat: number,
  lon: number,
  camera: MapCamera,
  size: ViewSize,
): { x: number; y: number } {
  const scale = pixelsPerDegree(camera, size);
  return {
    x: size.width / 2 + (lon - camera.lon) * scale,
    y: size.height / 2 - (lat - camera.lat) * scale,
  };
}

/** The position drawn at a pixel (the inverse of `project`). */
export function unproject(
  x: number,
  y: number,
  camera: MapCamera,
  size: ViewSize,
): { lat: number; lon: number } {
  const scale = pixelsPerDegree(camera, size);
  return {
    lat: camera.lat - (y - size.height / 2) / scale,
    lon: camera.lon + (x - size.width / 2) / scale,
  };
}

/** A camera kept on the world: its centre within ±90° / ±180°, its zoom a whole step in range. */
export function clampCamera(camera: MapCamera): MapCamera {
  return {
    lat: clamp(camera.lat, -90, 90),
    lon: clamp(camera.lon, -180, 180),
    zoom: clamp(Math.round(camera.zoom), mapZoomLimits.min, mapZoomLimits.max),
  };
}

/**
 * The part of the world in view, widened by `margin` of its size on every side (clusters just
 * outside the edge are fetched, so panning shows no gap), clipped to the world.
 */
export function visibleBox(camera: MapCamera, size: ViewSize, margin = 0.1): GeoBox {
  const topLeft = unproject(-size.width * margin, -size.height * margin, camera, size);
  const bottomRight = unproject(
    size.width * (1 + margin),
    size.height * (1 + margin),
    camera,
    size,
  );
  return {
    south: clamp(bottomRight.lat, -90, 90),
    west: clamp(topLeft.lon, -180, 180),
    north: clamp(topLeft.lat, -90, 90),
    east: clamp(bottomRight.lon, -180, 180),
  };
}

/** The camera after dragging the map by (dx, dy) pixels (the map follows the pointer). */
export function panBy(camera: MapCamera, dx: number, dy: number, size: ViewSize): MapCamera {
  const scale = pixelsPerDegree(camera, size);
  return clampCamera({ ...camera, lon: camera.lon - dx / scale, lat: camera.lat + dy / scale });
}

/**
 * The camera after zooming by `steps` about a pixel: the position under that pixel stays
 * under it (the wheel zooms where the pointer is; buttons and keys zoom about the centre).
 */
export function zoomAbout(
  camera: MapCamera,
  steps: number,
  at: { x: number; y: number },
  size: ViewSize,
): MapCamera {
  const zoom = clamp(camera.zoom + steps, mapZoomLimits.min, mapZoomLimits.max);
  if (zoom === camera.zoom) return camera;
  const anchor = unproject(at.x, at.y, camera, size);
  const scale = pixelsPerDegree({ ...camera, zoom }, size);
  return clampCamera({
    zoom,
    lon: anchor.lon - (at.x - size.width / 2) / scale,
    lat: anchor.lat + (at.y - size.height / 2) / scale,
  });
}

/** A cluster's circle: 14 px for one photo, growing with the logarithm of the count to 34 px. */
export function clusterRadius(count: number): number {
  return Math.min(34, 14 + 4 * Math.log2(Math.max(1, count)));
}

/** The camera as the URL keeps it: `lat,lon,zoom` with 4 decimals (about 10 m). */
export function formatMapCamera(camera: MapCamera): string {
  const fixed = (v: number) => String(Number(v.toFixed(4)));
  return `${fixed(camera.lat)},${fixed(camera.lon)},${String(camera.zoom)}`;
}

/** A camera from URL text, or null when the text is not one. */
export function parseMapCamera(text: string | null): MapCamera | null {
  const m = /^(-?\d{1,2}(?:\.\d+)?),(-?\d{1,3}(?:\.\d+)?),(\d{1,2})$/.exec(text ?? '');
  if (!m) return null;
  const camera = { lat: Number(m[1]), lon: Number(m[2]), zoom: Number(m[3]) };
  const clamped = clampCamera(camera);
  return clamped.lat === camera.lat && clamped.lon === camera.lon && clamped.zoom === camera.zoom
    ? camera
    : null;
}

/**
 * The search term for a cluster's photos: its bounding box (`area:south,west,north,east`), each
 * edge at most 6 decimals (about 0.1 m) and rounded outward, so the term stays readable and
 * still holds every photo of the cluster (a position read from EXIF is 121.49980000000001).
 */
export function areaTerm(box: GeoBox): string {
  const down = (v: number) => {
    const c = Number(v.toFixed(6));
    return c <= v ? c : Number((c - 1e-6).toFixed(6));
  };
  const up = (v: number) => {
    const c = Number(v.toFixed(6));
    return c >= v ? c : Number((c + 1e-6).toFixed(6));
  };
  const edges = [down(box.south), down(box.west), up(box.north), up(box.east)];
  return `area:${edges.map(String).join(',')}`;
}

/** A position as people read it: 31.2°N 121.5°E. */
export function formatPosition(lat: number, lon: number): string {
  const ns = lat >= 0 ? 'N' : 'S';
  const ew = lon >= 0 ? 'E' : 'W';
  return `${Math.abs(lat).toFixed(2)}°${ns} ${Math.abs(lon).toFixed(2)}°${ew}`;
}

/** The search for a cluster's photos: the current query (kept whole) and the cluster's box. */
export function queryWithArea(query: string, box: GeoBox): string {
  const q = query.trim();
  if (q === '') return areaTerm(box);
  // A top-level OR binds looser than the implicit AND: keep the query one term.
  return /(^|\s)(OR|\|)(\s|$)|\|/.test(q) ? `(${q}) ${areaTerm(box)}` : `${q} ${areaTerm(box)}`;
}
