import { describe, expect, it } from 'vitest';
import {
  formatQuery,
  parseQuery,
  QueryParseError,
  queryLimits,
  type QueryNode,
} from '../../main/search/query-parser.ts';

const word = (text: string, quoted = false): QueryNode => ({ kind: 'word', text, quoted });
const utc = (s: string) => Date.parse(`${s}T00:00:00Z`);

/** The tree without the `quoted` flag, which only records how a word was typed. */
function unquoted(node: QueryNode): unknown {
  return JSON.parse(JSON.stringify(node, (k, v: unknown) => (k === 'quoted' ? undefined : v)));
}

function parseError(text: string): QueryParseError {
  try {
    parseQuery(text);
  } catch (error) {
    if (error instanceof QueryParseError) return error;
    throw error;
  }
  throw new Error(`expected a parse error for ${text}`);
}

describe(parseQuery.name, () => {
  it('parses words, AND, OR, NOT, phrases and parentheses with OR binding loosest', () => {
    expect(parseQuery('')).toEqual({ kind: 'all' });
    expect(parseQuery('   ')).toEqual({ kind: 'all' });
    expect(parseQuery('狗')).toEqual(word('狗'));
    expect(parseQuery('dog beach')).toEqual({
      kind: 'and',
      children: [word('dog'), word('beach')],
    });
    expect(parseQuery('dog AND beach')).toEqual(parseQuery('dog beach'));
    expect(parseQuery('dog beach OR cat')).toEqual({
      kind: 'or',
      children: [{ kind: 'and', children: [word('dog'), word('beach')] }, word('cat')],
    });
    expect(parseQuery('dog (beach | cat)')).toEqual({
      kind: 'and',
      children: [word('dog'), { kind: 'or', children: [word('beach'), word('cat')] }],
    });
    expect(parseQuery('-dog NOT cat')).toEqual({
      kind: 'and',
      children: [
        { kind: 'not', child: word('dog') },
        { kind: 'not', child: word('cat') },
      ],
    });
    expect(parseQuery('"hot dog" t-shirt')).toEqual({
      kind: 'and',
      children: [word('hot dog', true), word('t-shirt')],
    });
    expect(parseQuery('-(狗 OR 猫)')).toEqual({
      kind: 'not',
      child: { kind: 'or', children: [word('狗'), word('猫')] },
    });
    // Lower-case "or" is a word (it could be a tag), like in web search engines.
    expect(parseQuery('dog or cat')).toEqual({
      kind: 'and',
      children: [word('dog'), word('or'), word('cat')],
    });
  });

  it('accepts full-width punctuation typed with a Chinese input method', () => {
    expect(parseQuery('（狗 | 猫） 类型：物体')).toEqual({
      kind: 'and',
      children: [
        { kind: 'or', children: [word('狗'), word('猫')] },
        { kind: 'filter', filter: { field: 'type', value: 'object' } },
      ],
    });
    expect(parseQuery('“热 狗”')).toEqual(word('热 狗', true));
    expect(parseQuery('置信度＞80')).toEqual({
      kind: 'filter',
      filter: { field: 'conf', op: '>', value: 80 },
    });
  });

  it('parses every filter and its Chinese alias', () => {
    const f = (text: string) => {
      const node = parseQuery(text);
      if (node.kind !== 'filter') throw new Error(`not a filter: ${text}`);
      return node.filter;
    };
    expect(f('type:scene')).toEqual({ field: 'type', value: 'scene' });
    expect(f('类型:概念')).toEqual({ field: 'type', value: 'concept' });
    expect(f('engine:huawei')).toEqual({ field: 'engine', value: 'huawei' });
    expect(f('engine:vlm')).toEqual({ field: 'engine', value: 'vlm' });
    expect(f('engine:视觉模型')).toEqual({ field: 'engine', value: 'vlm' });
    expect(f('引擎:用户')).toEqual({ field: 'engine', value: 'user' });
    expect(f('引擎:火山')).toEqual({ field: 'engine', value: 'volcengine' });
    expect(f('engine:tencent')).toEqual({ field: 'engine', value: 'tencent' });
    expect(f('引擎:腾讯云')).toEqual({ field: 'engine', value: 'tencent' });
    expect(f('engine:baidu')).toEqual({ field: 'engine', value: 'baidu' });
    expect(f('引擎:百度')).toEqual({ field: 'engine', value: 'baidu' });
    expect(f('conf>80')).toEqual({ field: 'conf', op: '>', value: 80 });
    expect(f('conf>=80')).toEqual({ field: 'conf', op: '>=', value: 80 });
    expect(f('conf<50')).toEqual({ field: 'conf', op: '<', value: 50 });
    expect(f('conf<=50.5')).toEqual({ field: 'conf', op: '<=', value: 50.5 });
    expect(f('conf:90')).toEqual({ field: 'conf', op: '>=', value: 90 });
    expect(f('conf:>90%')).toEqual({ field: 'conf', op: '>', value: 90 });
    expect(f('置信度>=70')).toEqual({ field: 'conf', op: '>=', value: 70 });
    expect(f('date:2023')).toEqual({
      field: 'date',
      from: utc('2023-01-01'),
      to: utc('2024-01-01'),
    });
    expect(f('日期:2024-02')).toEqual({
      field: 'date',
      from: utc('2024-02-01'),
      to: utc('2024-03-01'),
    });
    expect(f('date:2024-02-29')).toEqual({
      field: 'date',
      from: utc('2024-02-29'),
      to: utc('2024-03-01'),
    });
    expect(f('date:2023-05..2023-08')).toEqual({
      field: 'date',
      from: utc('2023-05-01'),
      to: utc('2023-09-01'),
    });
    expect(f('date:2020..')).toEqual({ field: 'date', from: utc('2020-01-01'), to: null });
    expect(f('date:..2020')).toEqual({ field: 'date', from: null, to: utc('2021-01-01') });
    expect(f('year:2019')).toEqual({
      field: 'date',
      from: utc('2019-01-01'),
      to: utc('2020-01-01'),
    });
    expect(f('camera:"Canon EOS"')).toEqual({ field: 'camera', value: 'Canon EOS' });
    expect(f('相机:iPhone')).toEqual({ field: 'camera', value: 'iPhone' });
    expect(f('folder:Trips')).toEqual({ field: 'folder', value: 'Trips' });
    expect(f('文件夹:"旅行 2023"')).toEqual({ field: 'folder', value: '旅行 2023' });
    expect(f('faces:2+')).toEqual({ field: 'faces', min: 2, max: null });
    expect(f('faces:0')).toEqual({ field: 'faces', min: 0, max: 0 });
    expect(f('人脸:1-3')).toEqual({ field: 'faces', min: 1, max: 3 });
    expect(f('has:boxes')).toEqual({ field: 'has', value: 'boxes' });
    expect(f('has:text')).toEqual({ field: 'has', value: 'text' });
    expect(f('有:文字')).toEqual({ field: 'has', value: 'text' });
    expect(f('status:offline')).toEqual({ field: 'status', value: 'offline' });
    expect(f('状态:损坏')).toEqual({ field: 'status', value: 'broken' });
    expect(f('STATUS:Missing')).toEqual({ field: 'status', value: 'missing' });
    expect(f('tagged')).toEqual({ field: 'has', value: 'tags' });
    expect(parseQuery('-tagged')).toEqual({
      kind: 'not',
      child: { kind: 'filter', filter: { field: 'has', value: 'tags' } },
    });
    expect(parseQuery('untagged')).toEqual(parseQuery('-tagged'));
    expect(parseQuery('-untagged')).toEqual({ kind: 'not', child: parseQuery('-tagged') });
    expect(parseQuery('"tagged"')).toEqual(word('tagged', true));
  });

  it('reports errors with their position and a clear message', () => {
    const cases: [string, number, RegExp][] = [
      ['dog "hot', 4, /Unclosed quote/],
      ['(dog cat', 0, /Unclosed "\("/],
      ['dog cat)', 7, /Unmatched "\)"/],
      ['dog OR', 4, /OR.*needs a term after/],
      ['OR dog', 0, /OR.*needs a term before/],
      ['dog NOT', 4, /"NOT".*needs a term/],
      ['dog ()', 4, /Empty parentheses/],
      ['type:animal', 5, /type: got "animal".*object, scene, concept/],
      ['engine:google', 7, /local, huawei/],
      ['conf>abc', 5, /confidence from 0 to 100/],
      ['conf>101', 5, /confidence from 0 to 100/],
      ['date:2023-13', 5, /expected a date/],
      ['date:2023-02-30', 5, /expected a date/],
      ['date:2023-08..2023-05', 5, /end is not before its start/],
      ['date:2023..abc', 11, /got "abc"/],
      ['faces:two', 6, /count like 2/],
      ['faces:3-1', 6, /not below its start/],
      ['has:wings', 4, /boxes, text/],
      ['status:gone', 7, /offline, online/],
      ['dog tpye:object', 4, /Unknown filter "tpye"/],
      ['type>object', 4, /comparisons like > work only with conf/],
      ['camera:', 7, /camera: got nothing/],
      ['dog AND', 4, /AND.*both sides/],
      ['""', 0, /Empty quotes/],
    ];
    for (const [text, position, message] of cases) {
      const error = parseError(text);
      expect(error.message, text).toMatch(message);
      expect(error.position, text).toBe(position);
      expect(error.message, text).toContain(`position ${position + 1}`);
    }
  });

  it('bounds nesting, term count and length with typed errors', () => {
    expect(parseError('('.repeat(queryLimits.maxDepth + 1) + 'dog').message).toMatch(/nested/);
    const many = Array.from({ length: queryLimits.maxTerms + 1 }, (_, i) => `w${i}`).join(' ');
    expect(parseError(many).message).toMatch(/Too many search terms/);
    expect(parseError('x'.repeat(queryLimits.maxLength + 1)).message).toMatch(/too long/);
  });

  it('treats SQL injection attempts as plain words', () => {
    expect(parseQuery("'; DROP TABLE photos; --")).toEqual({
      kind: 'and',
      children: [word("';"), word('DROP'), word('TABLE'), word('photos;'), word('--')],
    });
    expect(parseQuery('"x\' OR 1=1 --"')).toEqual(word("x' OR 1=1 --", true));
  });

  it('formats a tree back to text that parses to the same tree', () => {
    const texts = [
      'dog beach OR cat',
      '-(狗 OR 猫) "hot dog" type:scene engine:user conf>=80',
      'date:2023-05..2023-08 faces:2+ faces:1-3 has:text status:offline camera:"Canon EOS"',
      'folder:Trips -tagged date:2020.. date:..2019',
      'person:"Li Wei" -人物:爸爸 type:person',
    ];
    for (const text of texts) {
      const tree = parseQuery(text);
      expect(parseQuery(formatQuery(tree)), text).toEqual(tree);
    }
  });

  it('parses person words: a name only matched against persons (person:, people:, 人物:)', () => {
    const person = (text: string, quoted: boolean): QueryNode => ({
      kind: 'word',
      text,
      quoted,
      tagType: 'person',
    });
    expect(parseQuery('person:"Li Wei"')).toEqual(person('Li Wei', true));
    expect(parseQuery('人物：妈妈 -PEOPLE:爸爸 date:2024')).toEqual({
      kind: 'and',
      children: [
        person('妈妈', false),
        { kind: 'not', child: person('爸爸', false) },
        {
          kind: 'filter',
          filter: { field: 'date', from: utc('2024-01-01'), to: utc('2025-01-01') },
        },
      ],
    });
    expect(parseQuery('type:人物')).toEqual({
      kind: 'filter',
      filter: { field: 'type', value: 'person' },
    });
    expect(parseError('person:').message).toMatch(
      /person: got nothing at position 8; expected a name/,
    );
    expect(parseError('人物:""').message).toMatch(/expected a name/);
  });

  it('never throws anything but QueryParseError on random input (fuzz)', () => {
    // A fixed-seed PRNG so a failure is reproducible.
    let seed = 0x2545f491;
    const random = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 0x100000000;
    };
    const pieces = [
      'dog',
      '狗',
      ' ',
      ' ',
      '(',
      ')',
      '"',
      '“',
      '”',
      '-',
      'OR',
      'AND',
      'NOT',
      '|',
      ':',
      '：',
      '>',
      '>=',
      '<',
      '..',
      'type:',
      'engine:',
      'conf',
      'date:',
      '2023',
      '-05',
      'faces:',
      '2+',
      'has:',
      'text',
      'status:',
      '类型:',
      '置信度',
      'camera:',
      "'",
      ';',
      '%',
      '_',
      '\\',
      '\u0000',
      '😀',
      'tagged',
      '0',
      'x:y',
      'DROP TABLE photos',
      '（',
      '）',
      '「',
      '」',
      '\n',
      '\t',
      '－',
    ];
    let parsed = 0;
    let rejected = 0;
    for (let i = 0; i < 5000; i++) {
      const n = Math.floor(random() * 12);
      let text = '';
      for (let k = 0; k < n; k++) text += pieces[Math.floor(random() * pieces.length)] ?? '';
      if (random() < 0.2) {
        text = Array.from({ length: Math.floor(random() * 20) }, () =>
          String.fromCharCode(Math.floor(random() * 0x3000)),
        ).join('');
      }
      try {
        const tree = parseQuery(text);
        parsed++;
        // Whatever parses must format to text that parses to the same tree.
        expect(unquoted(parseQuery(formatQuery(tree))), JSON.stringify(text)).toEqual(
          unquoted(tree),
        );
      } catch (error) {
        if (!(error instanceof QueryParseError))
          throw new Error(`${JSON.stringify(text)}: ${String(error)}`);
        expect(error.position).toBeGreaterThanOrEqual(0);
        expect(error.position).toBeLessThanOrEqual(text.length);
        rejected++;
      }
    }
    expect(parsed).toBeGreaterThan(1000);
    expect(rejected).toBeGreaterThan(100);
  });
});
