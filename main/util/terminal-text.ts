// Text from outside (file and folder names, tag names from XMP, engine and OS error messages)
// made safe to show on a terminal.
//
// [Note: Control characters never reach the terminal raw]
// A file named `\x1b]0;pwned\x07photo.jpg` or `a\rbroken: 0.jpg` printed raw would retitle the
// terminal, move the cursor or forge lines of `tujian failures`. Every human-readable output
// goes through this module: the CLI's `print` and its error lines (`escapeTerminalLines`, which
// keeps the line breaks of our own multi-line text), the stderr logger, the progress bar, and
// each place that puts one outside value into one line (`escapeControlChars`, which escapes
// line breaks too, so a name cannot start a fake line). `--json` output is not touched: JSON
// already escapes control characters, and it must stay exact.
//
// Escaped: C0 controls (U+0000–U+001F), DEL, C1 controls (U+0080–U+009F, which some terminals
// obey as 8-bit CSI/OSC), and the bidirectional overrides and isolates (U+202A–U+202E,
// U+2066–U+2069) that make text display in another order than it is ("Trojan Source").
// Backslashes are left alone so Windows paths stay readable.

const named: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

// Matching control characters is the point of these two (hence no-control-regex is off).
// eslint-disable-next-line no-control-regex -- see above
const controlChars = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
/** The same, minus the line feed. */
const controlCharsButNewline =
  // eslint-disable-next-line no-control-regex -- see above
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function escapeOne(char: string): string {
  const name = named[char];
  if (name !== undefined) return name;
  const code = char.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One outside value for one line: every control character escaped, line breaks included. */
export function escapeControlChars(text: string): string {
  return text.replace(controlChars, escapeOne);
}

/** Our own (possibly multi-line) text with outside values in it: line feeds kept, the rest escaped. */
export function escapeTerminalLines(text: string): string {
  return text.replace(controlCharsButNewline, escapeOne);
}
