// `tujian tag rename <tag> [--zh 名字] [--en Name]` and `tujian tag merge <from> <into> [--yes]`:
// whole-tag edits, registered under the `tag` command (search-cli-commands.ts). A tag is
// named as `tag add|rm` name it (Chinese, English or canonical name), or `name:type` when two
// tags share a name. A merge shows what it will do and asks first (or takes --yes).
import { createInterface } from 'node:readline/promises';
import type { Catalog } from '../../catalog/catalog-connection.ts';
import { TagEditError } from '../../catalog/tag-editing.ts';
import {
  mergeTagsReported,
  previewMerge,
  renameTagReported,
  resolveTagSpec,
  specOf,
  TagAmbiguousError,
  type MergePreview,
  type MergeReport,
  type RenameReport,
  type TagCandidate,
} from '../../catalog/tag-management.ts';
import { type CliInvocation, flagOption, stringOption } from '../cli-command.ts';
import { openCliContext } from '../cli-context.ts';
import { ExitCode, UsageError } from '../cli-errors.ts';
import { escapeTerminalLines } from '../../util/terminal-text.ts';

/** The options only rename and merge take (add|rm refuse them). */
export const tagAdminOptions = {
  zh: { type: 'string' },
  en: { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
} as const;

const photos = (n: number) => `${n} photo${n === 1 ? '' : 's'}`;
const label = (t: { zh: string; en: string }) => (t.zh === t.en ? t.zh : `${t.zh} / ${t.en}`);

/** A `name:type` spec as the user can paste it into a shell. */
export function shellSpec(tag: { name: string; type: TagCandidate['type'] }): string {
  const spec = specOf(tag);
  return /^[\p{L}\p{N}:._-]+$/u.test(spec) ? spec : `'${spec.replace(/'/g, `'\\''`)}'`;
}

export function describeRename(r: RenameReport): string {
  const lines = [
    `Renamed ${label(r.before)} → ${label(r.tag)} (${shellSpec(r.tag)}, ${photos(r.tag.photos)}).`,
    `Engines that report "${r.tag.name}" keep landing on it.`,
  ];
  for (const other of r.sameName) {
    lines.push(
      `Note: ${label(other)} (${shellSpec(other)}, ${photos(other.photos)}) has the same name. ` +
        `To make them one tag: tujian tag merge ${shellSpec(other)} ${shellSpec(r.tag)}`,
    );
  }
  return lines.join('\n');
}

export function describeMergePreview(p: MergePreview): string {
  const lines = [
    `Merge ${label(p.from)} (${shellSpec(p.from)}, ${photos(p.from.photos)}) into ${label(p.into)} (${shellSpec(p.into)}, ${photos(p.into.photos)}):`,
    `  ${photos(p.gainedPhotos)} will get ${label(p.into)}; ${label(p.from)} disappears.`,
    `  Its names (and any merged into it) will point to ${label(p.into)}: engines that report them tag ${label(p.into)}, and searching for them finds it.`,
  ];
  if (p.lostPhotos > 0) {
    lines.push(
      `  ${photos(p.lostPhotos)} will lose ${label(p.into)}: you removed ${label(p.from)} from them, and a removal covers the merged tag.`,
    );
  }
  return lines.join('\n');
}

export function describeMerge(r: MergeReport): string {
  const lines = [
    `Merged ${label(r.from)} into ${label(r.into)}: ${r.movedRows} tag row${r.movedRows === 1 ? '' : 's'} moved (${photos(r.fromPhotos)} had ${label(r.from)}); ${photos(r.gainedPhotos)} newly tagged ${label(r.into)}, ${photos(r.into.photos)} have it now.`,
  ];
  if (r.lostPhotos > 0) {
    lines.push(
      `${photos(r.lostPhotos)} lost ${label(r.into)}: you had removed ${label(r.from)} from them.`,
    );
  }
  lines.push(
    `Old names now point to ${label(r.into)}: ${r.aliases.map((a) => `${label(a)} (${shellSpec(a)})`).join(', ')}. ` +
      `Engines that report them tag ${label(r.into)}, and searching for them finds it.`,
  );
  return lines.join('\n');
}

/** A tag error as the user should read it: ambiguous names list their candidates. */
export function describeTagError(error: TagEditError, action: 'rename' | 'merge'): string {
  if (!(error instanceof TagAmbiguousError)) return error.message;
  const width = Math.max(...error.candidates.map((c) => shellSpec(c).length));
  return [
    `"${error.text}" names ${error.candidates.length} tags:`,
    ...error.candidates.map(
      (c) => `  ${shellSpec(c).padEnd(width)}  ${label(c)}  ${photos(c.photos)}`,
    ),
    `Name one as name:type, e.g. tujian tag ${action} ${shellSpec(error.candidates[0] ?? { name: error.text, type: 'object' })}${action === 'merge' ? ' …' : ' --en …'}`,
  ].join('\n');
}

/** Asks a question at the terminal and returns the answer (replaced in tests). */
export type AskUser = (question: string) => Promise<string>;

const askAtTerminal =
  (inv: CliInvocation): AskUser =>
  async (question) => {
    const rl = createInterface({ input: process.stdin, output: inv.io.stdout });
    try {
      return await rl.question(question);
    } finally {
      rl.close();
    }
  };

async function confirm(inv: CliInvocation, ask: AskUser | undefined): Promise<boolean> {
  // Only a person at a terminal is asked; a script must say --yes.
  if (!inv.io.stdout.isTTY || inv.global.json) return false;
  if (!ask && !process.stdin.isTTY) return false;
  return /^y(es)?$/i.test((await (ask ?? askAtTerminal(inv))('Merge? [y/N] ')).trim());
}

function rename(db: Catalog, inv: CliInvocation, words: readonly string[]): ExitCode {
  const spec = words.join(' ');
  const zh = stringOption(inv, 'zh');
  const en = stringOption(inv, 'en');
  if (spec.trim() === '') throw new UsageError('tag rename needs the tag to rename');
  if (zh === undefined && en === undefined) {
    throw new UsageError('tag rename needs --zh 新名字, --en "New name", or both');
  }
  const tag = resolveTagSpec(db, spec);
  const report = renameTagReported(db, tag.id, {
    ...(zh === undefined ? {} : { zh }),
    ...(en === undefined ? {} : { en }),
  });
  if (inv.global.json) inv.io.printJson(report);
  else inv.io.print(describeRename(report));
  return ExitCode.ok;
}

async function merge(
  db: Catalog,
  inv: CliInvocation,
  words: readonly string[],
  ask: AskUser | undefined,
) {
  const [fromSpec, intoSpec, ...extra] = words;
  if (!fromSpec || !intoSpec || extra.length > 0) {
    throw new UsageError(
      'tag merge needs two tags: the one that goes and the one it becomes (quote names with spaces)',
    );
  }
  const from = resolveTagSpec(db, fromSpec);
  const into = resolveTagSpec(db, intoSpec, { followMerged: true });
  if (from.id === into.id) {
    throw new TagEditError(
      'invalid',
      into.via
        ? `${label(into.via)} was already merged into ${label(into)}.`
        : 'A tag cannot be merged into itself.',
    );
  }
  const preview = previewMerge(db, from.id, into.id);
  if (!flagOption(inv, 'yes')) {
    if (!inv.global.json)
      inv.io.stdout.write(`${escapeTerminalLines(describeMergePreview(preview))}\n`);
    if (!(await confirm(inv, ask))) {
      if (inv.global.json) inv.io.printJson({ merged: false, preview });
      inv.io.stderr.write('Nothing changed. Run again with --yes to merge.\n');
      return ExitCode.usage;
    }
  }
  const report = mergeTagsReported(db, from.id, into.id);
  if (inv.global.json) inv.io.printJson({ merged: true, ...report });
  else inv.io.print(describeMerge(report));
  return ExitCode.ok;
}

/** `tujian tag rename|merge …`; tag errors (unknown, ambiguous, invalid) exit 2 like `tag add|rm`. */
export async function runTagAdminCommand(
  inv: CliInvocation,
  action: 'rename' | 'merge',
  words: readonly string[],
  ask?: AskUser,
): Promise<ExitCode> {
  if (action === 'rename' && flagOption(inv, 'yes')) {
    throw new UsageError('--yes is for tag merge');
  }
  if (action === 'merge' && (inv.values.zh !== undefined || inv.values.en !== undefined)) {
    throw new UsageError('--zh and --en are for tag rename');
  }
  const ctx = openCliContext(inv);
  try {
    return action === 'rename' ? rename(ctx.db, inv, words) : await merge(ctx.db, inv, words, ask);
  } catch (error) {
    if (!(error instanceof TagEditError)) throw error;
    inv.io.stderr.write(`${escapeTerminalLines(describeTagError(error, action))}\n`);
    return ExitCode.usage;
  } finally {
    ctx.close();
  }
}
