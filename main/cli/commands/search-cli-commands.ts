// CLI registration of the search helpers in main/search/search-commands.ts: `search`,
// `albums` and `tag`. Parsing and printing live there; this file maps argv onto them
// (`tag rename|merge` live in tag-admin-commands.ts).
import {
  describeSearchError,
  isSearchSort,
  runAlbumsCommand,
  runSearchCommand,
  runTagCommand,
} from '../../search/search-commands.ts';
import { type CliCommand, type CliInvocation, flagOption, stringOption } from '../cli-command.ts';
import { findAlbumByName } from '../../catalog/albums.ts';
import { runManualAlbumCommand } from '../../search/album-commands.ts';
import { openCliContext } from '../cli-context.ts';
import { startCliSidecars } from '../cli-sidecars.ts';
import { ExitCode, UsageError } from '../cli-errors.ts';
import { runTagAdminCommand, tagAdminOptions } from './tag-admin-commands.ts';
import { escapeTerminalLines } from '../../util/terminal-text.ts';

/** Run a handler that returns printable text; query and album errors become exit code 2 with a caret. */
function runPrinting(
  inv: CliInvocation,
  query: string | undefined,
  handler: (db: ReturnType<typeof openCliContext>['db']) => string,
): ExitCode {
  const ctx = openCliContext(inv);
  try {
    const text = handler(ctx.db);
    // --json text is exact JSON (already escaped); human text may hold names from outside.
    inv.io.stdout.write(`${inv.global.json ? text : escapeTerminalLines(text)}\n`);
    return ExitCode.ok;
  } catch (error) {
    inv.io.stderr.write(`${escapeTerminalLines(describeSearchError(error, query))}\n`);
    return ExitCode.usage;
  } finally {
    ctx.close();
  }
}

export const searchCommand: CliCommand = {
  name: 'search',
  summary:
    'Find photos: words in 中文 or English, -not, OR, "phrases", type: engine: conf> date: camera: folder: faces: has: status:',
  usage:
    'tujian search <query…> [--sort taken-desc|taken-asc|added-desc|path-asc|confidence-desc] [--limit N] [--cursor C] [--json]',
  options: { sort: { type: 'string' }, limit: { type: 'string' }, cursor: { type: 'string' } },
  dashWordsArePositional: true,
  run(inv) {
    const query = inv.positionals.join(' ');
    const sort = stringOption(inv, 'sort');
    if (sort !== undefined && !isSearchSort(sort)) throw new UsageError(`unknown sort "${sort}"`);
    const limitText = stringOption(inv, 'limit');
    const limit = limitText === undefined ? undefined : Number(limitText);
    if (limit !== undefined && (!Number.isInteger(limit) || limit <= 0))
      throw new UsageError('--limit must be a positive whole number');
    const cursor = stringOption(inv, 'cursor');
    return Promise.resolve(
      runPrinting(inv, query, (db) =>
        runSearchCommand(db, {
          query,
          json: inv.global.json,
          ...(sort === undefined ? {} : { sort }),
          ...(limit === undefined ? {} : { limit }),
          ...(cursor === undefined ? {} : { cursor }),
        }),
      ),
    );
  },
};

