// `tujian demo [folder]`: the README's first command. Indexes and tags the folder the user
// names (or a demo folder made from photos shipped inside an installed npm package) with
// the on-device engine, then prints what it found and runs a few searches in both languages.
import { mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { humanModelsDir } from '../../engines/local/local-models.ts';
import { searchPhotos } from '../../search/search-service.ts';
import type { CliCommand } from '../cli-command.ts';
import { openCliContext } from '../cli-context.ts';
import { ExitCode } from '../cli-errors.ts';
import { findOrAddFolder, printIndexSummary, runIndex } from './library-commands.ts';

/**
 * The demo photos: `@vladmandic/human` (a dependency: it ships the local engine's models)
 * also ships `assets/samples.jpg`, whose top strip holds eight real photos of people. They are
 * cut out once into the data folder, so a fresh install has something real to tag with no
 * network. Nothing is downloaded.
 */
export async function makeDemoFolder(dataRoot: string): Promise<string> {
  const folder = join(dataRoot, 'demo-photos');
  if (existsSync(join(folder, 'demo-8.jpg'))) return folder;
  mkdirSync(folder, { recursive: true });
  const sheet = join(humanModelsDir, '..', 'assets', 'samples.jpg');
  const tileWidth = 160;
  const tileHeight = 158;
  for (let i = 0; i < 8; i++) {
    await sharp(sheet)
      .extract({ left: i * tileWidth, top: 0, width: tileWidth, height: tileHeight })
      .resize({ width: tileWidth * 2, kernel: 'lanczos3' })
      .jpeg({ quality: 92 })
      .toFile(join(folder, `demo-${String(i + 1)}.jpg`));
  }
  return folder;
}

export const demoCommand: CliCommand = {
  name: 'demo',
  summary:
    'Index and tag a folder (or a bundled demo folder) on-device, then show tags and searches',
  usage: 'tujian demo [folder]',
  async run(inv) {
    const ctx = openCliContext(inv, { create: true });
    try {
      const [named] = inv.positionals;
      const path = named ?? (await makeDemoFolder(ctx.paths.root));
      if (!named) inv.io.print(`No folder named: using the demo folder ${path}`);
      const { folder } = findOrAddFolder(ctx.db, path);
      inv.io.print(`Indexing ${folder.path} with the on-device engine (no network, no account)…`);
      const summary = await runIndex(ctx, [folder], {
        // The demo is short: the bar on a terminal, no periodic lines.
        progress: { bar: !inv.global.json, lines: null, json: false, everyMs: 5_000 },
        print: inv.io.print,
      });
      printIndexSummary(summary, inv.io.print);
      const examples = summary.topTags.slice(0, 2).flatMap((t) => [t.zh, t.en.toLowerCase()]);
      const searches = examples.map((query) => {
        const result = searchPhotos(ctx.db, query, { limit: 5, facets: false });
        return {
          query,
          total: result.total,
          photos: result.items.map((i) => `${i.folderPath}/${i.relPath}`),
        };
      });
      for (const s of searches) {
        inv.io.print(`\ntujian search ${s.query}  →  ${String(s.total)} photo(s)`);
        for (const p of s.photos) inv.io.print(`  ${p}`);
      }
      inv.io.print(
        `\nCatalog: ${ctx.paths.catalog}\nNext: tujian search <words>, tujian show <photo>, tujian serve (the UI in a browser)`,
      );
      if (inv.global.json) inv.io.printJson({ summary, searches });
      return summary.broken > 0 || summary.failed > 0 ? ExitCode.partial : ExitCode.ok;
    } finally {
      ctx.close();
    }
  },
};
