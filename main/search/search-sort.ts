// The orders a search can list photos in. A leaf module: the search service (cursors, SQL
// ORDER BY) and the in-memory snapshot (its sorted keys) both need them, and neither may import
// the other's module for it (the snapshot is below the service).
export const searchSorts = [
  'taken-desc',
  'taken-asc',
  'added-desc',
  'path-asc',
  'confidence-desc',
] as const;
export type SearchSort = (typeof searchSorts)[number];
