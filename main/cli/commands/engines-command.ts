// `tujian engines`: which engines exist, whether each is configured, stopped or paused, and
// on which folders it runs; `test` checks a connection, `set` saves settings (secrets go to
// the environment/0600 secrets file, never the catalog), `enable|disable` switches an engine
// for a folder (nothing leaves the machine unless the user turned that engine on there);
// `migrate <from> --to <engine> [query]` moves the photos a retiring engine alone described
// to another engine (app/engine-migration.ts): an estimate first, queued only with --yes.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createCatalogEngineSettings } from '../../app/catalog-engine-settings.ts';
import {
  estimateEngineMigration,
  MigrationError,
  queueEngineMigration,
} from '../../app/engine-migration.ts';
import { engineProfiles, engineRetirementStatus } from '../../engines/engine-profile.ts';
import { listFolders, setFolderEngines } from '../../catalog/folders.ts';
import { catalogSettingsBackend } from '../../catalog/settings.ts';
import {
  cloudEngineIds,
  type EngineSettings,
  loadEngineSettings,
  redactSettings,
  saveEngineSettings,
} from '../../engines/engine-settings.ts';
import { EngineId, engineIds } from '../../engines/tag-model.ts';
import { vlmOffMachineHost } from '../../engines/vlm/vlm-settings.ts';
import { clearEngineStop, readJobControls } from '../../jobs/job-controls.ts';
import { type CliCommand, stringOption } from '../cli-command.ts';
import { openCliContext } from '../cli-context.ts';
import { cliSecretStore } from '../cli-engines.ts';
import { ExitCode, UsageError } from '../cli-errors.ts';

function parseEngine(name: string | undefined): EngineId {
  const parsed = EngineId.safeParse(name);
  if (!parsed.success) throw new UsageError(`name an engine: ${engineIds.join(', ')}`);
  return parsed.data;
}

