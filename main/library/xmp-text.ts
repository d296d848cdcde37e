// The text read in a photo (issue 14, main/engines/text/) in its XMP sidecar, when the user
// opts in (`writeText` in the sidecar settings; off by default: the text leaves the catalog
// into files next to the photos, where any program that opens the folder can read it).
//
// [Note: Recognised text in XMP]
// The lines go into a property of Tujian's own namespace, `tujian:RecognizedText`, an rdf:Seq
// of the lines in reading order (a Seq, not a Bag: the order of the lines is part of the
// text). Nothing else is written for it, and `dc:description` is never touched:
// - the namespace is Tujian's alone, so whatever is in it is ours: a rewrite replaces it,
//   turning the option off deletes it, and nobody else's data can be in the way;
// - `dc:description` is the photo's caption in Lightroom, digiKam, Bridge and the OS photo
//   viewers. Machine-read text (with its misreadings) is not a caption, and a caption field
//   has no room to mark who wrote it, so "ours or the user's" could only be guessed from its
//   words — a guess that, when wrong, deletes or overwrites what a person typed. Tools that
//   should search the text can read the Tujian property (ExifTool: `-XMP-tujian:all`).
// ExifTool writes a namespace only when it knows it: `writeExiftoolConfig()` writes a config
// file that declares it and the ExifTool process is started with `-config` (read-back by an
// ExifTool without the config still works: unknown namespaces are read generically).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReadableCatalog } from '../catalog/catalog-connection.ts';
import { photoTextOf } from '../catalog/photo-text.ts';

export const tujianXmpNamespace = 'https://tujian.app/xmp/1.0/';
export const recognizedTextTag = 'XMP-tujian:RecognizedText';

/** ExifTool's user-defined tag table for the Tujian namespace (Perl, as ExifTool reads it). */
export const exiftoolConfig = `# Written by Tujian: declares its XMP namespace so ExifTool can write it.
%Image::ExifTool::UserDefined = (
    'Image::ExifTool::XMP::Main' => {
        tujian => {
            SubDirectory => { TagTable => 'Image::ExifTool::UserDefined::tujian' },
        },
    },
);
%Image::ExifTool::UserDefined::tujian = (
    GROUPS => { 0 => 'XMP', 1 => 'XMP-tujian', 2 => 'Image' },
    NAMESPACE => { 'tujian' => '${tujianXmpNamespace}' },
    WRITABLE => 'string',
    RecognizedText => { List => 'Seq' },
);
1;
`;

/**
 * Writes the config file for one ExifTool process; `remove()` when the process has ended.
 * A config file is Perl that ExifTool runs, so it goes into a folder of its own that only
 * this user can write (mkdtemp makes it 0700), never at a fixed path in the shared temporary
 * folder, where another user could have put a file first. Not in the app's own folder either:
 * a packaged app's folder may be read-only.
 */
export function writeExiftoolConfig(): { readonly path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'tujian-exiftool-'));
  const path = join(dir, 'tujian.config');
  writeFileSync(path, exiftoolConfig, { mode: 0o600 });
  return {
    path,
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One line as it goes into the sidecar (ExifTool trims list items when reading back). */
function sidecarLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * The lines Tujian writes for a content: its text when the option is on, none when it is off
 * (so turning it off removes what an earlier write put there).
 */
export function recognizedTextForSidecar(
  db: ReadableCatalog,
  contentId: number,
  settings: { readonly writeText: boolean },
): string[] {
  if (!settings.writeText) return [];
  return photoTextOf(db, contentId)
    .map((line) => sidecarLine(line.text))
    .filter((line) => line.length > 0);
}

/** A line ExifTool's JSON may hand back as a number: "1.50" reads back as 1.5, "1e5" as 100000. */
function asNumber(line: string): number | undefined {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(line.trim())) return undefined;
  const value = Number(line);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * Whether the sidecar already holds these lines. ExifTool reports a list item that looks like
 * a number as a number, so the text read back is not always the text written ("12.50" comes
 * back "12.5"): such lines are the same when they are the same number, or every sync would
 * write the sidecar again.
 */
export function sameRecognizedText(ours: readonly string[], had: readonly string[]): boolean {
  return (
    ours.length === had.length &&
    ours.every((line, i) => {
      const read = had[i] ?? '';
      if (line === read) return true;
      const number = asNumber(line);
      return number !== undefined && number === asNumber(read);
    })
  );
}
