// Reads a vision-language model's reply into the tag model. A chat model's text is not an API
// answer: it may wrap the JSON in a Markdown fence, add a sentence before it, stop mid-array
// when it runs out of tokens, misspell a type, or give confidences as fractions. So the JSON is
// found in the text, every tag is validated on its own with zod and dropped when it does not
// validate (the rest are kept), and boxes are never taken from the model ([Note: No boxes from
// a chat model]).
import { z } from 'zod';
import type { NormalisedTag } from '../tag-model.ts';

// [Note: No boxes from a chat model]
// Some models add `bbox`/`box` fields unasked. Their coordinates are in an unknown frame (the
// resized input, a 0–1000 grid, or invented) and there is no way to check them here, so a
// VLM tag has no instances: the UI shows no box rather than a wrong one.

const TagType = z.preprocess(
  (value) => (typeof value === 'string' ? value.trim().toLowerCase().replace(/s$/, '') : value),
  z.enum(['object', 'scene', 'concept']),
);

const Confidence = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value),
  z.number().min(0).max(100),
);

const VlmTag = z.object({
  en: z.string().trim().min(1).max(80),
  zh: z.string().trim().min(1).max(40),
  type: TagType,
  confidence: Confidence,
});
type VlmTag = z.infer<typeof VlmTag>;

export class VlmAnswerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VlmAnswerError';
  }
}

export interface ReadVlmTagsOptions {
  readonly threshold: number;
  readonly limit: number;
}

export interface ReadVlmTags {
  readonly tags: NormalisedTag[];
  /** Items in the reply that did not validate (dropped). */
  readonly dropped: number;
}

/** The balanced `{…}` or `[…]` starting at `start`, honouring strings; null when cut off. */
function balancedAt(text: string, start: number): string | null {
  const open = text[start];
  const close = open === '{' ? '}' : ']';
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return c === close ? text.slice(start, i + 1) : null;
    }
  }
  return null;
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The candidate items of a reply: the `tags` array of the first JSON value found, or salvage. */
function itemsOf(reply: string): unknown[] | null {
  const text = reply.replace(/```(?:json)?/gi, ' ');
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '{' && text[i] !== '[') continue;
    const candidate = balancedAt(text, i);
    if (candidate === null) continue;
    const value = tryParse(candidate);
    if (Array.isArray(value)) return value as unknown[];
    if (value !== null && typeof value === 'object') {
      const tags = (value as Record<string, unknown>).tags;
      if (Array.isArray(tags)) return tags as unknown[];
      // Another object (or a lone tag, which the salvage below picks up): look after it.
      i += candidate.length - 1;
    }
  }
  // Cut off (the token limit) or broken around the items: salvage every complete `{…}` that
  // looks like a tag, so the tags the model finished are not lost with the one it did not.
  const salvaged: unknown[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '{') continue;
    const candidate = balancedAt(text, i);
    if (candidate === null) continue;
    const value = tryParse(candidate);
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && 'en' in value) {
      salvaged.push(value);
      i += candidate.length - 1;
    }
  }
  return salvaged.length > 0 ? salvaged : null;
}

const hasHan = /\p{Script=Han}/u;

/**
 * The tags in a model's reply, validated one by one, deduplicated by English name (highest
 * confidence kept), above `threshold`, at most `limit`, best first. Throws VlmAnswerError when
 * the reply holds no JSON at all (the model did not follow the prompt).
 */
export function readVlmTags(reply: string, options: ReadVlmTagsOptions): ReadVlmTags {
  const items = itemsOf(reply);
  if (items === null) {
    const excerpt = reply.trim().slice(0, 160);
    throw new VlmAnswerError(
      `The model did not answer with JSON tags${excerpt === '' ? ' (empty answer)' : `: ${JSON.stringify(excerpt)}`}`,
    );
  }
  const valid: VlmTag[] = [];
  let dropped = 0;
  for (const item of items) {
    const parsed = VlmTag.safeParse(item);
    if (parsed.success) valid.push(parsed.data);
    else dropped++;
  }
  // Confidences given as fractions (0.92) although the prompt asks for 0–100: all of them at
  // most 1 means the model used the 0–1 scale throughout.
  const fractional = valid.length > 0 && valid.every((t) => t.confidence <= 1);
  const byName = new Map<string, NormalisedTag>();
  for (const tag of valid) {
    const name = tag.en.toLowerCase().replace(/\s+/g, ' ');
    const confidence = Math.round((fractional ? tag.confidence * 100 : tag.confidence) * 10) / 10;
    // A model that cannot write Chinese puts English in `zh`: shown as the English name, marked,
    // never translated by us.
    const zhMissing = !hasHan.test(tag.zh);
    const normalised: NormalisedTag = {
      name,
      i18n: { zh: zhMissing ? tag.en : tag.zh, en: tag.en },
      type: tag.type,
      confidence,
      instances: [],
      ...(zhMissing ? { extra: { zhMissing: true } } : {}),
    };
    const seen = byName.get(name);
    if (!seen || (seen.confidence ?? 0) < confidence) byName.set(name, normalised);
  }
  const tags = [...byName.values()]
    .filter((t) => (t.confidence ?? 0) >= options.threshold)
    .sort((a, b) => (b.confidence ?? 0) - (a.confidence ?? 0))
    .slice(0, options.limit);
  return { tags, dropped };
}
