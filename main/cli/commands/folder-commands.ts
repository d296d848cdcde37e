// `tujian remove`: take a folder out of the library. Its photos leave the catalog; the
// contents' tags stay (tags belong to content), so adding the folder back, or the same files
// elsewhere, costs no engine call. Asks for --yes, because the photos' places are forgotten.
import { removeFolder } from '../../catalog/folders.ts';
import { countFolderPhotos } from '../../catalog/photos.ts';
import { findFolderForRelink, RelinkError } from '../../library/folder-relink.ts';
import { type CliCommand, flagOption } from '../cli-command.ts';
import { openCliContext } from '../cli-context.ts';
import { ExitCode, UsageError } from '../cli-errors.ts';

export const removeCommand: CliCommand = {
  name: 'remove',
  summary:
    'Take a folder out of the library (its files are not touched; tags are kept for its photos)',
  usage: 'tujian remove <folder path|folder id> --yes [--json]',
  options: { yes: { type: 'boolean' } },
  run(inv) {
    const [target] = inv.positionals;
    if (!target)
      throw new UsageError('name a library folder (its path, or its id from "tujian status")');
    const ctx = openCliContext(inv);
    try {
      let folder;
      try {
        folder = findFolderForRelink(ctx.db, target);
      } catch (error) {
        if (error instanceof RelinkError) throw new UsageError(error.message);
        throw error;
      }
      const photos = countFolderPhotos(ctx.db, folder.id);
      if (!flagOption(inv, 'yes')) {
        throw new UsageError(
          `removing ${folder.path} forgets its ${String(photos)} photos (the files stay on disk; ` +
            'their tags are kept for when they come back): run again with --yes',
        );
      }
      const removed = removeFolder(ctx.db, folder.id);
      if (inv.global.json) inv.io.printJson({ folder, removed });
      else
        inv.io.print(
          `Removed ${folder.path} (${String(removed.photos)} photos) from the library; the files were not touched.`,
        );
      return Promise.resolve(ExitCode.ok);
    } finally {
      ctx.close();
    }
  },
};
