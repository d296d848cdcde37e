import { describe, expect, it } from 'vitest';
import { replaceTagTerms } from '../../renderer/src/lib/tag-query.ts';

describe(replaceTagTerms.name, () => {
  const before = { zh: '小狗', en: 'Puppy' };
  const after = { zh: '幼犬', en: 'Young dog' };

  it('replaces the old names in either language, negated or not, quoting as needed', () => {
    expect(replaceTagTerms('小狗 date:2023', before, after)).toBe('幼犬 date:2023');
    expect(replaceTagTerms('cat -puppy', before, after)).toBe('cat -"Young dog"');
    expect(replaceTagTerms('Puppy OR 小狗', before, after)).toBe('"Young dog" OR 幼犬');
    expect(
      replaceTagTerms('"hot dog" x', { zh: '热狗', en: 'Hot dog' }, { zh: '热狗', en: 'Hotdog' }),
    ).toBe('Hotdog x');
  });

  it('leaves a query without those names exactly as it was', () => {
    expect(replaceTagTerms('  puppyish   小狗狗 ', before, after)).toBe('  puppyish   小狗狗 ');
    expect(replaceTagTerms('', before, after)).toBe('');
    expect(replaceTagTerms('幼犬', after, after)).toBe('幼犬');
  });
});
