// Generated text images with known ground truth, for the text stage's tests and bench/ocr.ts:
// signs in Chinese and English rendered with sharp's SVG text (librsvg through fontconfig: a
// CJK font such as fonts-wqy-microhei or fonts-noto-cjk must be installed), shown flat
// ("clear") and as if photographed: the sign warped by a perspective onto a real sample photo,
// blurred and saved as a middling JPEG. Everything is deterministic (a seeded generator).
import { join } from 'node:path';
import sharp from 'sharp';

export const samplesDir = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'samples');
export const samplePhotosDir = join(samplesDir, 'photos');

/** The readable text of shared/samples/photos/page.png, transcribed by eye, line by line. */
export const pageText = [
  'Region-based segmentation',
  'Let us first determine markers of the coins and the',
  'background. These markers are pixels that we can label',
  'unambiguously as either object or background. Here,',
  'the markers are found at the two extreme parts of the',
  'histogram of grey values:',
  '>>> markers = np.zeros_like(coins)',
] as const;

export interface Sign {
  readonly name: string;
  readonly lines: readonly string[];
  readonly background: string;
  readonly ink: string;
}

export const signs: readonly Sign[] = [
  { name: 'welcome', lines: ['欢迎光临', 'WELCOME'], background: '#b71c1c', ink: '#ffffff' },
  {
    name: 'station',
    lines: ['北京南站', 'Beijing South Station'],
    background: '#0d47a1',
    ink: '#ffffff',
  },
  {
    name: 'cafe',
    lines: ['咖啡 茶 甜点', 'Coffee Tea Dessert'],
    background: '#3e2723',
    ink: '#ffe0b2',
  },
  { name: 'smoking', lines: ['禁止吸烟', 'No Smoking'], background: '#ffffff', ink: '#c62828' },
  { name: 'exit', lines: ['安全出口 EXIT'], background: '#1b5e20', ink: '#ffffff' },
  {
    name: 'menu',
    lines: ['今日特价 牛肉面', '鸡蛋炒饭 28元'],
    background: '#fff8e1',
    ink: '#212121',
  },
  {
    name: 'library',
    lines: ['图书馆开放时间', 'Library Hours 9:00-21:00'],
    background: '#eceff1',
    ink: '#263238',
  },
  {
    name: 'floor',
    lines: ['小心地滑', 'Caution Wet Floor'],
    background: '#fdd835',
    ink: '#000000',
  },
];

