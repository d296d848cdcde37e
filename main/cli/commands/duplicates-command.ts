// `tujian duplicates`: the groups of near-duplicate photos the review page shows (the same
// query, main/catalog/perceptual-hashes.ts), each photo with its size, dimensions, date and
// path, the one most worth keeping first. Listing only: moving files is the review page's
// "Keep this one" after a confirmation that names them ([Note: Keep this one never deletes]).
import { join } from 'node:path';
import {
  countUnhashedContents,
  findDuplicateGroups,
  nearDuplicateThreshold,
} from '../../catalog/perceptual-hashes.ts';
import { escapeControlChars } from '../../util/terminal-text.ts';
import { type CliCommand } from '../cli-command.ts';
import { openCliReadContext } from '../cli-context.ts';
import { ExitCode } from '../cli-errors.ts';

function megabytes(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}

export const duplicatesCommand: CliCommand = {
  name: 'duplicates',
  summary: 'Groups of near-duplicate photos (re-encoded, resized, lightly cropped copies)',
  usage: 'tujian duplicates [--json]',
  run(inv) {
    const ctx = openCliReadContext(inv);
    try {
      const groups = findDuplicateGroups(ctx.db);
      const pending = countUnhashedContents(ctx.db);
      if (inv.global.json) {
        inv.io.printJson({
          threshold: nearDuplicateThreshold,
          pending,
          groups: groups.map((g) => ({
            photos: g.photos.map((p) => ({
              photoId: p.photoId,
              path: join(p.folderPath, p.relPath),
              size: p.size,
              width: p.width,
              height: p.height,
              takenAt: p.takenAt === null ? null : new Date(p.takenAt).toISOString(),
              distance: p.distance,
              folderOnline: p.folderOnline,
            })),
          })),
        });
        return Promise.resolve(ExitCode.ok);
      }
      const lines: string[] = [];
      groups.forEach((group, i) => {
        lines.push(`group ${String(i + 1)} (${String(group.photos.length)} photos)`);
        group.photos.forEach((p, k) => {
          const size =
            p.width !== null && p.height !== null ? `${String(p.width)}×${String(p.height)}` : '?';
          const date = p.takenAt === null ? '—' : new Date(p.takenAt).toISOString().slice(0, 10);
          const mark = k === 0 ? '*' : ' ';
          lines.push(
            `  ${mark} ${String(p.photoId).padStart(6)}  ${size.padEnd(11)} ${megabytes(p.size).padStart(8)}  ${date}  ${escapeControlChars(join(p.folderPath, p.relPath))}`,
          );
        });
      });
      lines.push(
        groups.length === 0
          ? 'No duplicates found.'
          : `${String(groups.length)} group(s); * marks the photo with the most pixels. Review them in the app ("Duplicates").`,
      );
      if (pending > 0) lines.push(`${String(pending)} photo(s) are still being compared.`);
      inv.io.print(lines.join('\n'));
      return Promise.resolve(ExitCode.ok);
    } finally {
      ctx.close();
    }
  },
};
