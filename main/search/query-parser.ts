// The search language typed in one box (DESIGN.md §6, issue 6): tag words in Chinese or
// English, `a OR b`, `-a`, quoted phrases, parentheses and filters (`type:object`,
// `date:2023-05..2023-08`, `faces:2+`, …, with Chinese aliases such as `类型:` or `日期:`).
// `parseQuery` turns the text into a syntax tree or throws a `QueryParseError` that says
// where and what; it never throws anything else, whatever the input (test/search has a
// fuzz test). The tree is plain data: the planner (search-planner.ts) turns it into SQL with
// bound parameters, so nothing typed here ever becomes SQL text.
import { tagTypes, TagSource, type TagType } from '../engines/tag-model.ts';
import { formatTypedWord, typedWordPrefix } from './person-words.ts';

export const photoStatuses = ['ok', 'pending', 'broken', 'skipped', 'missing'] as const;
export type PhotoStatus = (typeof photoStatuses)[number];
export type StatusValue = PhotoStatus | 'offline' | 'online';

export const hasValues = ['boxes', 'text', 'tags', 'faces', 'date', 'location'] as const;
export type HasValue = (typeof hasValues)[number];

export type ConfOp = '>' | '>=' | '<' | '<=';

export type QueryFilter =
  | { readonly field: 'type'; readonly value: TagType }
  | { readonly field: 'engine'; readonly value: TagSource }
  | { readonly field: 'conf'; readonly op: ConfOp; readonly value: number }
  /** Taken-at range in ms since the epoch, `from` inclusive, `to` exclusive; null is open. */
  | { readonly field: 'date'; readonly from: number | null; readonly to: number | null }
  | { readonly field: 'camera'; readonly value: string }
  | { readonly field: 'folder'; readonly value: string }
  /** Words read in the photo contain this text (`text:"…"`, `文字:`): main/catalog/photo-text.ts. */
  | { readonly field: 'text'; readonly value: string }
  | { readonly field: 'faces'; readonly min: number; readonly max: number | null }
  | { readonly field: 'has'; readonly value: HasValue }
  | { readonly field: 'status'; readonly value: StatusValue }
  /** Photos near-duplicate to a photo (`similar:<photo id>`, `相似:`): catalog/perceptual-hashes.ts. */
  | { readonly field: 'similar'; readonly photoId: number }
  /** Taken within `km` of a point (`near:31.23,121.47,5`, `附近:`): [Note: Area search]. */
  | { readonly field: 'near'; readonly lat: number; readonly lon: number; readonly km: number }
  /** Taken inside a box (`area:south,west,north,east`, `区域:`); west > east crosses ±180°. */
  | {
      readonly field: 'area';
      readonly south: number;
      readonly west: number;
      readonly north: number;
      readonly east: number;
    };

export type QueryNode =
  | { readonly kind: 'all' }
  | { readonly kind: 'and'; readonly children: readonly QueryNode[] }
  | { readonly kind: 'or'; readonly children: readonly QueryNode[] }
  | { readonly kind: 'not'; readonly child: QueryNode }
  /**
   * A tag word or quoted phrase, as typed (matching normalises it). `prefix`: the word is
   * still being typed, so it matches every tag with a term starting with it.
   */
  | {
      readonly kind: 'word';
      readonly text: string;
      readonly quoted: boolean;
      readonly prefix?: boolean;
      /** `person:"Li Wei"`: only tags of this type (person-words.ts). */
      readonly tagType?: TagType;
    }
  | { readonly kind: 'filter'; readonly filter: QueryFilter };

/** A query that cannot be parsed: `position` is the 0-based index in the text. */
export class QueryParseError extends Error {
  constructor(
    message: string,
    readonly position: number,
    readonly length: number = 1,
  ) {
    super(message);
    this.name = 'QueryParseError';
  }
}

/** Limits that keep the generated SQL within SQLite's expression depth and size. */
export const queryLimits = { maxLength: 2000, maxTerms: 100, maxDepth: 20 } as const;

