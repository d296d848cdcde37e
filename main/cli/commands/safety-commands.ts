// CLI commands that keep the user's work safe and portable: backup, check, relink, export
// and xmp (sidecars). Each opens the catalog through the shared CLI context.
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { backupCatalog, BackupError, restoreCatalog } from '../../catalog/catalog-backup.ts';
import { latestSchemaVersion } from '../../catalog/catalog-connection.ts';
import { dataPaths, resolveDataDir } from '../../util/data-dir.ts';
import { checkCatalog, checkFoundDamage } from '../../catalog/catalog-check.ts';
import { exportPhotos, writeCsv, writeJson } from '../../catalog/catalog-export.ts';
import type { Catalog } from '../../catalog/catalog-connection.ts';
import { listPhotoIdsWhere } from '../../catalog/photos.ts';
import { albumPhotoIds } from '../../search/smart-albums.ts';
import { albumNamed } from '../../search/album-commands.ts';
import { enqueueIngest } from '../../catalog/job-queue.ts';
import { scanFolder } from '../../library/folder-scanner.ts';
import { RelinkError, relinkFolder } from '../../library/folder-relink.ts';
import {
  createXmpTool,
  readXmpSettings,
  writeSidecars,
  writeXmpSettings,
  XmpSettings,
} from '../../library/xmp-sidecars.ts';
import {
  measureStorage,
  prunePreviews,
  rebuildPreviews,
  readPreviewSettings,
  writePreviewSettings,
  type PreviewSettings,
} from '../../library/preview-storage.ts';
import { planQueryText } from '../../search/search-service.ts';
import { type CliCommand, flagOption, stringOption } from '../cli-command.ts';
import { openCliContext } from '../cli-context.ts';
import { startCliSidecars } from '../cli-sidecars.ts';
import { ExitCode, UsageError } from '../cli-errors.ts';
import { createProgressBar } from '../progress-bar.ts';
import { escapeControlChars, escapeTerminalLines } from '../../util/terminal-text.ts';

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Photo ids a query finds (same language as `tujian search`); null for "all photos". */
export function selectPhotoIds(db: Catalog, query: string): number[] | null {
  if (query.trim() === '') return null;
  const plan = planQueryText(db, query);
  return listPhotoIdsWhere(db, plan);
}

export const backupCommand: CliCommand = {
  name: 'backup',
  summary: 'Copy the catalog to a file (safe while Tujian runs); checks the copy',
  usage: 'tujian backup <file> [--overwrite] [--json]',
  options: { overwrite: { type: 'boolean' } },
  async run(inv) {
    const [target] = inv.positionals;
    if (!target) throw new UsageError('name the backup file, e.g. tujian backup ~/tujian.sqlite');
    const ctx = openCliContext(inv);
    try {
      const result = await backupCatalog(ctx.db, target, {
        overwrite: flagOption(inv, 'overwrite'),
      });
      if (inv.global.json) inv.io.printJson(result);
      else
        inv.io.print(
          `Backed up the catalog to ${result.file} (${megabytes(result.bytes)}, integrity ok). ` +
            `Thumbnails and previews are not in it: they are rebuilt from the photos.`,
        );
      return ExitCode.ok;
    } catch (error) {
      if (error instanceof BackupError) {
        inv.io.stderr.write(`tujian backup: ${escapeTerminalLines(error.message)}\n`);
        return ExitCode.failure;
      }
      throw error;
    } finally {
      ctx.close();
    }
  },
};

export const restoreCommand: CliCommand = {
  name: 'restore',
  summary: 'Replace the catalog with a backup (quit Tujian first; the old catalog is kept)',
  usage: 'tujian restore <backup file> [--json]',
  run(inv) {
    const [source] = inv.positionals;
    if (!source) throw new UsageError('name the backup file to restore');
    // Not through openCliContext: the catalog must not be open while it is replaced.
    const paths = dataPaths(resolveDataDir({ flag: inv.global.data }));
    try {
      const result = restoreCatalog(source, paths.catalog, paths.backups, {
        latestVersion: latestSchemaVersion(),
      });
      if (inv.global.json) inv.io.printJson(result);
      else {
        inv.io.print(`Restored ${result.restoredFrom} as the catalog.`);
        if (result.previous) inv.io.print(`The catalog it replaced is kept at ${result.previous}.`);
        inv.io.print('Run "tujian index" to bring it up to date with the folders.');
      }
      return Promise.resolve(ExitCode.ok);
    } catch (error) {
      if (error instanceof BackupError) {
        inv.io.stderr.write(`tujian restore: ${escapeTerminalLines(error.message)}\n`);
        return Promise.resolve(ExitCode.failure);
      }
      throw error;
    }
  },
};

