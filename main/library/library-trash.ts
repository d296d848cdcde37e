// Where "Keep this one" puts the other copies when the OS trash is not at hand (the web host,
// the CLI, or a desktop whose trash refused): a `.tujian-trash` folder at the top of the
// library folder, keeping each file's path inside the folder. A rename within the same folder
// tree, so it never copies and never deletes; the user empties it (or takes a file back, and
// the next scan finds it again: moved files keep their rows, tags and decisions). The name
// starts with a dot, so scans and the watcher ignore it (isIgnoredName in library-files.ts).
import { lstat, mkdir, rename } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';

export const libraryTrashFolderName = '.tujian-trash';

async function taken(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Moves `relPath` of a library folder into its `.tujian-trash`, under a new name when one is
 * already there (`photo (2).jpg`); returns where it went. Throws when the file cannot be moved.
 */
export async function moveToLibraryTrash(folderPath: string, relPath: string): Promise<string> {
  const from = join(folderPath, relPath);
  const target = join(folderPath, libraryTrashFolderName, relPath);
  await mkdir(dirname(target), { recursive: true });
  const ext = extname(target);
  const stem = target.slice(0, target.length - ext.length);
  let to = target;
  for (let n = 2; await taken(to); n++) to = `${stem} (${String(n)})${ext}`;
  await rename(from, to);
  return to;
}
