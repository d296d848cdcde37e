import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandHome } from '../../main/util/home-path.ts';

describe(expandHome.name, () => {
  it('expands ~ and ~/… to the home folder and leaves other paths alone', () => {
    expect(expandHome('~', '/home/ann')).toBe('/home/ann');
    expect(expandHome('~/Pictures', '/home/ann')).toBe(join('/home/ann', 'Pictures'));
    expect(expandHome(' ~/Pictures/2023 ', '/home/ann')).toBe(join('/home/ann', 'Pictures/2023'));
    expect(expandHome('/srv/photos', '/home/ann')).toBe('/srv/photos');
    expect(expandHome('photos/~/x', '/home/ann')).toBe('photos/~/x');
    expect(expandHome('~bob/Pictures', '/home/ann')).toBe('~bob/Pictures');
  });
});
