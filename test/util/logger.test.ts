// The stderr logger on a real stream: one entry is one line, whatever names it carries.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createStderrLogger } from '../../main/util/logger.ts';

describe(createStderrLogger.name, () => {
  it('escapes control characters in the message and the fields', () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const log = createStderrLogger({ verbose: true, stream });
    log.warn('broken: /photos/evil\x1b]0;pwned\x07\n[error] fake.jpg', {
      file: 'a\u009b2Jb',
    });
    // eslint-disable-next-line no-control-regex -- looking for control characters
    expect(text).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
    expect(text.split('\n')).toEqual([
      '[warn] broken: /photos/evil\\x1b]0;pwned\\x07\\n[error] fake.jpg {"file":"a\\x9b2Jb"}',
      '',
    ]);
  });
});