// Filter names and their aliases (Chinese where natural). Keys are lower case.
const filterNames: Record<string, QueryFilter['field'] | 'conf'> = {
  type: 'type',
  类型: 'type',
  engine: 'engine',
  引擎: 'engine',
  conf: 'conf',
  confidence: 'conf',
  置信度: 'conf',
  date: 'date',
  year: 'date',
  日期: 'date',
  camera: 'camera',
  相机: 'camera',
  folder: 'folder',
  文件夹: 'folder',
  faces: 'faces',
  face: 'faces',
  人脸: 'faces',
  has: 'has',
  有: 'has',
  status: 'status',
  状态: 'status',
  text: 'text',
  文字: 'text',
  similar: 'similar',
  相似: 'similar',
  near: 'near',
  附近: 'near',
  area: 'area',
  bbox: 'area',
  区域: 'area',
};

const typeValues: Record<string, TagType> = {
  object: 'object',
  物体: 'object',
  对象: 'object',
  scene: 'scene',
  场景: 'scene',
  concept: 'concept',
  概念: 'concept',
  person: 'person',
  人物: 'person',
};

// Every engine id (from the one registry) is a value, plus the Chinese names users type.
const engineValues: Record<string, TagSource> = {
  ...(Object.fromEntries(TagSource.options.map((id) => [id, id])) as Record<string, TagSource>),
  本地: 'local',
  华为: 'huawei',
  火山: 'volcengine',
  火山引擎: 'volcengine',
  阿里: 'aliyun',
  阿里云: 'aliyun',
  视觉模型: 'vlm',
  大模型: 'vlm',
  腾讯: 'tencent',
  腾讯云: 'tencent',
  百度: 'baidu',
  百度智能云: 'baidu',
  文字: 'text',
  文字识别: 'text',
  用户: 'user',
};

const hasAliases: Record<string, HasValue> = {
  boxes: 'boxes',
  box: 'boxes',
  框: 'boxes',
  text: 'text',
  文字: 'text',
  tags: 'tags',
  标签: 'tags',
  faces: 'faces',
  face: 'faces',
  人脸: 'faces',
  date: 'date',
  日期: 'date',
  location: 'location',
  gps: 'location',
  位置: 'location',
};

const statusAliases: Record<string, StatusValue> = {
  ok: 'ok',
  正常: 'ok',
  pending: 'pending',
  待处理: 'pending',
  broken: 'broken',
  损坏: 'broken',
  skipped: 'skipped',
  跳过: 'skipped',
  missing: 'missing',
  缺失: 'missing',
  offline: 'offline',
  离线: 'offline',
  online: 'online',
  在线: 'online',
};

/** Bare keywords: `tagged` / `-tagged` (and `untagged`) test whether a photo has any tag. */
const taggedWords: Record<string, boolean> = {
  tagged: true,
  已标记: true,
  untagged: false,
  未标记: false,
};

// ---------------------------------------------------------------------------------------
// Tokens

type Token =
  | { t: 'lparen' | 'rparen' | 'or' | 'and' | 'not' | 'minus'; start: number; end: number }
  | {
      t: 'word';
      text: string;
      quoted: boolean;
      start: number;
      end: number;
      tagType?: TagType;
    }
  | { t: 'filter'; filter: QueryFilter; negated: boolean; start: number; end: number };

