// The word-level scores the text tests and bench:ocr judge spacing by: a run-together pair,
// a space read into Chinese, a line break counted as a separation, a misread character's
// gaps left out of the count.
import { describe, expect, it } from 'vitest';
import { scoreWordGaps, scoreWords } from './text-images.ts';

describe(scoreWordGaps.name, () => {
  it('counts the spaces read, missed and read where there are none', () => {
    expect(scoreWordGaps('These markers are', 'Thesemarkers are')).toEqual({
      spaces: 2,
      found: 1,
      spurious: 0,
      spuriousInChinese: 0,
    });
    expect(scoreWordGaps('Beijing South Station', 'Beijing\nSouth Station')).toMatchObject({
      spaces: 2,
      found: 2,
    });
    expect(scoreWordGaps('欢迎光临\nWELCOME', '欢迎 光临\nWEL COME')).toEqual({
      spaces: 0,
      found: 0,
      spurious: 2,
      spuriousInChinese: 1,
    });
    // the truth's line break is no word gap, and a misread character leaves its gaps out
    expect(scoreWordGaps('No\nSmoking', 'NoSmoking')).toMatchObject({ spaces: 0, spurious: 0 });
    expect(scoreWordGaps('we can', 'wexcan')).toMatchObject({ spaces: 0, found: 0 });
  });
});

describe(scoreWords.name, () => {
  it('credits a word only when it was read whole', () => {
    expect(scoreWords('These markers are', 'Thesemarkers are')).toEqual({
      matched: 1,
      truth: 3,
      read: 2,
    });
    expect(scoreWords('欢迎光临', '欢迎 光临')).toEqual({ matched: 0, truth: 1, read: 2 });
  });
});
