// The reviewed zh/en names of every label the local engine reports (assets/labels/local-labels.json):
// the 80 COCO classes in centernet's class order, the face tag and the measured concepts.
// Other engines reuse `labelFor` to fill zh/en names of labels they share with COCO.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { TagType } from '../tag-model.ts';

const LabelEntry = z.object({
  name: z.string().min(1),
  zh: z.string().min(1),
  en: z.string().min(1),
});
const LabelFile = z.object({
  coco: z.array(LabelEntry).length(80),
  extra: z.array(
    LabelEntry.extend({ type: z.enum(['object', 'scene', 'concept']), meaning: z.string() }),
  ),
});

export const labelFileUrl = new URL('../../../assets/labels/local-labels.json', import.meta.url);

const labelFile = LabelFile.parse(JSON.parse(readFileSync(labelFileUrl, 'utf8')));

/** COCO class names indexed by centernet's class id (0 = person). */
export const cocoClassNames: readonly string[] = labelFile.coco.map((entry) => entry.name);

const byName = new Map<string, { zh: string; en: string; type: TagType }>([
  ...labelFile.coco.map((e) => [e.name, { zh: e.zh, en: e.en, type: 'object' as const }] as const),
  ...labelFile.extra.map((e) => [e.name, { zh: e.zh, en: e.en, type: e.type }] as const),
]);

/** Every label name the local engine can report. */
export const localLabelNames: readonly string[] = [...byName.keys()];

/** zh/en display names of a label; throws for a name the table does not have (a bug, not input). */
export function labelFor(name: string): { zh: string; en: string } {
  const entry = byName.get(name);
  if (!entry) throw new Error(`No zh/en name for the label "${name}" in ${labelFileUrl.pathname}`);
  return { zh: entry.zh, en: entry.en };
}

/** Like `labelFor`, but undefined for labels outside the table (for engines with open vocabularies). */
export function findLabel(name: string): { zh: string; en: string; type: TagType } | undefined {
  return byName.get(name.toLowerCase());
}
