// The text stage end to end with the real PP-OCR models in a real worker thread: the shared
// sample page and generated signs (flat and photographed: perspective, blur, JPEG) are read and
// compared with their ground truth character by character; photos without text, a
// decompression bomb, a file that is no image and a worker that dies mid-photo each end as a
// clear per-photo result while the next photo is still read.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textModelVersion } from '../../../main/engines/text/text-reader.ts';
import { TextStage, type TextReading } from '../../../main/engines/text/text-stage.ts';
import { startTextWorker, TextWorkerPool } from '../../../main/engines/text/text-worker-pool.ts';
import { makePngBomb } from '../../library/library-fixtures.ts';
import {
  pageText,
  photographSign,
  precision,
  recall,
  renderSign,
  samplePhotosDir,
  samplesDir,
  scoreCharacters,
  scoreWordGaps,
  scoreWords,
  signNamed,
  signs,
  smallSignPhoto,
} from './text-images.ts';

const backgrounds = ['dog.jpg', 'giraffe.jpg', 'kite.jpg', 'horses.jpg', 'eagle.jpg', 'person.jpg'];

function readText(reading: TextReading): string {
  return reading.status === 'text' ? reading.lines.map((line) => line.text).join('\n') : '';
}

const Labels = (raw: unknown) => raw as { photos: Record<string, { text: boolean }> };