const quoteOpen = new Set(['"', '“', '”', '「']);
const quoteClose: Record<string, string> = { '"': '"', '“': '”', '”': '”', '「': '」' };
const lparens = new Set(['(', '（']);
const rparens = new Set([')', '）']);
const isSpace = (c: string): boolean => /\s/u.test(c);
const isMinus = (c: string): boolean => c === '-' || c === '－';
const compareRe = /^([\p{L}\p{N}_]+)(>=|<=|>|<|=|:|：|＞|＜)/u;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (lparens.has(c)) {
      tokens.push({ t: 'lparen', start: i, end: i + 1 });
      i++;
      continue;
    }
    if (rparens.has(c)) {
      tokens.push({ t: 'rparen', start: i, end: i + 1 });
      i++;
      continue;
    }
    if (c === '|') {
      tokens.push({ t: 'or', start: i, end: i + 1 });
      i++;
      continue;
    }
    const after = text.charAt(i + 1);
    if (isMinus(c) && after !== '' && !isSpace(after) && !isMinus(after) && !rparens.has(after)) {
      // A minus right before a term negates it; any other minus is just text (`--`, `a - b`).
      tokens.push({ t: 'minus', start: i, end: i + 1 });
      i++;
      continue;
    }
    if (quoteOpen.has(c)) {
      const { value, end } = readQuoted(text, i);
      tokens.push({ t: 'word', text: value, quoted: true, start: i, end });
      i = end;
      continue;
    }
    // A bare run: up to whitespace, a parenthesis or a quote (a filter value may be quoted).
    let j = i;
    while (j < text.length) {
      const d = text.charAt(j);
      if (isSpace(d) || lparens.has(d) || rparens.has(d) || quoteOpen.has(d)) break;
      j++;
    }
    const run = text.slice(i, j);
    if (run === 'OR') tokens.push({ t: 'or', start: i, end: j });
    else if (run === 'AND') tokens.push({ t: 'and', start: i, end: j });
    else if (run === 'NOT') tokens.push({ t: 'not', start: i, end: j });
    else {
      const m = compareRe.exec(run);
      const field = m?.[1] !== undefined ? filterNames[m[1].toLowerCase()] : undefined;
      const wordType =
        m?.[1] !== undefined && m[2] !== undefined && normaliseOp(m[2]) === ':'
          ? typedWordPrefix(m[1])
          : undefined;
      if (m && wordType !== undefined) {
        let value = run.slice(m[0].length);
        let end = j;
        let quoted = false;
        if (value === '' && j < text.length && quoteOpen.has(text.charAt(j))) {
          ({ value, end } = readQuoted(text, j));
          quoted = true;
        }
        if (value.trim() === '') valueError(m[1] ?? '', value, i + m[0].length, 'a name');
        tokens.push({ t: 'word', text: value, quoted, start: i, end, tagType: wordType });
        j = end;
      } else if (m?.[1] !== undefined && m[2] !== undefined && field !== undefined) {
        let value = run.slice(m[0].length);
        let end = j;
        if (value === '' && j < text.length && quoteOpen.has(text.charAt(j))) {
          const quoted = readQuoted(text, j);
          value = quoted.value;
          end = quoted.end;
        }
        const op = normaliseOp(m[2]);
        const valueStart = i + m[0].length;
        tokens.push({
          t: 'filter',
          filter: parseFilter(field, m[1], op, value, valueStart),
          negated: false,
          start: i,
          end,
        });
        j = end;
      } else if (
        m?.[1] !== undefined &&
        /^[a-z]+$/i.test(m[1]) &&
        m[2] !== '=' &&
        !/^\d/.test(m[1])
      ) {
        const known = [...new Set(Object.keys(filterNames).filter((k) => /^[a-z]+$/.test(k)))];
        throw new QueryParseError(
          `Unknown filter "${m[1]}" at position ${i + 1}. Filters: ${known.join(', ')}. ` +
            `To search for the text itself, put it in quotes.`,
          i,
          m[1].length,
        );
      } else {
        const tagged = taggedWords[run.toLowerCase()];
        if (tagged !== undefined) {
          const filter: QueryFilter = { field: 'has', value: 'tags' };
          tokens.push({ t: 'filter', filter, negated: !tagged, start: i, end: j });
        } else tokens.push({ t: 'word', text: run, quoted: false, start: i, end: j });
      }
    }
    i = j;
  }
  return tokens;
}

function readQuoted(text: string, start: number): { value: string; end: number } {
  const close = quoteClose[text.charAt(start)] ?? '"';
  const end = text.indexOf(close, start + 1);
  if (end < 0) {
    throw new QueryParseError(
      `Unclosed quote at position ${start + 1}: add the closing ${close}.`,
      start,
      text.length - start,
    );
  }
  return { value: text.slice(start + 1, end), end: end + 1 };
}

function normaliseOp(op: string): string {
  if (op === '：') return ':';
  if (op === '＞') return '>';
  if (op === '＜') return '<';
  return op;
}

// ---------------------------------------------------------------------------------------
// Filter values

function valueError(name: string, value: string, position: number, expected: string): never {
  const shown = value === '' ? 'nothing' : `"${value}"`;
  throw new QueryParseError(
    `${name}: got ${shown} at position ${position + 1}; expected ${expected}.`,
    position,
    Math.max(1, value.length),
  );
}

