// Names from other tools' MWG face regions (main/library/mwg-face-regions.ts), end to end on
// real parts: face photos from test/fixtures/people composed into JPEGs with sharp (one stored
// turned, with EXIF orientation 6), regions written by the ExifTool command line into a
// sidecar and into a photo's own XMP as digiKam does, then `runLibraryOnce` ingests (reading
// the regions) and tags with the real local engine (blazeface finds the faces), and the
// regions name the faces they cover.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../main/catalog/catalog-connection.ts';
import { addFolder } from '../../main/catalog/folders.ts';
import {
  boxIou,
  countImportedFaceRegions,
  type RegionBox,
} from '../../main/catalog/imported-face-regions.ts';
import { listContentFaces, listPersons } from '../../main/catalog/people.ts';
import { createLocalEngine } from '../../main/engines/local/local-engine.ts';
import { runLibraryOnce } from '../../main/library/library-runtime.ts';
import { orientBox } from '../../main/imaging/oriented-boxes.ts';
import { importableFaceRegions, importFaceRegions } from '../../main/library/mwg-face-regions.ts';
import { searchPhotos } from '../../main/search/search-service.ts';
import { silentLogger } from '../../main/util/logger.ts';

const exiftoolCli = existsSync('/usr/bin/exiftool')
  ? '/usr/bin/exiftool'
  : join(process.cwd(), 'node_modules/exiftool-vendored.pl/bin/exiftool');
const fixtures = join(import.meta.dirname, '..', 'fixtures', 'people');

/** Boxes equal up to float rounding. */
function expectBox(actual: RegionBox | undefined, expected: RegionBox): void {
  expect(actual).toBeDefined();
  for (const k of ['x', 'y', 'w', 'h'] as const) expect(actual?.[k], k).toBeCloseTo(expected[k], 9);
}

describe(importableFaceRegions.name, () => {
  const region = (name: string, raw: Record<string, unknown> = {}, ours = false) => ({
    name,
    x: 0.5,
    y: 0.25,
    w: 0.2,
    h: 0.1,
    ours,
    raw: { Type: 'Face', Area: { Unit: 'normalized' }, ...raw },
  });

  it('reads named face regions only: not ours, not pets, not pixel units, not unnamed', () => {
    const found = {
      regions: [
        region('Amy'),
        region('Echo', { Description: 'Tujian' }, true),
        region('Rex', { Type: 'Pet' }),
        region('Pixels', { Area: { Unit: 'pixel' } }),
        region('  '),
        region('NoType', { Type: undefined }),
      ],
    };
    const upright = { width: 400, height: 200, orientation: 1 };
    expect(importableFaceRegions(found, upright).map((r) => r.name)).toEqual(['Amy', 'NoType']);
    // Centre-based to top-left.
    expectBox(importableFaceRegions(found, upright)[0], { x: 0.4, y: 0.2, w: 0.2, h: 0.1 });
  });

  it('turns regions of the stored pixels, but takes regions drawn on the shown photo as they are', () => {
    const found = (dims?: Record<string, unknown>) => ({
      regions: [region('Amy')],
      ...(dims ? { regionDimensions: dims } : {}),
    });
    // Shown 200 × 400 (orientation 6), stored 400 × 200.
    const turned = { width: 200, height: 400, orientation: 6 };
    const stored = orientBox({ x: 0.4, y: 0.2, w: 0.2, h: 0.1 }, 6);
    const box = (f: ReturnType<typeof found>) => importableFaceRegions(f, turned)[0];
    expectBox(box(found({ W: 400, H: 200, Unit: 'pixel' })), stored);
    expectBox(box(found()), stored); // no dimensions: the guidelines' reading
    // AppliedToDimensions of the shown shape: the writer drew on the shown photo (older digiKam).
    expectBox(box(found({ W: 200, H: 400, Unit: 'pixel' })), { x: 0.4, y: 0.2, w: 0.2, h: 0.1 });
    expectBox(box(found({ W: '100', H: '200' })), { x: 0.4, y: 0.2, w: 0.2, h: 0.1 });
  });
});

// ---- the real pipeline ----

let root: string;
let photos: string;
let db: Catalog;

const crop = (who: string) => join(fixtures, who, `${who}1.png`);

/** A 400 × 200 grey photo with two fixture faces (150 px) at x 25 and 225, y 25. */
function twoFaces(left: string, right: string): Sharp {
  return sharp({ create: { width: 400, height: 200, channels: 3, background: '#808080' } })
    .composite([
      { input: crop(left), left: 25, top: 25 },
      { input: crop(right), left: 225, top: 25 },
    ])
    .jpeg({ quality: 92 });
}

function writeRegions(target: string, source: string, regionInfo: string): void {
  // `-o` writes a new sidecar from the photo; without it the photo's own XMP is edited.
  const args =
    target === source
      ? ['-q', '-overwrite_original', '-struct', `-XMP-mwg-rs:RegionInfo=${regionInfo}`, source]
      : ['-q', '-o', target, '-struct', `-XMP-mwg-rs:RegionInfo=${regionInfo}`, source];
  execFileSync(exiftoolCli, args);
}

const contentOf = (file: string) =>
  db
    .prepare<[string], number>(`SELECT content_id FROM photos WHERE rel_path = ?`)
    .pluck()
    .get(file) ?? 0;
