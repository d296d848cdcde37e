// The progress line: a label from outside (a file name) cannot drive the terminal.
import { describe, expect, it } from 'vitest';
import { renderProgressLine } from '../../main/cli/progress-bar.ts';

describe(renderProgressLine.name, () => {
  it('escapes control characters in the label', () => {
    const line = renderProgressLine(1, 4, 1000, 'evil\x1b[2J\r\nname.jpg');
    // eslint-disable-next-line no-control-regex -- looking for control characters
    expect(line).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
    expect(line).toContain('evil\\x1b[2J\\r\\nname.jpg');
  });
});
