// The folder browser on a real temp "home" with real directories, files, a hidden folder
// and a link to a folder outside home.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browseFolders } from '../../main/app/folder-browser.ts';
import { ApiError } from '../../preload/api-contract.ts';

describe(browseFolders.name, () => {
  let root: string;
  let home: string;
  let outside: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'tujian-browse-'));
    home = join(root, 'home');
    outside = join(root, 'media');
    for (const dir of ['Pictures/2024', 'Documents', '.cache', 'Zeta']) {
      mkdirSync(join(home, dir), { recursive: true });
    }
    mkdirSync(join(outside, 'usb'), { recursive: true });
    writeFileSync(join(home, 'notes.txt'), 'not a folder');
    symlinkSync(outside, join(home, 'Drive'));
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  const browse = (path: string | null, typed = false, showHidden = false) =>
    browseFolders({ path, typed, showHidden }, home);

  it('starts at home, lists folders only (links to folders too), hidden ones hidden, no way up', () => {
    const listing = browse(null);
    expect(listing).toMatchObject({ path: home, home, parent: null });
    expect(listing.folders.map((f) => f.name)).toEqual(['Documents', 'Drive', 'Pictures', 'Zeta']);
    expect(listing.folders[2]?.path).toBe(join(home, 'Pictures'));
    expect(browse(null, false, true).folders.map((f) => f.name)).toContain('.cache');
  });

  it('walks down and back up to home, and expands ~', () => {
    const listing = browse('~/Pictures');
    expect(listing).toMatchObject({ path: join(home, 'Pictures'), parent: home });
    expect(listing.folders.map((f) => f.name)).toEqual(['2024']);
    expect(browse(join(home, 'Pictures', '2024')).parent).toBe(join(home, 'Pictures'));
  });

  it('refuses a path outside home unless the user typed it', () => {
    expect(() => browse(outside)).toThrow(ApiError);
    expect(() => browse(join(home, '..'))).toThrow(/outside the home folder/);
    const typed = browse(outside, true);
    expect(typed.folders.map((f) => f.name)).toEqual(['usb']);
    // Up from a typed place outside home walks toward the root.
    expect(typed.parent).toBe(root);
  });

  it('says when a path is missing or is a file', () => {
    expect(() => browse(join(home, 'nope'))).toThrow(
      expect.objectContaining({ code: 'not-found' }),
    );
    expect(() => browse(join(home, 'notes.txt'))).toThrow(
      expect.objectContaining({ code: 'invalid-input' }),
    );
  });
});