export const checkCommand: CliCommand = {
  name: 'check',
  summary: 'Check the catalog (integrity, orphan previews, missing originals)',
  usage: 'tujian check [--fix-orphans] [--json]',
  options: { 'fix-orphans': { type: 'boolean' } },
  async run(inv) {
    const ctx = openCliContext(inv);
    try {
      const report = await checkCatalog(ctx.db, ctx.paths.root, {
        fixOrphans: flagOption(inv, 'fix-orphans'),
        listLimit: inv.global.json ? 10_000 : 20,
      });
      const damaged = checkFoundDamage(report);
      // Known-missing photos (status missing) are the catalog working as meant; what needs
      // attention is orphans left behind, lost renditions and files gone unnoticed.
      const untidy =
        report.orphanCount > report.removedOrphans ||
        report.unnoticedMissingCount > 0 ||
        report.missingRenditionCount > 0;
      if (inv.global.json) {
        inv.io.printJson(report);
      } else {
        const p = inv.io.print;
        p(
          report.integrity.length === 0
            ? 'Catalog integrity: ok'
            : `Catalog integrity: DAMAGED\n  ${report.integrity.join('\n  ')}`,
        );
        if (report.foreignKeys.length > 0)
          p(
            `Broken references: ${String(report.foreignKeys.length)} (table ${report.foreignKeys[0]?.table ?? ''})`,
          );
        if (damaged)
          p(
            'Restore a backup: see "Recovering the catalog" in the README (tujian backup, backups/).',
          );
        p(
          `Orphan thumbnails/previews: ${String(report.orphanCount)} (${megabytes(report.orphanBytes)})` +
            (report.removedOrphans > 0
              ? `, removed ${String(report.removedOrphans)}`
              : report.orphanCount > 0
                ? ' — remove them with --fix-orphans'
                : ''),
        );
        if (report.inProgressCount > 0)
          p(
            `Files being written by another Tujian right now: ${String(report.inProgressCount)} (left alone)`,
          );
        if (report.missingRenditionCount > 0)
          p(
            `Contents whose thumbnail or preview file is gone: ${String(report.missingRenditionCount)} (rebuilt when the photo is indexed again)`,
          );
        p(
          `Originals checked: ${String(report.photosChecked)}, missing: ${String(report.missingOriginalCount)}`,
        );
        for (const m of report.missingOriginals)
          p(
            `  missing: ${m.path}${m.catalogStatus === 'missing' ? '' : ' (not yet noticed by a scan)'}`,
          );
        for (const f of report.offlineFolders) p(`  offline (originals not checked): ${f.path}`);
      }
      if (damaged) return ExitCode.failure;
      return untidy ? ExitCode.partial : ExitCode.ok;
    } finally {
      ctx.close();
    }
  },
};

