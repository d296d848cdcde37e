// Migration 18: an index of where photos were taken (issue 16, the map). The map's clusters
// (main/catalog/map-clusters.ts) read only the located contents inside the visible box, and
// `near:` / `area:` searches count the contents in an area to choose their driver; a partial
// index keeps it to the located contents (most photos of a scanned or phone-less library
// have no GPS, and the index should not carry them).
import type { Migration } from './migration.ts';

export const migration0018ContentLocation: Migration = {
  version: 18,
  name: 'content-location',
  up: `
CREATE INDEX contents_location ON contents(lat, lon) WHERE lat IS NOT NULL AND lon IS NOT NULL;
`,
};
