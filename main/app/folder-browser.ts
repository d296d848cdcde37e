// The web host's folder browser (issue 16 item 6): a browser page cannot open a native folder
// dialog on the server's disk, so the server lists directories for the Add folder dialog.
//
// [Note: The folder browser stays under home unless a path is typed]
// Walking starts at the user's home folder and "up" stops there (`parent` is null at home),
// so clicking around never leaves it. A path the user typed (`typed: true`) may be anywhere
// (a USB drive under /media, a NAS mount), as the Add folder box already allows; an untyped
// path outside home is refused. The channel sits behind the web host's token like every
// other call. Only directory names are listed (no files, no sizes), hidden ones (dot-names)
// only on request, and a directory that cannot be read is an error, not an empty list.
import { readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { ApiError, type FolderListing } from '../../preload/api-contract.ts';
import { expandHome } from '../util/home-path.ts';

export interface BrowseRequest {
  readonly path: string | null;
  readonly typed: boolean;
  readonly showHidden: boolean;
}

function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

export function browseFolders(request: BrowseRequest, home: string = homedir()): FolderListing {
  const root = resolve(home);
  const path = request.path === null ? root : resolve(root, expandHome(request.path, root));
  if (!request.typed && !isInside(path, root)) {
    throw new ApiError('invalid-input', `${path} is outside the home folder ${root}.`);
  }
  try {
    if (!statSync(path).isDirectory()) {
      throw new ApiError('invalid-input', `${path} is not a folder.`);
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError('not-found', `The folder ${path} does not exist or cannot be read.`);
  }
  let names: string[];
  try {
    names = readdirSync(path, { withFileTypes: true })
      .filter((entry) => {
        if (!request.showHidden && entry.name.startsWith('.')) return false;
        if (entry.isDirectory()) return true;
        // A link to a directory is listed like one (a mounted drive linked from home).
        if (!entry.isSymbolicLink()) return false;
        try {
          return statSync(join(path, entry.name)).isDirectory();
        } catch {
          return false;
        }
      })
      .map((entry) => entry.name);
  } catch {
    throw new ApiError('not-found', `The folder ${path} cannot be read.`);
  }
  names.sort((a, b) => a.localeCompare(b));
  // "Up" walks toward home and stops there; outside home (typed) it walks to the root.
  const up = dirname(path);
  const parent =
    path === root || up === path ? null : isInside(path, root) || !isInside(up, root) ? up : null;
  return {
    path,
    home: root,
    parent,
    folders: names.map((name) => ({ name, path: join(path, name) })),
  };
}
