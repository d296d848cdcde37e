// Benchmark of the on-device text stage (main/engines/text/): per-photo ms of photos without
// text (the gate's cost, p50/p95) and with text (the whole read), character-level recall and
// precision against ground truth, word-level figures (words read whole; the ground truth's
// spaces read as spaces, and spaces read where there are none, in Chinese apart: [Note: Spaces
// between Latin words]), and peak RSS. Photos: the shared samples (labels.json says
// which have text; page.png's text is transcribed in test/engines/text/text-images.ts) and
// generated signs in Chinese and English, flat ("clear") and photographed (perspective onto a
// sample photo, blur, JPEG 70; and that shrunk into a 12 MP photo, "small"), and pages of small
// English print (10–20 px, four fonts, flat and photographed: "small-print"; word figures
// only, kept out of the timings so those stay comparable with earlier runs). One worker, one
// inference thread: the one-core figure. Wall ms depend on how busy the machine is, so the
// process CPU ms per photo (all threads: decode, gate, reading) are reported beside them.
//   node bin/run-ts.js bench/ocr.ts [--dir D] [--rounds N]
// The last output line is one JSON object.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { z } from 'zod';
import { textModelVersion } from '../main/engines/text/text-reader.ts';
import { TextStage, type TextReading } from '../main/engines/text/text-stage.ts';
import {
  type CharacterScore,
  pageText,
  photographSign,
  precision,
  proseFonts,
  proseLines,
  recall,
  renderProsePage,
  renderSign,
  scoreCharacters,
  scoreWordGaps,
  scoreWords,
  signs,
  smallSignPhoto,
  type WordGapScore,
} from '../test/engines/text/text-images.ts';

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string', default: '../shared/samples/photos' },
    // Each photo is read this many times (the gate's timings are short and noisy).
    rounds: { type: 'string', default: '2' },
  },
});
const dir = resolve(args.dir);
const rounds = Math.max(1, Number(args.rounds));

const Labels = z.object({ photos: z.record(z.string(), z.object({ text: z.boolean() })) });
const labels = Labels.parse(JSON.parse(readFileSync(join(dir, '..', 'labels.json'), 'utf8')));

interface Case {
  readonly name: string;
  readonly kind: 'no-text' | 'clear' | 'photographed' | 'small' | 'small-print';
  readonly input: string | Buffer;
  /** Ground truth; '' for photos without text. */
  readonly truth: string;
}

