// Groups a photo's tags for the photo view: by type (objects, scenes, concepts), best
// confidence first, with one entry per tag that lists every engine that gave it. Tags only
// the user gave (typed in, no engine found them) are a group of their own, first: they
// have no confidence to show. An engine that answers yes/no gives no confidence either
// (null, [Note: Tags without a confidence] in main/engines/tag-model.ts): such a tag sorts
// after the scored ones of its group and is shown as "detected".
import type { PhotoTagView, TagType, UiLanguage } from '../../../preload/api-contract.ts';

export interface TagEntry {
  readonly tagId: number;
  readonly name: string;
  readonly label: string;
  /** The name in the other language, when it differs. */
  readonly alt: string;
  readonly type: TagType;
  /** The best score any engine gave; null when none scored it. */
  readonly confidence: number | null;
  readonly sources: readonly {
    engine: string;
    confidence: number | null;
    state: 'auto' | 'user';
  }[];
  readonly boxes: PhotoTagView['boxes'];
}

// Persons first: who is in the photo is what people look for first.
export const tagTypeOrder: readonly TagType[] = ['person', 'object', 'scene', 'concept'];

/** A photo-view group: the user's own tags, or an engine tag type. */
export type TagGroupKind = 'user' | TagType;

/** True when no engine gave this tag: it is the user's, with no confidence. */
export function isUserTag(entry: Pick<TagEntry, 'sources'>): boolean {
  return entry.sources.every((s) => s.engine === 'user');
}

export function tagLabel(tag: { zh: string; en: string; name: string }, lang: UiLanguage): string {
  return (lang === 'zh' ? tag.zh : tag.en) || tag.name;
}

export function groupTags(
  tags: readonly PhotoTagView[],
  lang: UiLanguage,
): { type: TagGroupKind; entries: TagEntry[] }[] {
  const byId = new Map<number, TagEntry>();
  for (const t of tags) {
    const existing = byId.get(t.tagId);
    const source = { engine: t.engine, confidence: t.confidence, state: t.state };
    if (existing) {
      byId.set(t.tagId, {
        ...existing,
        confidence: bestConfidence(existing.confidence, t.confidence),
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
  const entries = [...byId.values()];
  // A person's tag rows come from the faces (engine `user`, see [Note: A person is a tag]):
  // they go under People, not under the user's own tags.
  const user = entries
    .filter((e) => isUserTag(e) && e.type !== 'person')
    .sort((a, b) => a.label.localeCompare(b.label));
  return [
    { type: 'user' as const, entries: user },
    ...tagTypeOrder.map((type) => ({
      type,
      entries: entries
        .filter((e) => e.type === type && (type === 'person' || !isUserTag(e)))
        .sort(
          (a, b) => (b.confidence ?? -1) - (a.confidence ?? -1) || a.label.localeCompare(b.label),
        ),
    })),
  ].filter((g) => g.entries.length > 0);
}

/** The higher of two scores; a missing score never wins over a given one. */
function bestConfidence(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

function otherLabel(tag: { zh: string; en: string; name: string }, lang: UiLanguage): string {
  const other = tagLabel(tag, lang === 'zh' ? 'en' : 'zh');
  return other === tagLabel(tag, lang) ? '' : other;
}
