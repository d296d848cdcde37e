// EXIF facts of a photo through exifr: date taken, camera, GPS position, orientation.
//
// [Note: taken_at is wall-clock time]
// EXIF dates carry no time zone (OffsetTimeOriginal is rare), so `contents.taken_at` stores the
// wall-clock time the camera showed as if it were UTC: `Date.UTC(y, m, d, h, mi, s)`. A photo
// taken at 23:30 on 31 Dec 2022 is in 2022 for every user on every machine, and date filters
// (`date:2023`) compare against UTC calendar fields of this number. It is not an instant.
import exifr from 'exifr';
import { defaultFileTimeoutMs, statRegularFile, withTimeout } from '../util/regular-file.ts';

export interface PhotoMetadata {
  readonly takenAt: number | null;
  readonly camera: string | null;
  readonly lat: number | null;
  readonly lon: number | null;
  readonly orientation: number | null;
}

export const emptyMetadata: PhotoMetadata = {
  takenAt: null,
  camera: null,
  lat: null,
  lon: null,
  orientation: null,
};

const exifOptions = {
  tiff: true,
  exif: true,
  gps: true,
  ifd1: false,
  interop: false,
  xmp: false,
  icc: false,
  iptc: false,
  jfif: false,
  ihdr: false,
  makerNote: false,
  userComment: false,
  reviveValues: false,
  translateValues: false,
  translateKeys: true,
  pick: [
    'Make',
    'Model',
    'Orientation',
    'DateTimeOriginal',
    'CreateDate',
    'ModifyDate',
    'GPSLatitude',
    'GPSLatitudeRef',
    'GPSLongitude',
    'GPSLongitudeRef',
  ],
};

/** Parses an EXIF `YYYY:MM:DD HH:MM:SS` as wall-clock time; see [Note: taken_at is wall-clock time]. */
export function parseExifDate(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const match = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?/.exec(value.trim());
  if (!match) return null;
  const [y, mo, d, h, mi, s] = match
    .slice(1)
    .map((part: string | undefined) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (y < 1800 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

function cleanText(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  // eslint-disable-next-line no-control-regex -- EXIF strings are often NUL-padded.
  const text = value.replace(/[\u0000-\u001f]+/g, ' ').trim();
  return text === '' ? null : text;
}

/** "Canon" + "Canon EOS 5D" → "Canon EOS 5D"; "SONY" + "ILCE-7M3" → "SONY ILCE-7M3". */
export function cameraName(make: unknown, model: unknown): string | null {
  const cleanMake = cleanText(make);
  const cleanModel = cleanText(model);
  if (!cleanMake) return cleanModel;
  if (!cleanModel) return cleanMake;
  const firstWord = cleanMake.split(/\s+/)[0]?.toLowerCase() ?? '';
  return cleanModel.toLowerCase().startsWith(firstWord) ? cleanModel : `${cleanMake} ${cleanModel}`;
}

function degrees(value: unknown, ref: unknown, negativeRef: string): number | null {
  let result: number | null = null;
  if (typeof value === 'number') result = value;
  else if (Array.isArray(value) && value.every((v) => typeof v === 'number')) {
    const [d = 0, m = 0, s = 0] = value;
    result = d + m / 60 + s / 3600;
  }
  if (result === null || !Number.isFinite(result)) return null;
  return typeof ref === 'string' && ref.toUpperCase().startsWith(negativeRef) ? -result : result;
}

function factsFrom(tags: Record<string, unknown>): PhotoMetadata {
  const lat = degrees(tags.GPSLatitude, tags.GPSLatitudeRef, 'S');
  const lon = degrees(tags.GPSLongitude, tags.GPSLongitudeRef, 'W');
  // 0,0 is what many cameras write without a GPS fix; a photo in the Gulf of Guinea is rarer.
  const validPosition =
    lat !== null &&
    lon !== null &&
    Math.abs(lat) <= 90 &&
    Math.abs(lon) <= 180 &&
    !(lat === 0 && lon === 0);
  const orientation =
    typeof tags.Orientation === 'number' && tags.Orientation >= 1 && tags.Orientation <= 8
      ? tags.Orientation
      : null;
  return {
    takenAt:
      parseExifDate(tags.DateTimeOriginal) ??
      parseExifDate(tags.CreateDate) ??
      parseExifDate(tags.ModifyDate),
    camera: cameraName(tags.Make, tags.Model),
    lat: validPosition ? lat : null,
    lon: validPosition ? lon : null,
    orientation,
  };
}

/**
 * Reads the EXIF facts. `exifBlock` is the block sharp found ("Exif\0\0" + TIFF): parsed when
 * given, as it works for every format sharp reads (WebP and GIF included); otherwise exifr
 * scans the file bytes. Never throws: a photo without readable EXIF has no EXIF facts.
 */
export async function readPhotoMetadata(
  exifBlock: Buffer | undefined,
  fileBytes: Buffer | string | undefined,
): Promise<PhotoMetadata> {
  try {
    let source: Buffer | string | undefined = fileBytes;
    if (exifBlock && exifBlock.length > 14) {
      source =
        exifBlock.subarray(0, 6).toString('latin1') === 'Exif\0\0'
          ? exifBlock.subarray(6)
          : exifBlock;
    }
    if (source === undefined) return emptyMetadata;
    // exifr opens a path itself: only a regular file, and not for ever
    // ([Note: Never open a non-regular file]).
    if (typeof source === 'string') await statRegularFile(source);
    const tags = (await withTimeout(
      exifr.parse(source, exifOptions) as Promise<unknown>,
      defaultFileTimeoutMs,
      'Reading EXIF',
    )) as Record<string, unknown> | undefined;
    return tags ? factsFrom(tags) : emptyMetadata;
  } catch {
    return emptyMetadata;
  }
}