function parseFilter(
  field: QueryFilter['field'],
  name: string,
  op: string,
  value: string,
  at: number,
): QueryFilter {
  const key = value.trim().toLowerCase();
  if (field !== 'conf' && op !== ':' && op !== '=') {
    throw new QueryParseError(
      `${name}: use "${name}:value" at position ${at - op.length + 1} (comparisons like ${op} work only with conf).`,
      at - op.length,
      op.length,
    );
  }
  switch (field) {
    case 'type': {
      const type = typeValues[key];
      if (!type) return valueError(name, value, at, tagTypes.join(', '));
      return { field, value: type };
    }
    case 'engine': {
      const engine = engineValues[key];
      if (!engine)
        return valueError(
          name,
          value,
          at,
          `${TagSource.options.slice(0, -1).join(', ')} or ${TagSource.options.at(-1) ?? 'user'}`,
        );
      return { field, value: engine };
    }
    case 'conf':
      return parseConf(name, op, value, at);
    case 'date':
      return parseDateRange(name, value, at);
    case 'camera':
    case 'folder':
    case 'text':
      if (value.trim() === '')
        return valueError(name, value, at, 'some text (quote it if it has spaces)');
      return { field, value: value.trim() };
    case 'faces': {
      const m = /^(\d{1,3})(\+|-(\d{1,3}))?$/.exec(key);
      if (!m?.[1]) return valueError(name, value, at, 'a count like 2, 2+ or 1-3');
      const min = Number(m[1]);
      const max = m[2] === '+' ? null : m[3] !== undefined ? Number(m[3]) : min;
      if (max !== null && max < min)
        return valueError(name, value, at, 'a range whose end is not below its start');
      return { field, min, max };
    }
    case 'has': {
      const has = hasAliases[key];
      if (!has) return valueError(name, value, at, hasValues.join(', '));
      return { field, value: has };
    }
    case 'status': {
      const status = statusAliases[key];
      if (!status) {
        return valueError(name, value, at, [...photoStatuses, 'offline', 'online'].join(', '));
      }
      return { field, value: status };
    }
    case 'similar': {
      if (!/^\d{1,15}$/.test(key) || Number(key) < 1) {
        return valueError(name, value, at, 'a photo id, like similar:42');
      }
      return { field, photoId: Number(key) };
    }
    case 'near':
      return parseNear(name, value, at);
    case 'area':
      return parseArea(name, value, at);
  }
}

/** Radius of `near:` when none is given, and the largest one (see [Note: Area search]). */
export const nearDefaultKm = 5;
export const nearMaxKm = 1000;

/** Comma-separated decimal numbers (`，` too), or null when any part is not one. */
function decimals(value: string): number[] | null {
  const parts = value.trim().split(/[,，]/u);
  const numbers = parts.map((p) => p.trim().replace(/km$/iu, ''));
  // As JavaScript prints a double (the map writes a cluster's exact bounds): up to 17
  // significant digits, and an exponent for tiny values (1e-7).
  if (numbers.some((n) => !/^-?\d{1,3}(\.\d{1,20})?(e-?\d{1,3})?$/i.test(n))) return null;
  return numbers.map(Number);
}

/** `near:lat,lon` or `near:lat,lon,km` (`km` suffix allowed). */
function parseNear(name: string, value: string, at: number): QueryFilter {
  const n = decimals(value);
  const expected = `a latitude, longitude and optional radius in km, like ${name}:31.23,121.47,5`;
  if (n?.length !== 2 && n?.length !== 3) return valueError(name, value, at, expected);
  const [lat = 0, lon = 0, km = nearDefaultKm] = n;
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) {
    return valueError(
      name,
      value,
      at,
      'a latitude from -90 to 90 and a longitude from -180 to 180',
    );
  }
  if (!(km > 0 && km <= nearMaxKm)) {
    return valueError(name, value, at, `a radius above 0 and at most ${String(nearMaxKm)} km`);
  }
  return { field: 'near', lat, lon, km };
}