/** The sign with this name (throws on a typo). */
export function signNamed(name: string): Sign {
  const sign = signs.find((s) => s.name === name);
  if (!sign) throw new Error(`No sign named ${name}`);
  return sign;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A flat sign: the lines centred on a coloured board, as a PNG. */
export async function renderSign(sign: Sign, width = 900, lineHeight = 110): Promise<Buffer> {
  const height = lineHeight * sign.lines.length + lineHeight / 2;
  const fontSize = Math.round(lineHeight * 0.62);
  const texts = sign.lines
    .map((line, i) => {
      const y = lineHeight * (i + 0.75) + lineHeight / 4;
      return `<text x="${width / 2}" y="${y}" font-size="${fontSize}" text-anchor="middle" fill="${sign.ink}" font-family="WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif">${escapeXml(line)}</text>`;
    })
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="${sign.background}"/>${texts}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** A small seeded generator (mulberry32), so generated photos are the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Pt = readonly [number, number];

/** The homography taking the four `from` points to the four `to` points (3×3, row-major). */
export function homography(from: readonly Pt[], to: readonly Pt[]): number[] {
  // 8 equations in h0…h7 (h8 = 1), solved by Gauss–Jordan elimination with partial pivoting
  const rows: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = from[i] ?? [0, 0];
    const [u, v] = to[i] ?? [0, 0];
    rows.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    rows.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  for (let col = 0; col < 8; col++) {
    let pivot = col;
    for (let r = col + 1; r < 8; r++) {
      if (Math.abs(rows[r]?.[col] ?? 0) > Math.abs(rows[pivot]?.[col] ?? 0)) pivot = r;
    }
    const top = rows[pivot] ?? [];
    rows[pivot] = rows[col] ?? [];
    rows[col] = top;
    const p = top[col] ?? 1;
    for (let c = col; c < 9; c++) top[c] = (top[c] ?? 0) / p;
    for (let r = 0; r < 8; r++) {
      const row = rows[r] ?? [];
      if (r === col) continue;
      const f = row[col] ?? 0;
      for (let c = col; c < 9; c++) row[c] = (row[c] ?? 0) - f * (top[c] ?? 0);
    }
  }
  return [...rows.map((row) => row[8] ?? 0), 1];
}

export interface PhotographedSign {
  readonly jpeg: Buffer;
  /** The sign's corners in the photo, px (tl, tr, br, bl). */
  readonly corners: readonly Pt[];
}

/**
 * The sign as if photographed: warped by a random perspective onto a sample photo (1024 px
 * wide), blurred a little and saved as a quality-70 JPEG.
 */
export async function photographSign(
  signPng: Buffer,
  backgroundPath: string,
  seed: number,
): Promise<PhotographedSign> {
  const random = seededRandom(seed);
  const bg = await sharp(backgroundPath)
    .resize({ width: 1024, height: 768, fit: 'cover' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const sign = await sharp(signPng).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const W = bg.info.width;
  const H = bg.info.height;
  const sw = sign.info.width;
  const sh = sign.info.height;
  // the sign fills about 60–75 % of the width, its corners jittered for a perspective view
  const scale = (W * (0.6 + 0.15 * random())) / sw;
  const cx = W / 2 + (random() - 0.5) * 80;
  const cy = H / 2 + (random() - 0.5) * 80;
  const jitter = () => (random() - 0.5) * 0.16 * sw * scale;
  const hw = (sw * scale) / 2;
  const hh = (sh * scale) / 2;
  const corners: Pt[] = [
    [cx - hw + jitter(), cy - hh + jitter()],
    [cx + hw + jitter(), cy - hh + jitter()],
    [cx + hw + jitter(), cy + hh + jitter()],
    [cx - hw + jitter(), cy + hh + jitter()],
  ];
  // the inverse map: photo pixel → sign pixel
  const h = homography(corners, [
    [0, 0],
    [sw, 0],
    [sw, sh],
    [0, sh],
  ]);
  const [h0, h1, h2, h3, h4, h5, h6, h7, h8] = h as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const out = Buffer.from(bg.data);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const d = h6 * (x + 0.5) + h7 * (y + 0.5) + h8;
      const u = (h0 * (x + 0.5) + h1 * (y + 0.5) + h2) / d - 0.5;
      const v = (h3 * (x + 0.5) + h4 * (y + 0.5) + h5) / d - 0.5;
      if (u < 0 || v < 0 || u > sw - 1 || v > sh - 1) continue;
      const u0 = Math.floor(u);
      const v0 = Math.floor(v);
      const fu = u - u0;
      const fv = v - v0;
      const u1 = Math.min(sw - 1, u0 + 1);
      const v1 = Math.min(sh - 1, v0 + 1);
      for (let c = 0; c < 3; c++) {
        const at = (px: number, py: number) => sign.data[(py * sw + px) * 3 + c] ?? 0;
        out[(y * W + x) * 3 + c] = Math.round(
          (1 - fv) * ((1 - fu) * at(u0, v0) + fu * at(u1, v0)) +
            fv * ((1 - fu) * at(u0, v1) + fu * at(u1, v1)),
        );
      }
    }
  }
  const jpeg = await sharp(out, { raw: { width: W, height: H, channels: 3 } })
    .blur(0.8 + random() * 0.6)
    .jpeg({ quality: 70 })
    .toBuffer();
  return { jpeg, corners };
}

/** Characters compared for recall and precision: whitespace dropped, width forms folded. */
function characters(text: string): string[] {
  // code points: every character here is one (no emoji or combining marks in the fixtures)
  return Array.from(text.normalize('NFKC').replace(/\s+/g, ''));
}

export interface CharacterScore {
  /** Ground-truth characters that were read (as a multiset). */
  readonly matched: number;
  readonly truth: number;
  readonly read: number;
}

/** Character-level match of what was read against the ground truth, ignoring order. */
export function scoreCharacters(truth: string, read: string): CharacterScore {
  const counts = new Map<string, number>();
  const truthChars = characters(truth);
  for (const c of truthChars) counts.set(c, (counts.get(c) ?? 0) + 1);
  const readChars = characters(read);
  let matched = 0;
  for (const c of readChars) {
    const left = counts.get(c) ?? 0;
    if (left > 0) {
      matched++;
      counts.set(c, left - 1);
    }
  }
  return { matched, truth: truthChars.length, read: readChars.length };
}

export function recall(score: CharacterScore): number {
  return score.truth === 0 ? 1 : score.matched / score.truth;
}

export function precision(score: CharacterScore): number {
  return score.read === 0 ? 1 : score.matched / score.read;
}

/**
 * A small sign in a big photo: the photographed sign shrunk to a quarter of the width of a
 * 4000 × 3000 photo (text about 60 px high), as a JPEG — the case a coarse gate misses.
 */
export async function smallSignPhoto(
  signPng: Buffer,
  backgroundPath: string,
  seed: number,
): Promise<Buffer> {
  const photo = await photographSign(signPng, backgroundPath, seed);
  const inset = await sharp(photo.jpeg).resize({ width: 1000 }).toBuffer();
  const random = seededRandom(seed + 1);
  return sharp(backgroundPath)
    .resize({ width: 4000, height: 3000, fit: 'cover' })
    .composite([
      {
        input: inset,
        left: Math.round(400 + random() * 2400),
        top: Math.round(300 + random() * 1800),
      },
    ])
    .jpeg({ quality: 80 })
    .toBuffer();
}

/** English prose for small-print pages (word spacing is what they measure). */
export const proseLines = [
  'The quick brown fox jumps over the lazy dog',
  'Please keep your ticket until the end of the trip',
  'Open daily from nine in the morning to six at night',
  'No parking on this side of the road at any time',
  'All visitors must sign in at the front desk',
  'Fresh bread and hot coffee served every day',
  'Turn left at the second light and follow the signs',
  'Children under five years travel free of charge',
] as const;

/** Fonts the small-print pages are set in (fonts-dejavu and fonts-liberation). */
export const proseFonts = ['DejaVu Sans', 'Liberation Serif', 'Liberation Sans', 'DejaVu Serif'];

/**
 * A page of small print: `lines` set left-aligned at `fontSize` px in `font`, dark grey on
 * off-white paper, as a PNG just large enough for them.
 */
export async function renderProsePage(
  lines: readonly string[],
  fontSize: number,
  font: string,
): Promise<Buffer> {
  const lineHeight = Math.round(fontSize * 1.6);
  const longest = Math.max(...lines.map((line) => line.length));
  const width = Math.round(fontSize * 0.62 * longest + 2 * fontSize);
  const height = lineHeight * lines.length + fontSize;
  const texts = lines
    .map(
      (line, i) =>
        `<text x="${fontSize}" y="${lineHeight * (i + 1)}" font-size="${fontSize}" font-family="${font}" fill="#222222">${escapeXml(line)}</text>`,
    )
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#f4f1ea"/>${texts}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** Whitespace-separated words, width forms folded. */
function words(text: string): string[] {
  return text
    .normalize('NFKC')
    .split(/\s+/)
    .filter((word) => word !== '');
}

/**
 * Word-level match (a multiset, ignoring order): a word counts only when it was read whole,
 * with a space (or a line break) on both sides, so "Thesemarkers" matches neither "These"
 * nor "markers". Chinese written without spaces is one "word" per run of characters, so a
 * space read into it breaks the match too. Same shape as CharacterScore.
 */
export function scoreWords(truth: string, read: string): CharacterScore {
  const counts = new Map<string, number>();
  const truthWords = words(truth);
  for (const word of truthWords) counts.set(word, (counts.get(word) ?? 0) + 1);
  const readWords = words(read);
  let matched = 0;
  for (const word of readWords) {
    const left = counts.get(word) ?? 0;
    if (left > 0) {
      matched++;
      counts.set(word, left - 1);
    }
  }
  return { matched, truth: truthWords.length, read: readWords.length };
}

export interface WordGapScore {
  /** Spaces of the ground truth between two characters that were both read, side by side. */
  readonly spaces: number;
  /** Of those, the ones read as a space or a line break. */
  readonly found: number;
  /** Gaps read as a space or a line break where the ground truth has none. */
  readonly spurious: number;
  /** Of the spurious ones, those between two Han characters. */
  readonly spuriousInChinese: number;
}

const hanCharacter = /\p{Script=Han}/u;

/**
 * How the word gaps were read: the characters read are aligned to the ground truth's (longest
 * common subsequence, whitespace left out), and each pair of neighbouring ground-truth
 * characters on one line that were read as neighbours is checked for a space on both sides.
 * Misread characters leave their gaps out of the count rather than guessing.
 */
export function scoreWordGaps(truth: string, read: string): WordGapScore {
  interface Character {
    readonly char: string;
    /** Whitespace came before it (in the ground truth: a space on the same line). */
    readonly gapBefore: boolean;
    /** In the ground truth: the first character of a line (its gap is not a word gap). */
    readonly lineStart: boolean;
  }
  const split = (text: string): Character[] => {
    const out: Character[] = [];
    for (const line of text.normalize('NFKC').split('\n')) {
      let gap = false;
      let first = true;
      for (const char of line) {
        if (/\s/.test(char)) {
          gap = true;
          continue;
        }
        out.push({ char, gapBefore: gap, lineStart: first });
        gap = false;
        first = false;
      }
    }
    return out;
  };
  const want = split(truth);
  // in what was read, a line break separates words just as a space does
  const got = split(read.replace(/\n/g, ' '));
  const n = got.length;
  const m = want.length;
  // lengths[i][j]: the longest common subsequence of got[i…] and want[j…]
  const lengths = Array.from({ length: n + 1 }, () => new Int32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    const row = lengths[i] ?? new Int32Array(0);
    const below = lengths[i + 1] ?? new Int32Array(0);
    for (let j = m - 1; j >= 0; j--) {
      row[j] =
        got[i]?.char === want[j]?.char
          ? (below[j + 1] ?? 0) + 1
          : Math.max(below[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const matchOf = new Int32Array(n).fill(-1);
  for (let i = 0, j = 0; i < n && j < m;) {
    const here = lengths[i]?.[j] ?? 0;
    if (got[i]?.char === want[j]?.char && here === (lengths[i + 1]?.[j + 1] ?? 0) + 1) {
      matchOf[i++] = j++;
    } else if ((lengths[i + 1]?.[j] ?? 0) >= (lengths[i]?.[j + 1] ?? 0)) i++;
    else j++;
  }
  let spaces = 0;
  let found = 0;
  let spurious = 0;
  let spuriousInChinese = 0;
  for (let i = 1; i < n; i++) {
    const j = matchOf[i] ?? -1;
    if (j < 1 || matchOf[i - 1] !== j - 1) continue;
    const truthChar = want[j];
    const readChar = got[i];
    if (!truthChar || !readChar || truthChar.lineStart) continue;
    if (truthChar.gapBefore) {
      spaces++;
      if (readChar.gapBefore) found++;
    } else if (readChar.gapBefore) {
      spurious++;
      if (hanCharacter.test(truthChar.char) && hanCharacter.test(want[j - 1]?.char ?? '')) {
        spuriousInChinese++;
      }
    }
  }
  return { spaces, found, spurious, spuriousInChinese };
}
