// Migration 15: near-duplicate photos (issue 16). One perceptual hash per content and the
// pairs the user said are not duplicates.
//
// [Note: Near-duplicate search by bands]
// A content's 64-bit perceptual hash ([Note: Perceptual hash of the thumbnail] in
// main/imaging/perceptual-hash.ts) is stored as four 16-bit bands, each with its own index
// (multi-index hashing). Two hashes within Hamming distance d ≤ 7 have, by pigeonhole, a band
// that differs in at most one bit, so the candidates of a content are the rows whose band i is
// band i of the content or one of its 16 one-bit flips (17 × 4 index lookups), and only those
// are compared exactly. The chosen threshold (10, main/catalog/perceptual-hashes.ts) is above
// 7: pairs at distance 8–10 are found only when one band is that close, which
// `npm run bench:duplicates` measured to lose under 1 % of the copies it makes. Without the
// bands, finding the groups of a library would compare every pair (5·10⁹ for 100k photos).
//
// Each content has the hash of the whole picture (variant 0) and of its centre crops (variants
// 1, 2: 5 % and 10 % cut off each side). A pair is near when the whole hash of one is near any
// hash of the other, so a copy cropped all round is found through its original's crop hash
// (never crop against crop, which would only add false pairs).
//
// `hash_version` names the recipe (perceptualHashVersion); rows of another version are
// recomputed by the backfill. A thumbnail that cannot be hashed keeps a row with NULL bands
// and the error, so the backfill does not try it again and again.
//
// `duplicate_dismissals` keeps "Not duplicates": pairs of contents (smaller id first; a pair
// of the same content means "these copies of the same bytes are meant") that never form a
// group again. Tied to contents, so a moved or renamed file keeps the decision.
import type { Migration } from './migration.ts';

export const migration0015PerceptualHashes: Migration = {
  version: 15,
  name: 'perceptual-hashes',
  up: `
CREATE TABLE perceptual_hashes (
  content_id INTEGER NOT NULL REFERENCES contents(id) ON DELETE CASCADE,
  -- 0: the whole picture; 1, 2, …: its centre crops (centreCropFractions).
  variant INTEGER NOT NULL DEFAULT 0 CHECK (variant >= 0),
  hash_version INTEGER NOT NULL,
  band0 INTEGER CHECK (band0 BETWEEN 0 AND 65535),
  band1 INTEGER CHECK (band1 BETWEEN 0 AND 65535),
  band2 INTEGER CHECK (band2 BETWEEN 0 AND 65535),
  band3 INTEGER CHECK (band3 BETWEEN 0 AND 65535),
  error TEXT,
  created_at INTEGER NOT NULL,
  CHECK ((band0 IS NULL) = (error IS NOT NULL)),
  CHECK ((band0 IS NULL) = (band1 IS NULL) AND (band1 IS NULL) = (band2 IS NULL)
     AND (band2 IS NULL) = (band3 IS NULL)),
  PRIMARY KEY (content_id, variant)
) STRICT;
CREATE INDEX perceptual_hashes_band0 ON perceptual_hashes(band0) WHERE band0 IS NOT NULL;
CREATE INDEX perceptual_hashes_band1 ON perceptual_hashes(band1) WHERE band1 IS NOT NULL;
CREATE INDEX perceptual_hashes_band2 ON perceptual_hashes(band2) WHERE band2 IS NOT NULL;
CREATE INDEX perceptual_hashes_band3 ON perceptual_hashes(band3) WHERE band3 IS NOT NULL;

CREATE TABLE duplicate_dismissals (
  content_a INTEGER NOT NULL REFERENCES contents(id) ON DELETE CASCADE,
  content_b INTEGER NOT NULL REFERENCES contents(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (content_a, content_b),
  CHECK (content_a <= content_b)
) STRICT, WITHOUT ROWID;
CREATE INDEX duplicate_dismissals_b ON duplicate_dismissals(content_b);
`,
};