/** The names of a photo's faces, left to right (null: no name). */
const faceNames = (file: string) =>
  listContentFaces(db, contentOf(file)).map((f) => (f.en === null ? null : [f.en, f.assignedBy]));

describe(importFaceRegions.name, () => {
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'tujian-mwg-'));
    photos = join(root, 'photos');
    mkdirSync(photos);

    // 1. Stored turned a quarter anticlockwise with orientation 6 (a camera held upright): the
    //    sidecar's regions are for the stored 200 × 400 pixels, as the MWG guidelines say.
    //    Amy is shown at x 25–175 of 400, y 25–175 of 200: stored x 25–175 of 200, y 225–375 of
    //    400 (centre 0.5, 0.75); Howard (shown x 225–375) is stored at y 25–175 (centre 0.5, 0.25).
    const shown = await twoFaces('amy', 'howard').toBuffer();
    writeFileSync(
      join(photos, 'turned.jpg'),
      await sharp(shown).rotate(270).withMetadata({ orientation: 6 }).jpeg().toBuffer(),
    );
    writeRegions(
      join(photos, 'turned.jpg.xmp'),
      join(photos, 'turned.jpg'),
      '{AppliedToDimensions={W=200,H=400,Unit=pixel},RegionList=[' +
        '{Area={X=0.5,Y=0.75,W=0.75,H=0.375,Unit=normalized},Name=Amy Farrah Fowler,Type=Face},' +
        '{Area={X=0.5,Y=0.25,W=0.75,H=0.375,Unit=normalized},Name=Howard,Type=Face}]}',
    );

    // 2. Upright, regions in the photo's own XMP: Amy again (on the right this time), and a
    //    region over the empty left side where no face is (a face the engine does not find).
    await twoFaces('penny', 'amy').toFile(join(photos, 'embedded.jpg'));
    // Penny's face is covered by no region; "Nobody" covers the grey strip below the faces.
    writeRegions(
      join(photos, 'embedded.jpg'),
      join(photos, 'embedded.jpg'),
      '{AppliedToDimensions={W=400,H=200,Unit=pixel},RegionList=[' +
        '{Area={X=0.75,Y=0.5,W=0.375,H=0.75,Unit=normalized},Name=Amy Farrah Fowler,Type=Face},' +
        '{Area={X=0.5,Y=0.95,W=0.2,H=0.08,Unit=normalized},Name=Nobody,Type=Face},' +
        '{Area={X=0.25,Y=0.5,W=0.375,H=0.75,Unit=normalized},Name=Rex,Type=Pet}]}',
    );

    // 3. A sidecar Tujian wrote itself (our mark): its name must not come back as another
    //    tool's, or writing and reading would feed each other.
    await twoFaces('raj', 'stuart').toFile(join(photos, 'ours.jpg'));
    writeRegions(
      join(photos, 'ours.jpg.xmp'),
      join(photos, 'ours.jpg'),
      '{RegionList=[{Area={X=0.25,Y=0.5,W=0.375,H=0.75,Unit=normalized},Name=Echo,Type=Face,Description=Tujian}]}',
    );

    db = openCatalog(join(root, 'data', 'catalog.sqlite'));
    const folder = addFolder(db, photos);
    const engine = createLocalEngine();
    try {
      await runLibraryOnce({
        db,
        dataRoot: join(root, 'data'),
        log: silentLogger,
        folders: [folder],
        engines: () => Promise.resolve({ engines: new Map([['local', engine]]) }),
      });
    } finally {
      await engine.close();
    }
  }, 240_000);

  afterAll(() => {
    db.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('names the detected faces a sidecar region covers, turning the region by the EXIF orientation', () => {
    expect(faceNames('turned.jpg')).toEqual([
      ['Amy Farrah Fowler', 'imported'],
      ['Howard', 'imported'],
    ]);
  });

  it('puts two regions of one name in different photos into one person, searchable by the name', () => {
    expect(faceNames('embedded.jpg')).toEqual([null, ['Amy Farrah Fowler', 'imported']]);
    const amy = listPersons(db).filter((p) => p.en === 'Amy Farrah Fowler');
    expect(amy.map((p) => [p.faces, p.photos])).toEqual([[2, 2]]);
    const files = searchPhotos(db, 'person:"Amy Farrah Fowler"', { facets: false }, null)
      .items.map((p) => p.relPath)
      .sort();
    expect(files).toEqual(['embedded.jpg', 'turned.jpg']);
  });

  it('keeps a region no face matches, counted by name; other region types and our own are not read', () => {
    expect(countImportedFaceRegions(db)).toEqual({
      total: 4,
      matched: 3,
      unmatched: 1,
      unmatchedByName: [{ name: 'Nobody', photos: 1 }],
    });
    expect(faceNames('ours.jpg')).not.toContainEqual(['Echo', 'imported']);
    expect(listPersons(db).map((p) => p.en)).not.toContain('Echo');
  });

  it('overlaps blazeface’s box by more than the threshold with a region around the whole face crop', () => {
    // The measure behind regionFaceMinIou: regions drawn around the 150 px crop.
    const region = { x: 25 / 400, y: 25 / 200, w: 150 / 400, h: 150 / 200 };
    const faces = listContentFaces(db, contentOf('turned.jpg'));
    const overlaps = faces.map((f) => boxIou(region, f.box));
    console.info(`IoU of a crop-sized region with blazeface's boxes: ${overlaps.join(', ')}`);
    expect(Math.max(...overlaps)).toBeGreaterThan(0.3);
  });
});