/** `area:south,west,north,east` in degrees. */
function parseArea(name: string, value: string, at: number): QueryFilter {
  const n = decimals(value);
  if (n?.length !== 4) {
    return valueError(
      name,
      value,
      at,
      `south,west,north,east in degrees, like ${name}:30,120,32,122`,
    );
  }
  const [south = 0, west = 0, north = 0, east = 0] = n;
  if ([south, north].some((v) => Math.abs(v) > 90) || [west, east].some((v) => Math.abs(v) > 180)) {
    return valueError(name, value, at, 'latitudes from -90 to 90 and longitudes from -180 to 180');
  }
  if (south > north) return valueError(name, value, at, 'a south edge not above the north edge');
  return { field: 'area', south, west, north, east };
}

function parseConf(name: string, op: string, value: string, at: number): QueryFilter {
  let v = value.trim();
  let o = op;
  // `conf:>80` and `conf:80` (meaning at least 80) are accepted too.
  const inner = /^(>=|<=|>|<)/.exec(v);
  if ((o === ':' || o === '=') && inner?.[1]) {
    o = inner[1];
    v = v.slice(inner[1].length);
  }
  if (o === ':' || o === '=') o = '>=';
  const num = v.endsWith('%') ? v.slice(0, -1) : v;
  if (!/^\d{1,3}(\.\d+)?$/.test(num) || Number(num) > 100) {
    return valueError(name, value, at, 'a confidence from 0 to 100, like conf>80');
  }
  return { field: 'conf', op: o as ConfOp, value: Number(num) };
}