export const albumsCommand: CliCommand = {
  name: 'albums',
  summary:
    'Albums: smart ones (saved queries, always current) and manual ones (photos you pick, in your order)',
  usage:
    'tujian albums list | create <name> <query…> | create --manual <name> | add <album> <photo…> | remove <album> <photo…> | move <album> <photo…> [--before <photo>] | show <album> | rm <album> | rename <album> <new name> [--json]  (a photo: its id or path; "add <name> <query…>" for a name that is no album yet saves a smart album, as before)',
  options: { manual: { type: 'boolean' }, before: { type: 'string' } },
  dashWordsArePositional: true,
  run(inv) {
    const [action = 'list', name, ...rest] = inv.positionals;
    const json = inv.global.json;
    const manual = flagOption(inv, 'manual');
    if (manual && action !== 'create') throw new UsageError('--manual is for albums create');
    const before = stringOption(inv, 'before');
    if (before !== undefined && action !== 'move')
      throw new UsageError('--before is for albums move');
    const print = (query: string | undefined, handler: Parameters<typeof runPrinting>[2]) =>
      Promise.resolve(runPrinting(inv, query, handler));
    switch (action) {
      case 'list':
        return print(undefined, (db) => runAlbumsCommand(db, { action: 'list', json }));
      case 'create': {
        if (!name) throw new UsageError('albums create needs a name');
        if (manual) {
          if (rest.length > 0) throw new UsageError('a manual album has no query');
          return print(undefined, (db) =>
            runManualAlbumCommand(db, { action: 'create-manual', name, json }),
          );
        }
        const query = rest.join(' ');
        if (!query) throw new UsageError('albums create needs a query, or --manual');
        return print(query, (db) => runAlbumsCommand(db, { action: 'add', name, query, json }));
      }
      case 'add': {
        // A smart album named here says "is a smart album" rather than "name taken".
        if (!name || rest.length === 0)
          throw new UsageError('albums add needs an album and photos (or a new name and a query)');
        // A manual album takes photos; a name that is no album yet keeps the older meaning
        // (save a smart album with that query), so scripts written for it still work.
        return print(rest.join(' '), (db) =>
          findAlbumByName(db, name)
            ? runManualAlbumCommand(db, { action: 'add-photos', name, photos: rest, json })
            : runAlbumsCommand(db, { action: 'add', name, query: rest.join(' '), json }),
        );
      }
      case 'remove':
      case 'move':
        if (!name || rest.length === 0)
          throw new UsageError(`albums ${action} needs an album and photos`);
        return print(undefined, (db) =>
          action === 'remove'
            ? runManualAlbumCommand(db, { action: 'remove-photos', name, photos: rest, json })
            : runManualAlbumCommand(db, {
                action: 'move-photos',
                name,
                photos: rest,
                json,
                ...(before === undefined ? {} : { before }),
              }),
        );
      case 'show':
        if (!name) throw new UsageError('albums show needs an album');
        return print(undefined, (db) => runManualAlbumCommand(db, { action: 'show', name, json }));
      case 'rm':
      case 'delete':
        if (!name) throw new UsageError(`albums ${action} needs a name`);
        return print(undefined, (db) => runAlbumsCommand(db, { action: 'rm', name, json }));
      case 'rename': {
        const newName = rest.join(' ');
        if (!name || !newName)
          throw new UsageError('albums rename needs the name and the new name');
        return print(undefined, (db) =>
          runAlbumsCommand(db, { action: 'rename', name, newName, json }),
        );
      }
      default:
        throw new UsageError(`unknown albums action "${action}"`);
    }
  },
};

export const tagCommand: CliCommand = {
  name: 'tag',
  summary:
    'Add a tag to photos, remove one (remembered as rejected: engines never bring it back), rename a tag, merge one into another',
  usage:
    'tujian tag add|rm <photo id|path|query> <tag> | rename <tag> [--zh 名字] [--en Name] | merge <from-tag> <into-tag> [--yes]  [--json]  (a tag: 狗, Dog, or dog:object)',
  options: tagAdminOptions,
  dashWordsArePositional: true,
  async run(inv) {
    const code = await runTag(inv);
    // Sidecars of the photos whose tags changed, before exiting (when XMP writing is on).
    const ctx = openCliContext(inv);
    try {
      await startCliSidecars(ctx.db, ctx.log).finish(inv.io.print);
    } finally {
      ctx.close();
    }
    return code;
  },
};

/** `tag add|rm|rename|merge` itself; usage errors throw before anything changes. */
function runTag(inv: CliInvocation): Promise<ExitCode> {
  const [action, target, ...tagWords] = inv.positionals;
  if (action === 'rename' || action === 'merge') {
    return runTagAdminCommand(inv, action, inv.positionals.slice(1));
  }
  if (Object.keys(tagAdminOptions).some((name) => inv.values[name] !== undefined)) {
    throw new UsageError('--zh, --en and --yes are for tag rename and tag merge');
  }
  const tag = tagWords.join(' ');
  if ((action !== 'add' && action !== 'rm') || !target || !tag) {
    throw new UsageError(
      'tag needs add|rm, a photo (id, path or query) and a tag name; or rename|merge',
    );
  }
  return Promise.resolve(
    runPrinting(inv, target, (db) =>
      runTagCommand(db, { action, target, tag, json: inv.global.json }),
    ),
  );
}