export const relinkCommand: CliCommand = {
  name: 'relink',
  summary: 'Point a folder renamed or moved outside Tujian at its new place (keeps all tags)',
  usage: 'tujian relink <old path|folder id> <new path> [--force] [--json]',
  options: { force: { type: 'boolean' } },
  async run(inv) {
    const [oldPath, newPath] = inv.positionals;
    if (!oldPath || !newPath) throw new UsageError('name the old and the new path');
    const ctx = openCliContext(inv);
    try {
      const report = await relinkFolder(ctx.db, oldPath, newPath, {
        force: flagOption(inv, 'force'),
      });
      const scan = await scanFolder(
        {
          db: ctx.db,
          log: {
            info: (m) => {
              ctx.log.info(m);
            },
            warn: (m) => {
              ctx.log.warn(m);
            },
          },
          enqueueIngest: (id) => {
            enqueueIngest(ctx.db, id);
          },
        },
        report.folderId,
      );
      if (inv.global.json) {
        inv.io.printJson({ relink: report, scan });
      } else {
        inv.io.print(
          report.samePath
            ? `${report.newPath} is accepted as folder ${String(report.folderId)} on its new drive`
            : `Folder ${String(report.folderId)} moved: ${report.oldPath} → ${report.newPath}`,
        );
        inv.io.print(
          `  ${String(report.matched)} of ${String(report.sampled)} sampled photos match by content${report.forced ? ' (forced)' : ''}; all photos and tags kept.`,
        );
        inv.io.print(
          `  Scan: ${String(scan.unchanged)} unchanged, ${String(scan.changed)} changed, ${String(scan.added)} new, ${String(scan.missing)} missing.` +
            (scan.enqueued > 0 ? ` Run "tujian index" to process ${String(scan.enqueued)}.` : ''),
        );
      }
      return ExitCode.ok;
    } catch (error) {
      if (error instanceof RelinkError) {
        inv.io.stderr.write(`tujian relink: ${escapeTerminalLines(error.message)}\n`);
        return error.code === 'unknown-folder' ? ExitCode.usage : ExitCode.failure;
      }
      throw error;
    } finally {
      ctx.close();
    }
  },
};

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'Export photos and tags as CSV or JSON (all, or those a query finds)',
  usage:
    'tujian export [--format csv|json] [--layout tags|photos] [--output FILE] [--album NAME | query words…]',
  options: {
    album: { type: 'string' },
    format: { type: 'string' },
    layout: { type: 'string' },
    output: { type: 'string', short: 'o' },
  },
  run(inv) {
    const format = stringOption(inv, 'format') ?? (inv.global.json ? 'json' : 'csv');
    if (format !== 'csv' && format !== 'json')
      throw new UsageError(`unknown format "${format}" (csv or json)`);
    const layout = stringOption(inv, 'layout') ?? 'tags';
    if (layout !== 'tags' && layout !== 'photos')
      throw new UsageError(`unknown layout "${layout}" (tags or photos)`);
    const output = stringOption(inv, 'output');
    const ctx = openCliContext(inv);
    try {
      const albumName = stringOption(inv, 'album');
      if (albumName !== undefined && inv.positionals.length > 0)
        throw new UsageError('give an album or a query, not both');
      // An album's photos: a manual album's in its order, a smart album's as its query finds.
      const album = albumName === undefined ? undefined : albumNamed(ctx.db, albumName);
      const query = album ? album.query : inv.positionals.join(' ');
      const selected = album
        ? albumPhotoIds(ctx.db, album.id)
        : { ids: selectPhotoIds(ctx.db, query), inOrder: false };
      const photos = exportPhotos(ctx.db, selected.ids, { inGivenOrder: selected.inOrder });
      let count: number;
      if (output) {
        // Written through a temporary file: an interrupted export never leaves half a file.
        const file = resolve(output);
        const temporary = `${file}.partial-${String(process.pid)}`;
        const fd = openSync(temporary, 'w');
        try {
          const write = (chunk: string) => {
            writeSync(fd, chunk);
          };
          count = format === 'csv' ? writeCsv(photos, write, layout) : writeJson(photos, write);
          closeSync(fd);
          renameSync(temporary, file);
        } catch (error) {
          closeSync(fd);
          rmSync(temporary, { force: true });
          throw error;
        }
        inv.io.stderr.write(
          `Exported ${String(count)} photos${album ? ` of the album "${escapeControlChars(album.name)}"` : query ? ` matching "${escapeControlChars(query)}"` : ''} to ${escapeControlChars(file)}\n`,
        );
      } else {
        const write = (chunk: string) => {
          inv.io.stdout.write(chunk);
        };
        count = format === 'csv' ? writeCsv(photos, write, layout) : writeJson(photos, write);
      }
      return Promise.resolve(ExitCode.ok);
    } finally {
      ctx.close();
    }
  },
};

const yesNo = (value: string | undefined, name: string): boolean | undefined => {
  if (value === undefined) return undefined;
  if (['on', 'yes', 'true', '1'].includes(value)) return true;
  if (['off', 'no', 'false', '0'].includes(value)) return false;
  throw new UsageError(`--${name} takes on or off`);
};