describe(TextStage.name, () => {
  const workers: ChildProcess[] = [];
  let stage: TextStage;
  let pool: TextWorkerPool;

  beforeAll(() => {
    pool = new TextWorkerPool(1, () => {
      const worker = startTextWorker();
      workers.push(worker);
      return worker;
    });
    stage = new TextStage({}, pool);
  });

  afterAll(async () => {
    await stage.close();
  });

  it('reads the sample text page with ≥ 0.9 character recall and precision', async () => {
    const reading = await stage.read(join(samplePhotosDir, 'page.png'));
    expect(reading.status).toBe('text');
    if (reading.status !== 'text') return;
    const score = scoreCharacters(pageText.join('\n'), readText(reading));
    expect(recall(score)).toBeGreaterThanOrEqual(0.9);
    expect(precision(score)).toBeGreaterThanOrEqual(0.9);
    expect(reading.modelVersion).toBe(textModelVersion);
    expect(reading.lines[0]?.text).toBe('Region-based segmentation');
    for (const line of reading.lines) {
      expect(line.box).toHaveLength(4);
      for (const [x, y] of line.box) {
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(1);
        expect(y).toBeGreaterThanOrEqual(0);
        expect(y).toBeLessThanOrEqual(1);
      }
      expect(line.language).toBe('en');
    }
    // the title's box is at the top-left of the page
    const title = reading.lines[0]?.box ?? [];
    expect(Math.max(...title.map(([, y]) => y))).toBeLessThan(0.3);
  });

  // [Note: Spaces between Latin words]: the page's small print lost its spaces
  // ("background.Thesemarkers", "themarkersarefoundatthetwoextremepartsof the")
  it('keeps the spaces between the words of the sample page', async () => {
    const reading = await stage.read(join(samplePhotosDir, 'page.png'));
    const text = readText(reading);
    const gaps = scoreWordGaps(pageText.join('\n'), text);
    expect(gaps.spaces, text).toBeGreaterThan(30);
    expect(gaps.found / gaps.spaces, text).toBeGreaterThanOrEqual(0.95);
    expect(gaps.spurious, text).toBe(0);
    expect(text).toContain('These markers are pixels that we can label');
    expect(text).toContain('the markers are found at the two extreme parts of the');
    // words read whole: the page's few misread characters aside
    expect(recall(scoreWords(pageText.join('\n'), text)), text).toBeGreaterThanOrEqual(0.9);
  });

  // Chinese lines stay as the model reads them: no space is inferred between Han characters,
  // even where a sign has one (咖啡 茶 甜点): Chinese is searched without word breaks.
  it('puts no space into Chinese, flat or photographed', async () => {
    for (const [i, sign] of signs.entries()) {
      const flat = await renderSign(sign);
      const photo = await photographSign(
        flat,
        join(samplePhotosDir, backgrounds[i % backgrounds.length] ?? 'dog.jpg'),
        1000 + i,
      );
      for (const input of [flat, photo.jpeg]) {
        const text = readText(await stage.read(input));
        expect(scoreWordGaps(sign.lines.join('\n'), text).spuriousInChinese, text).toBe(0);
        expect(text, sign.name).not.toMatch(/\p{Script=Han} +\p{Script=Han}/u);
        // a Chinese line written without spaces is read exactly (they all are, flat)
        for (const line of sign.lines.filter((l) => /^\p{Script=Han}+$/u.test(l))) {
          if (input === flat) expect(text.split('\n'), sign.name).toContain(line);
        }
      }
    }
  }, 120_000);

  it('reads flat Chinese and English signs line by line', async () => {
    for (const sign of signs) {
      const reading = await stage.read(await renderSign(sign));
      const text = readText(reading);
      const score = scoreCharacters(sign.lines.join(''), text);
      expect(recall(score), `${sign.name}: ${text}`).toBeGreaterThanOrEqual(0.9);
      expect(precision(score), `${sign.name}: ${text}`).toBeGreaterThanOrEqual(0.9);
    }
    // the Chinese line first, then the English words (a wide gap may split them into boxes)
    const station = await stage.read(await renderSign(signNamed('station')));
    const languages = station.status === 'text' ? station.lines.map((l) => l.language) : [];
    expect(languages[0]).toBe('zh');
    expect(languages.slice(1)).not.toHaveLength(0);
    expect(new Set(languages.slice(1))).toEqual(new Set(['en']));
  }, 120_000);

  it('reads signs photographed at an angle, blurred and saved as JPEG', async () => {
    let matched = 0;
    let truth = 0;
    for (const [i, sign] of signs.entries()) {
      const photo = await photographSign(
        await renderSign(sign),
        join(samplePhotosDir, backgrounds[i % backgrounds.length] ?? 'dog.jpg'),
        1000 + i,
      );
      const reading = await stage.read(photo.jpeg);
      const score = scoreCharacters(sign.lines.join(''), readText(reading));
      matched += score.matched;
      truth += score.truth;
    }
    expect(matched / truth).toBeGreaterThanOrEqual(0.9);
  }, 120_000);

  it('records the sample photos without text as no-text', async () => {
    const labels = Labels(JSON.parse(readFileSync(join(samplesDir, 'labels.json'), 'utf8')));
    const withoutText = Object.entries(labels.photos).filter(([, label]) => !label.text);
    expect(withoutText.length).toBeGreaterThan(5);
    for (const [name] of withoutText) {
      const reading = await stage.read(join(samplePhotosDir, name));
      expect(`${name}: ${reading.status}`).toBe(`${name}: no-text`);
    }
  }, 120_000);

  it('ends a decompression bomb and a file that is no image as failed, then reads on', async () => {
    const bomb = await stage.read(makePngBomb(20_000));
    expect(bomb).toMatchObject({ status: 'failed', reason: 'unreadable-image' });
    const notImage = await stage.read(Buffer.from('not an image at all'));
    expect(notImage).toMatchObject({ status: 'failed', reason: 'unreadable-image' });
    const next = await stage.read(await renderSign(signNamed('welcome')));
    expect(readText(next)).toContain('欢迎光临');
  });

  it('reads a 24 MP photo (shrunk for reading) with its text', async () => {
    const photo = await photographSign(
      await renderSign(signNamed('smoking')),
      join(samplePhotosDir, 'kite.jpg'),
      7,
    );
    const sharp = (await import('sharp')).default;
    const big = await sharp(photo.jpeg).resize({ width: 6000 }).jpeg({ quality: 85 }).toBuffer();
    const reading = await stage.read(big);
    expect(readText(reading)).toContain('禁止吸烟');
  });

  it('finds a sign a quarter as wide as a 12 MP photo (the gate is not too coarse)', async () => {
    const photo = await smallSignPhoto(
      await renderSign(signNamed('smoking')),
      join(samplePhotosDir, 'dog.jpg'),
      2003,
    );
    const reading = await stage.read(photo);
    expect(readText(reading)).toContain('禁止吸烟');
  });

  // With worker threads, terminating one mid-inference could abort this whole process inside
  // onnxruntime-node (Napi::Error, std::terminate); readers are child processes now ([Note:
  // Text reading in a child process]). The reader is killed repeatedly, each time while
  // it is inside the models, and this process must live on and read the next photo.
  it('ends a photo whose reader dies mid-inference as failed (worker-died), then reads the next', async () => {
    for (let round = 0; round < 3; round++) {
      const pending = stage.read(join(samplePhotosDir, 'page.png'));
      // the reader is killed while it holds the photo (decoding happens first, on this side),
      // after a delay that lands inside the detection or the recognition
      while (pool.busyCount === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      await new Promise((resolve) => setTimeout(resolve, 40 + round * 150));
      workers.at(-1)?.kill('SIGKILL');
      const reading = await pending;
      expect(reading).toMatchObject({ status: 'failed', reason: 'worker-died' });
    }
    const next = await stage.read(join(samplePhotosDir, 'page.png'));
    expect(next.status).toBe('text');
  }, 120_000);
});

describe(TextWorkerPool.name, () => {
  it('answers a request the models cannot run on as failed and keeps reading', async () => {
    const pool = new TextWorkerPool(1);
    try {
      // a buffer that does not hold the image it claims: the worker's read throws
      const broken = await pool.read({ width: 100, height: 100, pixels: new Uint8Array(7) });
      expect(broken.type).toBe('failed');
      const fine = await pool.read({
        width: 64,
        height: 64,
        pixels: new Uint8Array(64 * 64 * 3).fill(255),
      });
      expect(fine).toMatchObject({ type: 'result', lines: [], gatedOut: true });
    } finally {
      await pool.close();
    }
  });
});
