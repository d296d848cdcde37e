// The shipped zh → en table: every pair is copied from a reviewed bilingual table of the app
// (nothing invented), and a name it does not know is marked, not translated.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chineseLabelNames, zhEnLabelEntries } from '../../main/engines/chinese-label-names.ts';
import { labelFileUrl } from '../../main/engines/local/local-labels.ts';

const localTable = JSON.parse(readFileSync(labelFileUrl, 'utf8')) as {
  coco: { name: string; zh: string; en: string }[];
  extra: { name: string; zh: string; en: string }[];
};
const localByName = new Map([...localTable.coco, ...localTable.extra].map((e) => [e.name, e]));

describe(chineseLabelNames.name, () => {
  it('every entry names its source, and the source has exactly this pair', () => {
    expect(zhEnLabelEntries.length).toBeGreaterThan(80);
    for (const entry of zhEnLabelEntries) {
      const match = /^local-labels\.json: (.+)$/.exec(entry.source);
      expect(match, entry.source).not.toBeNull();
      const source = localByName.get(match?.[1] ?? '');
      expect(source, entry.source).toMatchObject({ zh: entry.zh, en: entry.en });
    }
  });

  it('each Chinese name appears once', () => {
    const names = zhEnLabelEntries.map((e) => e.zh);
    expect(new Set(names).size).toBe(names.length);
  });

  it('gives the English name when known and marks it missing otherwise', () => {
    expect(chineseLabelNames(' 狗 ')).toEqual({ zh: '狗', en: 'Dog', enKnown: true, name: 'dog' });
    expect(chineseLabelNames('柯基')).toEqual({
      zh: '柯基',
      en: '柯基',
      enKnown: false,
      name: '柯基',
    });
  });
});
