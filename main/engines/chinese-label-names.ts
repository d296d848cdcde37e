// English names for the labels the Chinese-only services answer (Tencent Cloud image tagging,
// Baidu advanced_general): both give only a Chinese name, and the tag model wants zh and en.
// The table is assets/labels/zh-en-labels.json, whose every entry is copied from a reviewed
// bilingual table that ships with the app (test/engines/chinese-label-names.test.ts checks
// each one against its source). A name the table does not know keeps its Chinese text in both
// languages and says so (`enKnown: false`): a missing translation is shown as missing, never
// guessed.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const ZhEnEntry = z.object({
  zh: z.string().min(1),
  en: z.string().min(1),
  /** Where the pair was copied from, e.g. `local-labels.json: dog`. */
  source: z.string().min(1),
});
const ZhEnFile = z.object({ about: z.string(), entries: z.array(ZhEnEntry) });

export const zhEnLabelsUrl = new URL('../../assets/labels/zh-en-labels.json', import.meta.url);

/** The shipped zh → en entries, validated at load. */
export const zhEnLabelEntries: readonly z.infer<typeof ZhEnEntry>[] = ZhEnFile.parse(
  JSON.parse(readFileSync(zhEnLabelsUrl, 'utf8')),
).entries;

const byZh = new Map(zhEnLabelEntries.map((entry) => [entry.zh, entry.en]));

export interface ChineseLabelNames {
  readonly zh: string;
  readonly en: string;
  /** False when the table has no English name and the Chinese text stands in for it. */
  readonly enKnown: boolean;
  /** The canonical (lower-case English when known) name of the tag. */
  readonly name: string;
}

export function chineseLabelNames(label: string): ChineseLabelNames {
  const zh = label.trim();
  const en = byZh.get(zh);
  if (en !== undefined) return { zh, en, enKnown: true, name: en.toLowerCase() };
  return { zh, en: zh, enKnown: false, name: zh };
}
