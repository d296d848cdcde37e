// `tujian text <photo>`: the text read in one photo, line by line (with --json: each line's
// box, confidence, language and model), or why there is none (not read yet, no text found).
// `tujian show` prints the same lines after the tags (`printPhotoText`).
import { type PhotoTextReport, photoTextReport } from '../../catalog/photo-text.ts';
import { getPhoto } from '../../catalog/photos.ts';
import { escapeControlChars } from '../../util/terminal-text.ts';
import { type CliCommand } from '../cli-command.ts';
import { openCliContext } from '../cli-context.ts';
import { ExitCode, UsageError } from '../cli-errors.ts';
import { findPhotoByFilePath } from './catalog-commands.ts';

/** Human lines for a photo's text (control characters escaped: the text came from pixels). */
export function photoTextLines(report: PhotoTextReport): string[] {
  switch (report.state) {
    case 'not-read':
      return ['text        (not read yet)'];
    case 'no-text':
      return ['text        (none found)'];
    case 'text':
      return [
        `text        ${String(report.lines.length)} line(s), ${report.model ?? ''}`,
        ...report.lines.map(
          (line) =>
            `  ${escapeControlChars(line.text)}  [${line.language} ${line.confidence.toFixed(1)}%]`,
        ),
      ];
  }
}

export const textCommand: CliCommand = {
  name: 'text',
  summary: 'The text read in one photo, line by line (boxes, confidence, language with --json)',
  usage: 'tujian text <photo path> [--json]',
  run(inv) {
    const [file] = inv.positionals;
    if (!file) throw new UsageError('name a photo file');
    const ctx = openCliContext(inv);
    try {
      const found = findPhotoByFilePath(ctx.db, file);
      if (!found) {
        inv.io.stderr.write(
          `tujian text: ${escapeControlChars(file)} is not in the catalog (add its folder with "tujian add").\n`,
        );
        return Promise.resolve(ExitCode.failure);
      }
      const contentId = getPhoto(ctx.db, found.photoId)?.contentId ?? null;
      const report = photoTextReport(ctx.db, contentId);
      if (inv.global.json) inv.io.printJson(report);
      else if (report.state === 'text')
        for (const line of report.lines) inv.io.print(escapeControlChars(line.text));
      else inv.io.print(photoTextLines(report).join('\n'));
      return Promise.resolve(ExitCode.ok);
    } finally {
      ctx.close();
    }
  },
};
