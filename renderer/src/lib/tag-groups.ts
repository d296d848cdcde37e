// Groups a photo's tags for the photo view: by type (objects, scenes, concepts), best
// confidence first, with one entry per tag that lists every engine that gave it.
import type { PhotoTagView, TagType, UiLanguage } from '../../../preload/api-contract.ts';

export interface TagEntry {
  readonly tagId: number;
  readonly name: string;
  readonly label: string;
  /** The name in the other language, when it differs. */
  readonly alt: string;
  readonly type: TagType;
  readonly confidence: number;
  readonly sources: readonly { engine: string; confidence: number; state: 'auto' | 'user' }[];
  readonly boxes: PhotoTagView['boxes'];
}

export const tagTypeOrder: readonly TagType[] = ['object', 'scene', 'concept'];

export function tagLabel(tag: { zh: string; en: string; name: string }, lang: UiLanguage): string {
  return (lang === 'zh' ? tag.zh : tag.en) || tag.name;
}

export function groupTags(
  tags: readonly PhotoTagView[],
  lang: UiLanguage,
): { type: TagType; entries: TagEntry[] }[] {
  const byId = new Map<number, TagEntry>();
  for (const t of tags) {
    const existing = byId.get(t.tagId);
    const source = { engine: t.engine, confidence: t.confidence, state: t.state };
    if (existing) {
      byId.set(t.tagId, {
        ...existing,
        confidence: Math.max(existing.confidence, t.confidence),
        sources: [...existing.sources, source],
        boxes: [...existing.boxes, ...t.boxes],
      });
    } else {
      byId.set(t.tagId, {
        tagId: t.tagId,
        name: t.name,
        label: tagLabel(t, lang),
        alt: otherLabel(t, lang),
        type: t.type,
        confidence: t.confidence,
        sources: [source],
        boxes: t.boxes,
      });
    }
  }
  return tagTypeOrder
    .map((type) => ({
      type,
      entries: [...byId.values()]
        .filter((e) => e.type === type)
        .sort((a, b) => b.confidence - a.confidence || a.label.localeCompare(b.label)),
    }))
    .filter((g) => g.entries.length > 0);
}

function otherLabel(tag: { zh: string; en: string; name: string }, lang: UiLanguage): string {
  const other = tagLabel(tag, lang === 'zh' ? 'en' : 'zh');
  return other === tagLabel(tag, lang) ? '' : other;
}