/** One calendar point: year, month or day, as [start, end) in ms (UTC wall clock). */
function parseDatePoint(text: string): { start: number; end: number } | null {
  const m = /^(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?$/.exec(text);
  if (!m?.[1]) return null;
  const year = Number(m[1]);
  if (year < 1800 || year > 2200) return null;
  if (m[2] === undefined) return { start: Date.UTC(year, 0, 1), end: Date.UTC(year + 1, 0, 1) };
  const month = Number(m[2]);
  if (month < 1 || month > 12) return null;
  if (m[3] === undefined) {
    return { start: Date.UTC(year, month - 1, 1), end: Date.UTC(year, month, 1) };
  }
  const day = Number(m[3]);
  const start = Date.UTC(year, month - 1, day);
  if (day < 1 || new Date(start).getUTCMonth() !== month - 1) return null;
  return { start, end: Date.UTC(year, month - 1, day + 1) };
}

/**
 * `date:2023`, `date:2023-05`, `date:2023-05-04`, ranges `2023-05..2023-08` (both ends
 * inclusive) and open ranges `2023..` / `..2023`.
 *
 * Calendar boundaries use UTC arithmetic: see [Note: taken_at is wall-clock time] in
 * main/library/photo-metadata.ts; `date:2023-05-04` means the day the camera showed.
 */
function parseDateRange(name: string, value: string, at: number): QueryFilter {
  const text = value.trim();
  const expected = 'a date like 2023, 2023-05, 2023-05-04 or a range 2023-05..2023-08';
  const dots = text.indexOf('..');
  if (dots < 0) {
    const point = parseDatePoint(text);
    if (!point) return valueError(name, value, at, expected);
    return { field: 'date', from: point.start, to: point.end };
  }
  const left = text.slice(0, dots);
  const right = text.slice(dots + 2);
  if (left === '' && right === '') return valueError(name, value, at, expected);
  const from = left === '' ? null : parseDatePoint(left);
  const to = right === '' ? null : parseDatePoint(right);
  if (left !== '' && !from) return valueError(name, left, at, expected);
  if (right !== '' && !to) return valueError(name, right, at + dots + 2, expected);
  if (from && to && to.end <= from.start) {
    return valueError(name, value, at, 'a range whose end is not before its start');
  }
  return { field: 'date', from: from?.start ?? null, to: to?.end ?? null };
}

// ---------------------------------------------------------------------------------------
// Parser (recursive descent)
//   query  := or EOF
//   or     := and ((OR | '|') and)*
//   and    := unary (AND? unary)*
//   unary  := ('-' | NOT) unary | primary
//   primary:= '(' or ')' | word | phrase | filter

class Parser {
  private pos = 0;
  private terms = 0;
  private depth = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly textLength: number,
    /** The final token, when it is an unquoted word being typed (see ParseOptions). */
    private readonly prefixToken: Token | null = null,
  ) {}

  parse(): QueryNode {
    if (this.tokens.length === 0) return { kind: 'all' };
    const node = this.parseOr();
    const extra = this.tokens[this.pos];
    if (extra) {
      throw new QueryParseError(
        extra.t === 'rparen'
          ? `Unmatched ")" at position ${extra.start + 1}.`
          : `Unexpected text at position ${extra.start + 1}.`,
        extra.start,
      );
    }
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private parseOr(): QueryNode {
    const children = [this.parseAnd()];
    for (let t = this.peek(); t?.t === 'or'; t = this.peek()) {
      this.pos++;
      const next = this.peek();
      if (!next || next.t === 'rparen' || next.t === 'or' || next.t === 'and') {
        throw new QueryParseError(
          `"OR" at position ${t.start + 1} needs a term after it.`,
          t.start,
          t.end - t.start,
        );
      }
      children.push(this.parseAnd());
    }
    return children.length === 1 && children[0] ? children[0] : { kind: 'or', children };
  }

  private parseAnd(): QueryNode {
    const children: QueryNode[] = [];
    for (;;) {
      const t = this.peek();
      if (!t || t.t === 'rparen' || t.t === 'or') break;
      if (t.t === 'and') {
        this.pos++;
        const next = this.peek();
        if (
          children.length === 0 ||
          !next ||
          next.t === 'rparen' ||
          next.t === 'or' ||
          next.t === 'and'
        ) {
          throw new QueryParseError(
            `"AND" at position ${t.start + 1} needs a term on both sides.`,
            t.start,
            t.end - t.start,
          );
        }
        continue;
      }
      children.push(this.parseUnary());
    }
    if (children.length === 0) {
      const t = this.peek();
      const at = t?.start ?? this.textLength;
      throw new QueryParseError(
        t?.t === 'or'
          ? `"OR" at position ${at + 1} needs a term before it.`
          : `Expected a search term at position ${at + 1}.`,
        at,
      );
    }
    return children.length === 1 && children[0] ? children[0] : { kind: 'and', children };
  }

  private parseUnary(): QueryNode {
    const t = this.peek();
    if (t && (t.t === 'minus' || t.t === 'not')) {
      this.pos++;
      const next = this.peek();
      if (!next || next.t === 'rparen' || next.t === 'or' || next.t === 'and') {
        throw new QueryParseError(
          `"${t.t === 'minus' ? '-' : 'NOT'}" at position ${t.start + 1} needs a term after it.`,
          t.start,
          Math.max(1, t.end - t.start),
        );
      }
      return { kind: 'not', child: this.parseUnary() };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): QueryNode {
    const t = this.peek();
    if (!t) throw new QueryParseError(`Expected a search term at the end.`, this.textLength);
    switch (t.t) {
      case 'lparen': {
        this.pos++;
        this.depth++;
        if (this.depth > queryLimits.maxDepth) {
          throw new QueryParseError(
            `Too many nested parentheses at position ${t.start + 1} (at most ${queryLimits.maxDepth}).`,
            t.start,
          );
        }
        if (this.peek()?.t === 'rparen') {
          throw new QueryParseError(`Empty parentheses at position ${t.start + 1}.`, t.start, 2);
        }
        const inner = this.parseOr();
        const close = this.peek();
        if (close?.t !== 'rparen') {
          throw new QueryParseError(`Unclosed "(" at position ${t.start + 1}.`, t.start);
        }
        this.pos++;
        this.depth--;
        return inner;
      }
      case 'word':
        this.pos++;
        this.countTerm(t.start);
        if (t.text.trim() === '') {
          throw new QueryParseError(
            `Empty quotes at position ${t.start + 1}.`,
            t.start,
            t.end - t.start,
          );
        }
        if (t.tagType !== undefined) {
          return { kind: 'word', text: t.text, quoted: t.quoted, tagType: t.tagType };
        }
        return t === this.prefixToken
          ? { kind: 'word', text: t.text, quoted: false, prefix: true }
          : { kind: 'word', text: t.text, quoted: t.quoted };
      case 'filter':
        this.pos++;
        this.countTerm(t.start);
        return t.negated
          ? { kind: 'not', child: { kind: 'filter', filter: t.filter } }
          : { kind: 'filter', filter: t.filter };
      case 'rparen':
        throw new QueryParseError(`Unmatched ")" at position ${t.start + 1}.`, t.start);
      case 'or':
      case 'and':
      case 'not':
      case 'minus':
        throw new QueryParseError(`Unexpected operator at position ${t.start + 1}.`, t.start);
    }
  }

  private countTerm(at: number): void {
    this.terms++;
    if (this.terms > queryLimits.maxTerms) {
      throw new QueryParseError(
        `Too many search terms (at most ${queryLimits.maxTerms}); the rest starts at position ${at + 1}.`,
        at,
      );
    }
  }
}

export interface ParseOptions {
  /**
   * Search as you type: the last word, when unquoted and not yet followed by a space, is a
   * prefix of a tag name (`do` finds dog), as the autocomplete under the box suggests.
   */
  readonly lastWordPrefix?: boolean;
}

/** Parse a query typed by the user. Throws only `QueryParseError`. */
export function parseQuery(text: string, options: ParseOptions = {}): QueryNode {
  if (text.length > queryLimits.maxLength) {
    throw new QueryParseError(
      `The query is too long (${text.length} characters; at most ${queryLimits.maxLength}).`,
      queryLimits.maxLength,
    );
  }
  const tokens = tokenize(wellFormed(text));
  const last = tokens[tokens.length - 1];
  const prefixToken =
    options.lastWordPrefix === true &&
    last?.t === 'word' &&
    !last.quoted &&
    last.end === text.length &&
    !/\s$/.test(text)
      ? last
      : null;
  return new Parser(tokens, text.length, prefixToken).parse();
}

/**
 * The text as SQLite will see it, so every evaluator agrees (search-snapshot.ts): SQLite reads
 * a bound LIKE pattern as a C string (a NUL would silently end it) and stores text as UTF-8 (a
 * lone surrogate becomes U+FFFD). Both are replaced one for one, so error positions still hold.
 */
function wellFormed(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0) {
      out += ' ';
    } else if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += text.slice(i, i + 2);
        i++;
      } else {
        out += '\ufffd';
      }
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      out += '\ufffd';
    } else {
      out += text.charAt(i);
    }
  }
  return out;
}

