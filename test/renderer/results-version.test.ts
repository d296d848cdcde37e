import { describe, expect, it } from 'vitest';
import { resultsVersion } from '../../renderer/src/lib/results-version.ts';

describe(resultsVersion.name, () => {
  const before = { photos: 3, albums: 5, people: 7 };
  const afterMatcher = { ...before, people: 8 };
  const changes = (view: Parameters<typeof resultsVersion>[1]) =>
    resultsVersion(afterMatcher, view) !== resultsVersion(before, view);

  it('follows the background matcher for a search with words and a smart album', () => {
    expect(changes({ query: 'Amy', albumKind: null })).toBe(true);
    expect(changes({ query: 'person:妈妈 beach', albumKind: null })).toBe(true);
    expect(changes({ query: '', albumKind: 'smart' })).toBe(true);
  });

  it('does not reload all photos or a manual album for it, and still follows their own changes', () => {
    expect(changes({ query: '  ', albumKind: null })).toBe(false);
    expect(changes({ query: '', albumKind: 'manual' })).toBe(false);
    const albumEdit = { ...before, albums: 6 };
    expect(resultsVersion(albumEdit, { query: '', albumKind: 'manual' })).not.toBe(
      resultsVersion(before, { query: '', albumKind: 'manual' }),
    );
    const tagJob = { ...before, photos: 4 };
    expect(resultsVersion(tagJob, { query: '', albumKind: null })).not.toBe(
      resultsVersion(before, { query: '', albumKind: null }),
    );
  });
});