export const xmpCommand: CliCommand = {
  name: 'xmp',
  summary: 'XMP sidecars: write tags to photo.jpg.xmp (or a sidecar folder); show/set settings',
  usage:
    'tujian xmp write [query words…] | tujian xmp settings [--write on|off] [--location beside|folder] ' +
    '[--folder DIR] [--languages en|zh|both] [--min-confidence N] [--import-keywords on|off] ' +
    '[--text on|off (also write the text read in photos)]',
  options: {
    write: { type: 'string' },
    location: { type: 'string' },
    folder: { type: 'string' },
    languages: { type: 'string' },
    'min-confidence': { type: 'string' },
    'import-keywords': { type: 'string' },
    text: { type: 'string' },
  },
  async run(inv) {
    const [action, ...rest] = inv.positionals;
    if (action !== 'write' && action !== 'settings')
      throw new UsageError('say "tujian xmp write" or "tujian xmp settings"');
    const ctx = openCliContext(inv);
    try {
      if (action === 'settings') {
        const changes: Record<string, unknown> = {};
        const enabled = yesNo(stringOption(inv, 'write'), 'write');
        if (enabled !== undefined) changes.enabled = enabled;
        const importKeywords = yesNo(stringOption(inv, 'import-keywords'), 'import-keywords');
        if (importKeywords !== undefined) changes.importKeywords = importKeywords;
        const writeText = yesNo(stringOption(inv, 'text'), 'text');
        if (writeText !== undefined) changes.writeText = writeText;
        const location = stringOption(inv, 'location');
        if (location !== undefined) changes.location = location;
        const folder = stringOption(inv, 'folder');
        if (folder !== undefined) changes.folder = resolve(folder);
        const languages = stringOption(inv, 'languages');
        if (languages !== undefined) changes.languages = languages;
        const min = stringOption(inv, 'min-confidence');
        if (min !== undefined) changes.minConfidence = Number(min);
        let settings: XmpSettings;
        if (Object.keys(changes).length === 0) settings = readXmpSettings(ctx.db);
        else {
          const parsed = XmpSettings.partial().safeParse(changes);
          if (!parsed.success)
            throw new UsageError(
              parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
            );
          let before: XmpSettings;
          try {
            before = readXmpSettings(ctx.db);
            // zod fills the defaults even in a partial parse: keep only the options given, or
            // `--languages en` would also turn writing off and reset everything else.
            const given = Object.fromEntries(
              Object.entries(parsed.data).filter(([key]) => key in changes),
            ) as Partial<XmpSettings>;
            settings = writeXmpSettings(ctx.db, given);
          } catch (error) {
            throw new UsageError((error as Error).message);
          }
          // Sidecars follow tag changes from now on, but what is already tagged (or written
          // with other options) is not rewritten ([Note: Sidecars follow tag changes]).
          const rewrite = (
            ['enabled', 'location', 'folder', 'languages', 'minConfidence'] as const
          ).some((key) => before[key] !== settings[key]);
          if (settings.enabled && rewrite)
            inv.io.print(
              'Sidecars now follow tag changes; run "tujian xmp write" once to bring existing photos\' sidecars up to date.',
            );
          // The text option marked every content with text due (writeXmpSettings): written
          // now, so "off" has taken our text out of the sidecars when the command returns.
          if (settings.enabled && before.writeText !== settings.writeText) {
            if (settings.writeText)
              inv.io.print(
                'The text read in photos now goes into their sidecars (tujian:RecognizedText), readable by any program that opens them.',
              );
            await startCliSidecars(ctx.db, ctx.log).finish(inv.io.print);
          }
        }
        if (inv.global.json) inv.io.printJson(settings);
        else
          for (const [key, value] of Object.entries(settings))
            inv.io.print(`${key.padEnd(15)} ${String(value)}`);
        return ExitCode.ok;
      }
      const settings = readXmpSettings(ctx.db);
      const ids = selectPhotoIds(ctx.db, rest.join(' ')) ?? undefined;
      const tool = createXmpTool();
      const bar = inv.global.json ? undefined : createProgressBar();
      try {
        const report = await writeSidecars(tool, ctx.db, settings, ids, (done, total) => {
          bar?.update(done, total, 'xmp');
        });
        bar?.finish();
        if (inv.global.json) inv.io.printJson(report);
        else {
          inv.io.print(
            `Sidecars: ${String(report.written)} written, ${String(report.unchanged)} unchanged, ${String(report.skipped.length)} skipped, ${String(report.failed.length)} failed`,
          );
          for (const f of report.failed.slice(0, 10))
            inv.io.print(`  photo ${String(f.photoId)}: ${f.error}`);
          const offline = report.skipped.filter((s) => /offline|missing/.test(s.reason)).length;
          if (offline > 0)
            inv.io.print(
              `  ${String(offline)} photos are offline or missing; a sidecar folder (--location folder) works without them.`,
            );
        }
        return report.failed.length > 0 ? ExitCode.partial : ExitCode.ok;
      } finally {
        await tool.end();
      }
    } finally {
      ctx.close();
    }
  },
};

