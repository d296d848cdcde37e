// `person:"Li Wei"` and `人物:妈妈`: a tag word that only matches persons' tags (type `person`,
// [Note: A person is a tag] in catalog/migrations/0013-people.ts). The parser turns it into a
// word node with `tagType: 'person'`; the planner and the in-memory snapshot narrow the word's
// tags to that type, as a top-level `type:person` would, but for this word only. A plain word
// (`妈妈`) finds persons too, like any tag.
import type { TagType } from '../engines/tag-model.ts';

/** Names before the colon that make a person word (lower case). */
const personWordNames: Readonly<Record<string, TagType>> = {
  person: 'person',
  people: 'person',
  人物: 'person',
};

/** The tag type a `name:` prefix restricts a word to, or undefined for another prefix. */
export function typedWordPrefix(name: string): TagType | undefined {
  return personWordNames[name.toLowerCase()];
}

/** The query text of a typed word (formatQuery). */
export function formatTypedWord(tagType: TagType, text: string, quoted: boolean): string {
  return quoted || /[\s()"]/.test(text) ? `${tagType}:"${text}"` : `${tagType}:${text}`;
}