const cases: Case[] = [];
const backgrounds: string[] = [];
for (const [name, label] of Object.entries(labels.photos)) {
  if (label.text) continue;
  cases.push({ name, kind: 'no-text', input: join(dir, name), truth: '' });
  backgrounds.push(join(dir, name));
}
if (labels.photos['page.png']?.text) {
  cases.push({
    name: 'page.png',
    kind: 'clear',
    input: join(dir, 'page.png'),
    truth: pageText.join('\n'),
  });
}
for (const [i, sign] of signs.entries()) {
  const flat = await renderSign(sign);
  const truth = sign.lines.join('\n');
  cases.push({ name: `${sign.name}.png`, kind: 'clear', input: flat, truth });
  const background = backgrounds[i % backgrounds.length] ?? join(dir, 'dog.jpg');
  const photo = await photographSign(flat, background, 1000 + i);
  cases.push({ name: `${sign.name}.jpg`, kind: 'photographed', input: photo.jpeg, truth });
  const small = await smallSignPhoto(flat, background, 2000 + i);
  cases.push({ name: `${sign.name}-small.jpg`, kind: 'small', input: small, truth });
}
for (const [f, font] of proseFonts.entries()) {
  for (const [s, fontSize] of [10, 14, 20].entries()) {
    // four lines of the eight, a different four for each page
    const start = (f + s) % 5;
    const lines = proseLines.slice(start, start + 4);
    const page = await renderProsePage(lines, fontSize, font);
    const name = `${font.replace(/ /g, '')}-${String(fontSize)}px`;
    const truth = lines.join('\n');
    cases.push({ name: `${name}.png`, kind: 'small-print', input: page, truth });
    if (fontSize === 10) continue;
    // photographed: the page enlarged to a 900 px sign (print seen from close by), then warped
    const sign = await sharp(page).resize({ width: 900 }).png().toBuffer();
    const background = backgrounds[(f + s) % backgrounds.length] ?? join(dir, 'dog.jpg');
    const photo = await photographSign(sign, background, 3000 + 10 * f + s);
    cases.push({ name: `${name}.jpg`, kind: 'small-print', input: photo.jpeg, truth });
  }
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

function addScores(a: CharacterScore, b: CharacterScore): CharacterScore {
  return { matched: a.matched + b.matched, truth: a.truth + b.truth, read: a.read + b.read };
}

/** A kind's word figures: words read whole, spaces read, spaces read where there are none. */
function wordFigures(kind: Case['kind']) {
  const words = wordScores[kind];
  const gaps = gapScores[kind];
  return {
    recall: round(recall(words), 3),
    precision: round(precision(words), 3),
    spacesFound: round(gaps.spaces === 0 ? 1 : gaps.found / gaps.spaces, 3),
    spaces: gaps.spaces,
    spuriousSpaces: gaps.spurious,
    spuriousInChinese: gaps.spuriousInChinese,
  };
}

const loadStarted = performance.now();
const stage = new TextStage({ workers: 1 });
// The first read waits for the models: timed apart as the load cost.
await stage.read(
  Buffer.from(
    await renderSign(signs[0] ?? { name: '', lines: ['warm'], background: '#fff', ink: '#000' }),
  ),
);
const loadMs = performance.now() - loadStarted;

const kinds = ['no-text', 'clear', 'photographed', 'small', 'small-print'] as const;
const perKind = <T>(make: () => T) =>
  Object.fromEntries(kinds.map((kind) => [kind, make()])) as Record<Case['kind'], T>;
const cpuMs = perKind<number[]>(() => []);
const ms = perKind<number[]>(() => []);
const noScore = (): CharacterScore => ({ matched: 0, truth: 0, read: 0 });
const scores = perKind(noScore);
const wordScores = perKind(noScore);
const gapScores = perKind<WordGapScore>(() => ({
  spaces: 0,
  found: 0,
  spurious: 0,
  spuriousInChinese: 0,
}));
/** Ground-truth lines with Chinese in them, and how many were read as a line exactly. */
const chineseLines = { exact: 0, of: 0 };
const han = /\p{Script=Han}/u;
let falseTextPhotos = 0;
const failures: string[] = [];
let rssPeak = process.memoryUsage().rss;

// The models run in a reader child process ([Note: Text reading in a child process]): its CPU
// time and memory are read from /proc (Linux) and added to this process's, so the figures
// still cover decoding, the gate and the reading. Elsewhere only this process is counted.
function readerCpuMs(): number {
  let total = 0;
  for (const pid of stage.readerPids) {
    try {
      const fields = readFileSync(`/proc/${String(pid)}/stat`, 'utf8')
        .split(') ')[1]
        ?.split(' ');
      // utime and stime (fields 14 and 15 of stat, 12 and 13 after the command) in ticks
      total += ((Number(fields?.[11]) || 0) + (Number(fields?.[12]) || 0)) * 10;
    } catch {
      // not Linux, or the reader was just replaced
    }
  }
  return total;
}
let readerPeakMB = 0;
function noteReaderMemory(): void {
  for (const pid of stage.readerPids) {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${String(pid)}/status`, 'utf8'));
      readerPeakMB = Math.max(readerPeakMB, Number(hwm?.[1] ?? 0) / 1024);
    } catch {
      // as above
    }
  }
}

for (let r = 0; r < rounds; r++) {
  for (const item of cases) {
    const cpuBefore = process.cpuUsage();
    const readerBefore = readerCpuMs();
    const reading: TextReading = await stage.read(item.input);
    const own = process.cpuUsage(cpuBefore);
    const cpu = { user: own.user + (readerCpuMs() - readerBefore) * 1000, system: own.system };
    noteReaderMemory();
    cpuMs[item.kind].push((cpu.user + cpu.system) / 1000);
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    ms[item.kind].push(reading.ms);
    if (reading.status === 'failed') failures.push(`${item.name}: ${reading.message}`);
    const text = reading.status === 'text' ? reading.lines.map((l) => l.text).join('\n') : '';
    if (r === 0) {
      if (item.kind === 'no-text' && reading.status === 'text') falseTextPhotos++;
      scores[item.kind] = addScores(scores[item.kind], scoreCharacters(item.truth, text));
      wordScores[item.kind] = addScores(wordScores[item.kind], scoreWords(item.truth, text));
      const gaps = scoreWordGaps(item.truth, text);
      const gapTotal = gapScores[item.kind];
      gapScores[item.kind] = {
        spaces: gapTotal.spaces + gaps.spaces,
        found: gapTotal.found + gaps.found,
        spurious: gapTotal.spurious + gaps.spurious,
        spuriousInChinese: gapTotal.spuriousInChinese + gaps.spuriousInChinese,
      };
      const readLines = new Set(text.split('\n'));
      for (const line of item.truth.split('\n').filter((l) => han.test(l))) {
        chineseLines.of++;
        if (readLines.has(line)) chineseLines.exact++;
      }
      console.log(
        `${item.kind.padEnd(12)} ${item.name.padEnd(18)} ${String(Math.round(reading.ms)).padStart(6)} ms ${String(Math.round((cpu.user + cpu.system) / 1000)).padStart(6)} cpu-ms  ${reading.status}  ${JSON.stringify(text)}`,
      );
    }
  }
}
noteReaderMemory();
await stage.close();
// This process's peak (the kernel's, sampled or not) plus the reader process's peak.
const maxRssMB = process.resourceUsage().maxRSS / 1024;

const withText = [...ms.clear, ...ms.photographed, ...ms.small];
console.log(
  JSON.stringify({
    bench: 'ocr',
    modelVersion: textModelVersion,
    rounds,
    photos: { noText: ms['no-text'].length / rounds, withText: withText.length / rounds },
    modelLoadMs: Math.round(loadMs),
    noTextCpuMs: {
      p50: round(percentile(cpuMs['no-text'], 50)),
      p95: round(percentile(cpuMs['no-text'], 95)),
    },
    withTextCpuMs: {
      p50: round(percentile([...cpuMs.clear, ...cpuMs.photographed, ...cpuMs.small], 50)),
      p95: round(percentile([...cpuMs.clear, ...cpuMs.photographed, ...cpuMs.small], 95)),
    },
    noTextMs: {
      p50: round(percentile(ms['no-text'], 50)),
      p95: round(percentile(ms['no-text'], 95)),
    },
    withTextMs: { p50: round(percentile(withText, 50)), p95: round(percentile(withText, 95)) },
    clearTextMs: { p50: round(percentile(ms.clear, 50)), p95: round(percentile(ms.clear, 95)) },
    photographedMs: {
      p50: round(percentile(ms.photographed, 50)),
      p95: round(percentile(ms.photographed, 95)),
    },
    clear: { recall: round(recall(scores.clear), 3), precision: round(precision(scores.clear), 3) },
    photographed: {
      recall: round(recall(scores.photographed), 3),
      precision: round(precision(scores.photographed), 3),
    },
    smallSignIn12MP: {
      recall: round(recall(scores.small), 3),
      precision: round(precision(scores.small), 3),
      ms: { p50: round(percentile(ms.small, 50)), p95: round(percentile(ms.small, 95)) },
    },
    words: {
      clear: wordFigures('clear'),
      photographed: wordFigures('photographed'),
      smallSignIn12MP: wordFigures('small'),
      smallPrint: wordFigures('small-print'),
    },
    chineseLinesExact: chineseLines,
    falseTextPhotos,
    failures,
    peakRssMB: Math.round(Math.max(maxRssMB, rssPeak / 1024 / 1024) + readerPeakMB),
    readerPeakRssMB: Math.round(readerPeakMB),
  }),
);
