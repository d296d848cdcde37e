// A stand-in for the local engine in emulator tests that must stay fast and model-free: it
// measures the picture's mean colour with sharp and says `person` for a mostly red picture and
// `dog` for a mostly green one (labels from the local engine's vocabulary). The emulators use
// the real local engine by default; the tests that run it are marked as such.
import sharp from 'sharp';
import type { EngineAnswer } from '../../../main/engines/tag-model.ts';

export async function colourTagger(bytes: Buffer): Promise<EngineAnswer> {
  const { channels } = await sharp(bytes).stats();
  const [r = 0, g = 0, b = 0] = channels.map((c) => c.mean);
  const tags: EngineAnswer['tags'] = [];
  if (r > g + 40 && r > b + 40) {
    tags.push({
      name: 'person',
      i18n: { zh: '人', en: 'Person' },
      type: 'object',
      confidence: Math.min(99, 50 + (r - Math.max(g, b)) / 4),
      instances: [],
    });
  }
  if (g > r + 40 && g > b + 40) {
    tags.push({
      name: 'dog',
      i18n: { zh: '狗', en: 'Dog' },
      type: 'object',
      confidence: Math.min(99, 50 + (g - Math.max(r, b)) / 4),
      instances: [],
    });
  }
  return { engine: 'local', model: 'colour-stand-in', tags };
}

/** A solid-colour JPEG of the given size (with some noise so it is not trivially small). */
export async function solidJpeg(
  width: number,
  height: number,
  colour: { r: number; g: number; b: number },
): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .jpeg({ quality: 90 })
    .toBuffer();
}
