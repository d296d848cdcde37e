// Outside text on a terminal: what is escaped, what is kept.
import { describe, expect, it } from 'vitest';
import { escapeControlChars, escapeTerminalLines } from '../../main/util/terminal-text.ts';

// Every character a terminal may obey: C0, DEL, C1, bidi overrides and isolates.
const dangerous = [
  ...Array.from({ length: 0x20 }, (_, i) => i),
  0x7f,
  ...Array.from({ length: 0x20 }, (_, i) => 0x80 + i),
  0x202a,
  0x202b,
  0x202c,
  0x202d,
  0x202e,
  0x2066,
  0x2067,
  0x2068,
  0x2069,
].map((code) => String.fromCharCode(code));

describe(escapeControlChars.name, () => {
  it('escapes every control character, line breaks included, visibly', () => {
    for (const char of dangerous) {
      const escaped = escapeControlChars(`a${char}b`);
      expect(escaped).toMatch(/^a\\(x[0-9a-f]{2}|u[0-9a-f]{4}|n|r|t)b$/);
    }
    expect(escapeControlChars('evil\x1b]0;pwned\x07\nbroken: 0.jpg')).toBe(
      'evil\\x1b]0;pwned\\x07\\nbroken: 0.jpg',
    );
    expect(escapeControlChars('\u009b31m')).toBe('\\x9b31m');
    expect(escapeControlChars('photo\u202Egpj.exe')).toBe('photo\\u202egpj.exe');
  });

  it('keeps ordinary text as it is: CJK, emoji, backslashes, quotes', () => {
    const plain = '图鉴 照片 📷 C:\\Users\\me "x" \'y\' é';
    expect(escapeControlChars(plain)).toBe(plain);
  });
});

describe(escapeTerminalLines.name, () => {
  it('keeps line feeds and escapes everything else', () => {
    expect(escapeTerminalLines('line 1\nline \x1b[2J2\r')).toBe('line 1\nline \\x1b[2J2\\r');
    for (const char of dangerous.filter((c) => c !== '\n'))
      expect(escapeTerminalLines(char)).not.toBe(char);
  });
});