export const previewsCommand: CliCommand = {
  name: 'previews',
  summary: 'Preview size and storage budget; space used by thumbnails and previews',
  usage: 'tujian previews [--size PX] [--rebuild] [--budget MB|off] [--prune] [--json]',
  options: {
    size: { type: 'string' },
    rebuild: { type: 'boolean' },
    budget: { type: 'string' },
    prune: { type: 'boolean' },
  },
  async run(inv) {
    const changes: Partial<PreviewSettings> = {};
    const size = stringOption(inv, 'size');
    if (size !== undefined) {
      const px = Number(size);
      if (!Number.isInteger(px) || px < 320 || px > 4096)
        throw new UsageError('--size takes a whole number of pixels from 320 to 4096');
      changes.size = px;
    }
    const budget = stringOption(inv, 'budget');
    if (budget !== undefined) {
      const mb = Number(budget);
      if (budget !== 'off' && !(Number.isFinite(mb) && mb > 0))
        throw new UsageError('--budget takes megabytes (e.g. 2000) or off');
      changes.budgetBytes = budget === 'off' ? null : Math.round(mb * 1024 * 1024);
    }
    const ctx = openCliContext(inv);
    try {
      const settings =
        Object.keys(changes).length > 0
          ? writePreviewSettings(ctx.db, changes)
          : readPreviewSettings(ctx.db);
      const rebuilt = flagOption(inv, 'rebuild')
        ? await rebuildPreviews(ctx.db, ctx.paths.root, {
            size: settings.size,
            onProgress: (done, total) => {
              if (!inv.global.json && (done % 100 === 0 || done === total))
                inv.io.stderr.write(`previews: ${String(done)}/${String(total)}\n`);
            },
          })
        : null;
      const pruned =
        flagOption(inv, 'prune') && settings.budgetBytes !== null
          ? await prunePreviews(ctx.db, ctx.paths.root, settings.budgetBytes)
          : null;
      const storage = await measureStorage(ctx.paths.root);
      if (inv.global.json) {
        inv.io.printJson({ settings, storage, rebuilt, pruned });
        return rebuilt && rebuilt.failed.length > 0 ? ExitCode.partial : ExitCode.ok;
      }
      inv.io.print(
        `Preview size: ${String(settings.size)} px${rebuilt ? '' : ' (new previews; --rebuild applies it to existing ones)'}`,
      );
      if (rebuilt) {
        inv.io.print(
          `Rebuilt ${String(rebuilt.rebuilt)} previews; ${String(rebuilt.unchanged)} already had the size; ` +
            `${String(rebuilt.unreachable)} kept (original offline or missing)`,
        );
        for (const f of rebuilt.failed.slice(0, 10))
          inv.io.print(`  failed: ${f.path}: ${f.reason}`);
      }
      inv.io.print(
        `Preview budget: ${settings.budgetBytes === null ? 'none' : megabytes(settings.budgetBytes)}`,
      );
      if (flagOption(inv, 'prune') && settings.budgetBytes === null)
        inv.io.print('Nothing pruned: set a budget first (--budget MB).');
      if (pruned)
        inv.io.print(
          `Pruned ${String(pruned.removed)} least recently used previews (${megabytes(pruned.freedBytes)}); thumbnails are always kept.`,
        );
      inv.io.print(
        `Thumbnails: ${String(storage.thumbnails.files)} files, ${megabytes(storage.thumbnails.bytes)}`,
      );
      inv.io.print(
        `Previews: ${String(storage.previews.files)} files, ${megabytes(storage.previews.bytes)}`,
      );
      return rebuilt && rebuilt.failed.length > 0 ? ExitCode.partial : ExitCode.ok;
    } finally {
      ctx.close();
    }
  },
};

export const safetyCommands: readonly CliCommand[] = [
  backupCommand,
  restoreCommand,
  checkCommand,
  relinkCommand,
  exportCommand,
  xmpCommand,
  previewsCommand,
];
