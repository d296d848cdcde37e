// Runs the real models (centernet + blazeface on TF.js WASM in a worker) on the shared sample
// photos and on generated images. Models load once per file (beforeAll).
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EngineError } from '../../../main/engines/engine.ts';
import {
  countFaces,
  createLocalEngine,
  localModelName,
  type LocalEngine,
} from '../../../main/engines/local/local-engine.ts';
import { cocoClassNames } from '../../../main/engines/local/local-labels.ts';
import { EngineAnswer } from '../../../main/engines/tag-model.ts';
import { encodeBmp24 } from '../../../main/imaging/bmp-decode.ts';

const samplesDir = fileURLToPath(new URL('../../../../shared/samples', import.meta.url));
const hasSamples = existsSync(join(samplesDir, 'labels.json'));
if (!hasSamples) {
  console.warn(`Skipping the sample-photo tests: ${samplesDir}/labels.json is absent.`);
}

const SampleLabels = z.object({
  photos: z.record(
    z.string(),
    z.object({
      objects: z.array(z.string()),
      optional: z.array(z.string()),
      faces: z.number().int().nullable(),
      text: z.boolean(),
      grayscale: z.boolean(),
    }),
  ),
});

function colourScene(brightness = 1) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#3a7bd5"/><stop offset="1" stop-color="#e0a060"/></linearGradient></defs>
    <rect width="640" height="480" fill="url(#g)"/>
    <circle cx="200" cy="260" r="100" fill="#2e8b57"/><circle cx="460" cy="170" r="80" fill="#c0392b"/></svg>`;
  return sharp(Buffer.from(svg)).linear(brightness, 0);
}

const names = (answer: EngineAnswer) => answer.tags.map((t) => t.name);

describe(createLocalEngine.name, () => {
  let engine: LocalEngine;
  let dir: string;

  beforeAll(async () => {
    engine = createLocalEngine();
    dir = await mkdtemp(join(tmpdir(), 'tujian-local-'));
  });

  afterAll(async () => {
    await engine.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe.skipIf(!hasSamples)('on the sample photos (../shared/samples)', () => {
    it('finds every labelled object, nothing unlabelled, the right faces and concepts in ≥ 9/10', async () => {
      const truth = SampleLabels.parse(
        JSON.parse(readFileSync(join(samplesDir, 'labels.json'), 'utf8')),
      ).photos;
      const entries = Object.entries(truth);
      // All requests at once: the engine bounds how many are decoded ahead of inference.
      const answers = await Promise.all(
        entries.map(([file]) =>
          engine.tag({ sourcePath: join(samplesDir, 'photos', file), contentHash: file }),
        ),
      );
      const rows = entries.map(([file, expected], i) => {
        const answer = EngineAnswer.parse(answers[i]);
        expect(answer.model).toBe(localModelName);
        const objects = answer.tags
          .filter((t) => t.type === 'object' && cocoClassNames.includes(t.name))
          .map((t) => t.name);
        const missing = expected.objects.filter((o) => !objects.includes(o));
        const extra = objects.filter(
          (o) => !expected.objects.includes(o) && !expected.optional.includes(o),
        );
        const faces = countFaces(answer);
        const facesOk = expected.faces === null || faces === expected.faces;
        const concepts = names(answer).filter((n) => !objects.includes(n) && n !== 'face');
        const textOk = concepts.includes('document') === expected.text;
        const grayOk = concepts.includes('black and white') === expected.grayscale;
        const ok = missing.length === 0 && extra.length === 0 && facesOk && textOk && grayOk;
        return {
          file,
          ok,
          found: objects.join(', '),
          missing: missing.join(', '),
          extra: extra.join(', '),
          faces: `${faces}/${String(expected.faces)}`,
          concepts: concepts.join(', '),
        };
      });
      console.table(rows);
      expect(rows.filter((r) => r.ok).length).toBeGreaterThanOrEqual(9);
    });

    it('counts every face of a generated group (3×2 copies of the astronaut) and calls it a group', async () => {
      const side = 300;
      const tile = await sharp(join(samplesDir, 'photos', 'astronaut.png'))
        .resize(side, side)
        .png()
        .toBuffer();
      const group = await sharp({
        create: { width: 3 * side, height: 2 * side, channels: 3, background: '#ffffff' },
      })
        .composite(
          [0, 1, 2, 3, 4, 5].map((i) => ({
            input: tile,
            left: (i % 3) * side,
            top: Math.floor(i / 3) * side,
          })),
        )
        .jpeg()
        .toBuffer();
      const answer = await engine.tagImageBytes(group);
      const faces = answer.tags.find((t) => t.name === 'face');
      expect(faces?.instances).toHaveLength(6);
      expect(countFaces(answer)).toBe(6);
      expect(names(answer)).toContain('group photo');
      expect(names(answer)).toContain('person');
      expect(names(answer)).not.toContain('portrait');
      // Each face box lies in its own copy of the picture.
      const cells = new Set(
        faces?.instances.map(
          (b) => `${Math.floor(((b.x + b.w / 2) * 3) % 3)},${Math.floor((b.y + b.h / 2) * 2)}`,
        ),
      );
      expect(cells.size).toBe(6);
    });

    it('tags a BMP photo (a format libvips cannot read; ingest reads it through imaging/)', async () => {
      const { data, info } = await sharp(join(samplesDir, 'photos', 'eagle.jpg'))
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      const bmpPath = join(dir, 'eagle.bmp');
      await writeFile(bmpPath, encodeBmp24(data, info.width, info.height, info.channels));
      const answer = await engine.tag({ sourcePath: bmpPath, contentHash: 'eagle-bmp' });
      expect(names(answer)).toContain('bird');
    });

    it('answers a library photo with one descriptor per face (people), validated by EngineAnswer', async () => {
      const path = join(import.meta.dirname, '..', '..', 'fixtures', 'people', 'amy', 'amy1.png');
      const answer = EngineAnswer.parse(
        await engine.tag({ sourcePath: path, contentHash: 'amy1' }),
      );
      const boxes = answer.tags.find((t) => t.name === 'face')?.instances ?? [];
      expect(boxes.length).toBeGreaterThan(0);
      expect(answer.faces?.model).toBe('human-faceres');
      expect(answer.faces?.items.map((f) => f.box)).toEqual(boxes);
      for (const face of answer.faces?.items ?? []) {
        expect(face.descriptor?.length).toBe(1024);
        expect(face.sourceSide).toBeGreaterThan(0);
      }
      // The emulators' path (bytes) has no use for descriptors.
      expect((await engine.tagImageBytes(await readFile(path))).faces).toBeUndefined();
    });

    it('reports boxes in the EXIF-oriented image', async () => {
      const upright = await sharp(join(samplesDir, 'photos', 'eagle.jpg'))
        .jpeg()
        .toBuffer();
      // Stored pixels turned a quarter left; orientation 6 tells viewers to turn them back right.
      const tagged = await sharp(upright)
        .rotate(270)
        .withMetadata({ orientation: 6 })
        .jpeg()
        .toBuffer();
      const plainTurned = await sharp(upright).rotate(270).jpeg().toBuffer();
      const birdBox = async (bytes: Buffer) => {
        const answer = await engine.tagImageBytes(bytes);
        const box = answer.tags.find((t) => t.name === 'bird')?.instances[0];
        if (!box) throw new Error(`no bird in ${names(answer).join(', ')}`);
        return box;
      };
      const reference = await birdBox(upright);
      const oriented = await birdBox(tagged);
      for (const key of ['x', 'y', 'w', 'h'] as const) {
        expect(Math.abs(oriented[key] - reference[key])).toBeLessThan(0.05);
      }
      // Without the tag the same pixels give the turned box (x ↔ y): orientation really matters.
      const turned = await birdBox(plainTurned);
      expect(Math.abs(turned.w - reference.h)).toBeLessThan(0.08);
      expect(Math.abs(turned.h - reference.w)).toBeLessThan(0.08);
    });
  });

  it('tags a grayscale picture black and white and a dark one low light, a normal one neither', async () => {
    const gray = await engine.tagImageBytes(await colourScene().grayscale().png().toBuffer());
    const dark = await engine.tagImageBytes(await colourScene(0.22).jpeg().toBuffer());
    const normal = await engine.tagImageBytes(await colourScene().jpeg().toBuffer());
    expect(names(gray)).toContain('black and white');
    expect(names(gray)).not.toContain('low light');
    expect(names(dark)).toContain('low light');
    expect(names(dark)).not.toContain('black and white');
    expect(names(normal)).not.toContain('low light');
    expect(names(normal)).not.toContain('black and white');
    const concept = gray.tags.find((t) => t.name === 'black and white');
    expect(concept?.type).toBe('concept');
    expect(concept?.i18n).toEqual({ zh: '黑白', en: 'Black and white' });
  });

  it('rejects a corrupt or truncated image with a permanent error, and keeps working', async () => {
    const garbage = join(dir, 'garbage.jpg');
    await writeFile(garbage, Buffer.from('this is not an image at all'));
    const jpeg = await colourScene().jpeg().toBuffer();
    const truncated = join(dir, 'truncated.jpg');
    await writeFile(truncated, jpeg.subarray(0, Math.floor(jpeg.length / 3)));
    for (const sourcePath of [garbage, truncated, join(dir, 'missing.jpg')]) {
      const error = await engine.tag({ sourcePath, contentHash: 'x' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EngineError);
      expect((error as EngineError).errorClass).toBe('permanent');
      expect((error as EngineError).message).toMatch(/Cannot decode the image/);
    }
    const tiny = await sharp({
      create: { width: 8, height: 8, channels: 3, background: '#888' },
    })
      .png()
      .toBuffer();
    await expect(engine.tagImageBytes(tiny)).rejects.toThrow(/at least 16 px/);
    const after = await engine.tagImageBytes(jpeg);
    expect(EngineAnswer.parse(after).engine).toBe('local');
  });

  it('leaks no tensors across many photos', async () => {
    const small = createLocalEngine({ prepare: { flip: false, tiles: false } });
    try {
      const bytes = await colourScene().jpeg().toBuffer();
      await small.tagImageBytes(bytes); // warm-up: kernels and model weights allocated once
      const [before] = await small.memory();
      for (let i = 0; i < 12; i++) await small.tagImageBytes(bytes);
      const [after] = await small.memory();
      expect(before?.numTensors).toBeGreaterThan(0);
      expect(after).toEqual(before);
    } finally {
      await small.close();
    }
  });

  it('has a settings key that changes with thresholds and a model name with versions', async () => {
    const other = createLocalEngine({ postprocess: { objectThreshold: 0.4 } });
    expect(other.settingsKey()).not.toBe(engine.settingsKey());
    expect(createLocalEngine().settingsKey()).toBe(engine.settingsKey());
    expect(engine.settingsKey()).toContain(localModelName);
    expect(localModelName).toMatch(/^centernet@human-\d+\.\d+\.\d+\+blazeface@human-/);
    await other.close();
    await expect(other.tagImageBytes(Buffer.from('x'))).rejects.toThrow(/closed/);
  });
});