export const enginesCommand: CliCommand = {
  name: 'engines',
  summary:
    'List engines and their status; test <id>; set <id> <settings.json|->; enable|disable <id> <folder>; migrate <id> --to <id> [query]',
  usage:
    'tujian engines [list | test <id> | set <id> <file.json|-> | enable <id> <folder> | disable <id> <folder> | migrate <id> --to <id> [query] [--yes]] [--json]',
  options: {
    to: { type: 'string' },
    yes: { type: 'boolean' },
  },
  // A migrate query may exclude words (`beach -people`), as in `tujian search`.
  dashWordsArePositional: true,
  async run(inv) {
    const [action = 'list', name, arg] = inv.positionals;
    const ctx = openCliContext(inv, { create: action === 'set' });
    try {
      const secrets = cliSecretStore(ctx);
      const backend = catalogSettingsBackend(ctx.db);
      switch (action) {
        case 'list': {
          const controls = readJobControls(ctx.db);
          const folders = listFolders(ctx.db);
          const rows = [];
          for (const id of engineIds) {
            const loaded =
              id === 'local' ? undefined : await loadEngineSettings(id, backend, secrets);
            rows.push({
              engine: id,
              configured: id === 'local' ? true : (loaded?.ok ?? false),
              problem: loaded && !loaded.ok && loaded.reason === 'invalid' ? loaded.message : null,
              settings: loaded?.ok && id !== 'local' ? redactSettings(id, loaded.settings) : null,
              stopped: controls.stopped.get(id) ?? null,
              paused: controls.pausedAll || controls.pausedEngines.has(id),
              folders: folders.filter((f) => f.engines.includes(id)).map((f) => f.path),
              retirement: engineRetirementStatus(id, Date.now()),
              // [Note: A model server off this machine] (vlm-settings.ts).
              offMachineHost:
                id === 'vlm' && loaded?.ok
                  ? vlmOffMachineHost(loaded.settings as EngineSettings<'vlm'>)
                  : null,
            });
          }
          if (inv.global.json) {
            inv.io.printJson(rows);
            return ExitCode.ok;
          }
          for (const r of rows) {
            const state = r.stopped
              ? `stopped: ${r.stopped.reason}`
              : r.paused
                ? 'paused'
                : r.configured
                  ? 'ready'
                  : 'not configured';
            inv.io.print(`${r.engine.padEnd(10)} ${state}${r.problem ? ` — ${r.problem}` : ''}`);
            inv.io.print(
              `           folders: ${r.folders.length > 0 ? r.folders.join(', ') : 'none (enable with: tujian engines enable <id> <folder>)'}`,
            );
            if (r.retirement) inv.io.print(`           notice: ${r.retirement.notice}`);
            if (r.offMachineHost)
              inv.io.print(
                `           notice: the model server is not on this machine; photos are sent to ${r.offMachineHost}`,
              );
          }
          return ExitCode.ok;
        }
        case 'test': {
          const engine = parseEngine(name);
          const result = await createCatalogEngineSettings(ctx.db, secrets).test(engine);
          if (inv.global.json) inv.io.printJson({ engine, ...result });
          else inv.io.print(`${engine}: ${result.ok ? 'ok' : 'FAILED'} — ${result.message}`);
          return result.ok ? ExitCode.ok : ExitCode.failure;
        }
        case 'set': {
          const engine = parseEngine(name);
          if (engine === 'local') throw new UsageError('the on-device engine has no settings');
          if (!arg)
            throw new UsageError('engines set needs a JSON settings file, or - for standard input');
          const text = arg === '-' ? readFileSync(0, 'utf8') : readFileSync(resolve(arg), 'utf8');
          const saved = await saveEngineSettings(
            engine,
            JSON.parse(text) as never,
            backend,
            secrets,
          );
          clearEngineStop(ctx.db, engine);
          if (inv.global.json) inv.io.printJson(redactSettings(engine, saved));
          else
            inv.io.print(
              `Saved the ${engine} settings (secrets in ${ctx.paths.root}/secrets.json, mode 0600, or your environment).`,
            );
          return ExitCode.ok;
        }
        case 'enable':
        case 'disable': {
          const engine = parseEngine(name);
          if (!arg) throw new UsageError(`engines ${action} needs a folder`);
          const folder = listFolders(ctx.db).find((f) => f.path === resolve(arg));
          if (!folder)
            throw new UsageError(
              `${resolve(arg)} is not a library folder (add it with tujian add)`,
            );
          const next = new Set(folder.engines);
          if (action === 'enable') next.add(engine);
          else next.delete(engine);
          setFolderEngines(ctx.db, folder.id, [...next]);
          inv.io.print(
            `${folder.path}: engines ${[...next].join(', ') || 'none'}. Run "tujian index" to tag.`,
          );
          if (action === 'enable' && cloudEngineIds.some((c) => c === engine)) {
            inv.io.print(
              `Photos of this folder will be sent to ${engine} (downscaled, without EXIF/GPS).`,
            );
          }
          return ExitCode.ok;
        }
        case 'migrate': {
          const from = parseEngine(name);
          const to = parseEngine(stringOption(inv, 'to'));
          // Everything after the engine is the query (it may hold spaces when quoted or not).
          const query = inv.positionals.slice(2).join(' ').trim();
          const loaded =
            to === 'local' ? undefined : await loadEngineSettings(to, backend, secrets);
          const qps = loaded?.ok ? loaded.settings.qps : engineProfiles[to].callLimits.qps;
          const options = { from, to, qps, ...(query === '' ? {} : { query }) };
          let estimate;
          try {
            estimate = estimateEngineMigration(ctx.db, options);
          } catch (error) {
            if (error instanceof MigrationError) throw new UsageError(error.message);
            throw error;
          }
          const queued = inv.values.yes === true ? queueEngineMigration(ctx.db, options) : null;
          if (inv.global.json) {
            inv.io.printJson({ ...estimate, queued });
            return ExitCode.ok;
          }
          inv.io.print(
            `${String(estimate.photos)} photo(s) (${String(estimate.contents)} distinct) have scene/concept tags from ${from} only${query === '' ? '' : ` among "${query}"`}; their ${from} tags are kept and stay searchable.`,
          );
          inv.io.print(
            `${to}: ${String(estimate.calls)} paid call(s) — ${String(estimate.alreadyAnswered)} answered by ${to} already, ${String(estimate.alreadyQueued)} queued already` +
              (estimate.minimumSeconds === null
                ? ''
                : `, at least ${String(estimate.minimumSeconds)} s at ${String(qps)} calls/s`) +
              (estimate.budgetRemaining === null
                ? ''
                : `, budget left: ${String(estimate.budgetRemaining)}`) +
              '.',
          );
          if (!loaded?.ok && to !== 'local')
            inv.io.print(`${to} is not configured yet: tujian engines set ${to} <settings.json>`);
          if (estimate.notEnabled > 0)
            inv.io.print(
              `${String(estimate.notEnabled)} of them are in folders where ${to} is not enabled (nothing is sent from there): ${estimate.foldersToEnable.join(', ')} — enable with: tujian engines enable ${to} <folder>`,
            );
          if (queued === null)
            inv.io.print(`Nothing queued yet. Queue them with: the same command and --yes`);
          else
            inv.io.print(
              `Queued ${String(queued)} photo(s) for ${to}. Run "tujian index" (or keep "tujian watch" running) to tag.`,
            );
          return ExitCode.ok;
        }
        default:
          throw new UsageError(`unknown engines action "${action}"`);
      }
    } finally {
      ctx.close();
    }
  },
};
