import { describe, expect, it } from 'vitest';
import {
  applyCompletion,
  hasTerm,
  quoteTerm,
  refineQuery,
  removeTerm,
  splitTerms,
  wordAtCaret,
} from '../../renderer/src/lib/query-edit.ts';

describe(refineQuery.name, () => {
  it('adds a facet term once and removes it again', () => {
    expect(refineQuery('', 'dog')).toBe('dog');
    expect(refineQuery('狗 ', 'date:2023')).toBe('狗 date:2023');
    expect(refineQuery('dog date:2023', 'date:2023')).toBe('dog date:2023');
    expect(removeTerm('dog date:2023', 'date:2023')).toBe('dog');
    expect(removeTerm('dog -cat', 'cat')).toBe('dog');
    expect(hasTerm('a "hot dog" b', '"hot dog"')).toBe(true);
  });

  it('quotes names with spaces and keeps quoted phrases whole', () => {
    expect(quoteTerm('hot dog')).toBe('"hot dog"');
    expect(quoteTerm('狗')).toBe('狗');
    expect(splitTerms('a -"b c" folder:"/x y" d')).toEqual(['a', '-"b c"', 'folder:"/x y"', 'd']);
    expect(refineQuery('folder:"/my photos"', 'dog')).toBe('folder:"/my photos" dog');
  });
});

describe(wordAtCaret.name, () => {
  it('finds the word being typed, skipping filters and OR', () => {
    expect(wordAtCaret('dog ca', 6)).toEqual({ start: 4, end: 6, word: 'ca', negated: false });
    expect(wordAtCaret('-猫', 2)).toEqual({ start: 0, end: 2, word: '猫', negated: true });
    expect(wordAtCaret('type:obj', 8)).toBeNull();
    expect(wordAtCaret('a OR', 4)).toBeNull();
    expect(wordAtCaret('dog ', 4)).toBeNull();
  });

  it('replaces the word with the completion and keeps the rest', () => {
    const at = wordAtCaret('ca dog', 2);
    if (!at) throw new Error('word expected');
    expect(applyCompletion('ca dog', at, 'cat')).toEqual({ query: 'cat dog', caret: 4 });
    const neg = wordAtCaret('dog -ho', 7);
    if (!neg) throw new Error('word expected');
    expect(applyCompletion('dog -ho', neg, 'hot dog').query).toBe('dog -"hot dog" ');
  });
});