/** Render a tree back to query text (used for tests and for bulk actions that save a query). */
export function formatQuery(node: QueryNode): string {
  switch (node.kind) {
    case 'all':
      return '';
    case 'and':
      return node.children
        .map((c) => (c.kind === 'or' || c.kind === 'and' ? `(${formatQuery(c)})` : formatQuery(c)))
        .join(' ');
    case 'or':
      return node.children
        .map((c) => (c.kind === 'and' || c.kind === 'or' ? `(${formatQuery(c)})` : formatQuery(c)))
        .join(' OR ');
    case 'not':
      return node.child.kind === 'and' || node.child.kind === 'or' || node.child.kind === 'not'
        ? `-(${formatQuery(node.child)})`
        : `-${formatQuery(node.child)}`;
    case 'word':
      if (node.tagType !== undefined) return formatTypedWord(node.tagType, node.text, node.quoted);
      return node.quoted || /[\s()"|:]|^-|^(OR|AND|NOT)$/.test(node.text)
        ? `"${node.text}"`
        : node.text;
    case 'filter':
      return formatFilter(node.filter);
  }
}

function formatFilter(f: QueryFilter): string {
  switch (f.field) {
    case 'type':
    case 'engine':
    case 'has':
    case 'status':
      return `${f.field}:${f.value}`;
    case 'conf':
      return `conf${f.op}${f.value}`;
    case 'camera':
    case 'folder':
    case 'text':
      return `${f.field}:"${f.value}"`;
    case 'faces':
      return `faces:${f.min}${f.max === null ? '+' : f.max === f.min ? '' : `-${f.max}`}`;
    case 'similar':
      return `similar:${String(f.photoId)}`;
    case 'near':
      return `near:${String(f.lat)},${String(f.lon)},${String(f.km)}`;
    case 'area':
      return `area:${[f.south, f.west, f.north, f.east].map(String).join(',')}`;
    case 'date': {
      const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
      const from = f.from === null ? '' : day(f.from);
      const to = f.to === null ? '' : day(f.to - 1);
      return `date:${from}..${to}`;
    }
  }
}
