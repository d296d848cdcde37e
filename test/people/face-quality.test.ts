import { describe, expect, it } from 'vitest';
import {
  isClusterable,
  minClusterFaceSide,
  minClusterSharpness,
} from '../../main/people/face-quality.ts';

describe(isClusterable.name, () => {
  it('needs both enough source pixels and enough sharpness', () => {
    const ok = { sourceSide: minClusterFaceSide, sharpness: minClusterSharpness };
    expect(isClusterable(ok)).toBe(true);
    expect(isClusterable({ ...ok, sourceSide: minClusterFaceSide - 1 })).toBe(false);
    expect(isClusterable({ ...ok, sharpness: minClusterSharpness - 0.1 })).toBe(false);
  });
});
