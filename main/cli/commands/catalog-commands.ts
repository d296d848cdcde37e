// CLI commands that read the catalog: status, tags, show, failures, retry.
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { Catalog } from '../../catalog/catalog-connection.ts';
import { listFolders, summariseFolders } from '../../catalog/folders.ts';
import {
  countCatalogTags,
  engineHasAnswers,
  listContentTags,
  listTagsWithPhotoCounts,
} from '../../catalog/photo-tags.ts';
import { findPhotoIdByPath, listUnreadablePhotos, readPhotoDetails } from '../../catalog/photos.ts';
import { engineRetirementStatus } from '../../engines/engine-profile.ts';
import type { RetirementStatus } from '../../engines/engine-retirement.ts';
import { EngineId, engineIds } from '../../engines/tag-model.ts';
import { clearEngineStop } from '../../jobs/job-controls.ts';
import { countJobs, listFailedJobs, retryFailedJobs } from '../../catalog/job-queue.ts';
import { countPendingSidecars } from '../../catalog/sidecar-marks.ts';
import { readXmpSettings } from '../../library/xmp-sidecars.ts';
import { jobsStatus, jobsStatusLines } from './jobs-commands.ts';
import { type CliCommand, stringOption } from '../cli-command.ts';
import { openCliContext } from '../cli-context.ts';
import { ExitCode, UsageError } from '../cli-errors.ts';
import { escapeControlChars } from '../../util/terminal-text.ts';

/** Total bytes under a folder (thumbnail and preview stores are two levels deep). */
export function folderBytes(root: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        files++;
        bytes += statSync(path).size;
      }
    }
  };
  walk(root);
  return { files, bytes };
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Sidecar writing and the sidecars still due ([Note: Sidecars follow tag changes]). */
function sidecarStatus(db: Catalog): { enabled: boolean; pending: number; retrying: number } {
  let enabled: boolean;
  try {
    enabled = readXmpSettings(db).enabled;
  } catch {
    enabled = false; // a damaged setting; `tujian xmp settings` says what is wrong
  }
  return { enabled, ...countPendingSidecars(db) };
}

/**
 * The announced end of an engine the library uses (enabled on a folder, or whose answers it
 * holds): engine-retirement.ts. Engines the user never used are not mentioned here.
 */
function retirementNotices(
  db: Catalog,
  folders: readonly { engines: readonly string[] }[],
  now: number,
): (RetirementStatus & { engine: EngineId })[] {
  const notices = [];
  for (const engine of engineIds) {
    const status = engineRetirementStatus(engine, now);
    if (!status) continue;
    const used = folders.some((f) => f.engines.includes(engine)) || engineHasAnswers(db, engine);
    if (used) notices.push({ engine, ...status });
  }
  return notices;
}

export const statusCommand: CliCommand = {
  name: 'status',
  summary: 'Folders, photo counts, queued and failed jobs, storage used',
  usage: 'tujian status [--json]',
  run(inv) {
    const ctx = openCliContext(inv);
    try {
      const folders = summariseFolders(ctx.db);
      const jobs = countJobs(ctx.db);
      const counts = countCatalogTags(ctx.db);
      const thumbnails = folderBytes(ctx.paths.thumbnails);
      const previews = folderBytes(ctx.paths.previews);
      const control = jobsStatus(ctx.db);
      const sidecars = sidecarStatus(ctx.db);
      const engineNotices = retirementNotices(ctx.db, folders, Date.now());
      const report = {
        dataFolder: ctx.paths.root,
        folders,
        ...counts,
        jobs,
        control,
        storage: { thumbnails, previews },
        sidecars,
        engineNotices,
      };
      if (inv.global.json) {
        inv.io.printJson(report);
        return Promise.resolve(ExitCode.ok);
      }
      inv.io.print(`Data folder: ${ctx.paths.root}`);
      if (folders.length === 0) inv.io.print('No folders yet. Add one with: tujian add <folder>');
      for (const f of folders) {
        inv.io.print(
          `[${f.status}] ${f.path}  ${String(f.photos)} photos (ok ${String(f.ok)}, broken ${String(f.broken)}, skipped ${String(f.skipped)}, missing ${String(f.missing)}, pending ${String(f.pending)})  engines: ${f.engines.join(', ') || 'none'}`,
        );
      }
      inv.io.print(
        `Distinct photos (by content): ${String(counts.contents)}, tagged: ${String(counts.tagged)}, tag names: ${String(counts.tags)}`,
      );
      if (jobs.length === 0) inv.io.print('Jobs: none waiting');
      for (const j of jobs) {
        inv.io.print(
          `Jobs ${j.kind}${j.engine ? `:${j.engine}` : ''}: queued ${String(j.queued)}, running ${String(j.running)}, failed ${String(j.failed)}`,
        );
      }
      for (const line of jobsStatusLines(control)) inv.io.print(line);
      inv.io.print(
        `Storage: thumbnails ${megabytes(thumbnails.bytes)} (${String(thumbnails.files)} files), previews ${megabytes(previews.bytes)} (${String(previews.files)} files)`,
      );
      if (sidecars.enabled || sidecars.pending > 0)
        inv.io.print(
          `XMP sidecars: ${sidecars.enabled ? 'written as tags change' : 'writing off'}, ${String(sidecars.pending)} due` +
            (sidecars.retrying > 0
              ? ` (${String(sidecars.retrying)} unreachable or failing, retried later)`
              : ''),
        );
      for (const n of engineNotices) inv.io.print(`Notice: ${n.notice}`);
      const failed = jobs.reduce((n, j) => n + j.failed, 0);
      if (failed > 0)
        inv.io.print(
          `${String(failed)} failed jobs: see "tujian failures", requeue with "tujian retry".`,
        );
      return Promise.resolve(ExitCode.ok);
    } finally {
      ctx.close();
    }
  },
};

export const tagsCommand: CliCommand = {
  name: 'tags',
  summary: 'All tags with their photo counts (zh and en) and the tags merged into them',
  usage: 'tujian tags [--json]',
  run(inv) {
    const ctx = openCliContext(inv);
    try {
      const rows = listTagsWithPhotoCounts(ctx.db);
      if (inv.global.json) inv.io.printJson(rows);
      else if (rows.length === 0)
        inv.io.print('No tags yet. Index a folder with: tujian index <folder>');
      else
        for (const r of rows) {
          const also = r.also.map((a) => `${a.zh} / ${a.en}`).join(', ');
          inv.io.print(
            `${String(r.photos).padStart(6)}  ${r.zh} / ${r.en}  (${r.type})${also ? `  also: ${also}` : ''}`,
          );
        }
      return Promise.resolve(ExitCode.ok);
    } finally {
      ctx.close();
    }
  },
};

/** Find the photo row for a file path, matching it against the added folders. */
export function findPhotoByFilePath(db: Catalog, filePath: string) {
  const absolute = resolve(filePath);
  const folders = listFolders(db); // by id, as added: the first folder holding the path wins
  for (const folder of folders) {
    const rel = relative(folder.path, absolute);
    if (rel.startsWith('..') || rel === '' || resolve(folder.path, rel) !== absolute) continue;
    const relPath = rel.split(sep).join('/');
    const photoId = findPhotoIdByPath(db, folder.id, relPath);
    if (photoId !== undefined) return { photoId, folderPath: folder.path, relPath };
  }
  return undefined;
}

export const showCommand: CliCommand = {
  name: 'show',
  summary: "One photo's facts and tags (name, zh, en, type, confidence, engine, model, boxes)",
  usage: 'tujian show <photo path> [--json]',
  run(inv) {
    const [file] = inv.positionals;
    if (!file) throw new UsageError('name a photo file');
    const ctx = openCliContext(inv);
    try {
      const found = findPhotoByFilePath(ctx.db, file);
      if (!found) {
        inv.io.stderr.write(
          `tujian show: ${escapeControlChars(file)} is not in the catalog (add its folder with "tujian add").\n`,
        );
        return Promise.resolve(ExitCode.failure);
      }
      const photo = readPhotoDetails(ctx.db, found.photoId);
      if (!photo) return Promise.resolve(ExitCode.failure);
      const tags = photo.content_id === null ? [] : listContentTags(ctx.db, photo.content_id);
      const facts = {
        path: resolve(file),
        status: photo.status,
        error: photo.error,
        size: photo.size,
        hash: photo.hash,
        format: photo.format,
        width: photo.width,
        height: photo.height,
        orientation: photo.orientation,
        takenAt: photo.taken_at === null ? null : new Date(photo.taken_at).toISOString(),
        camera: photo.camera,
        gps: photo.lat === null || photo.lon === null ? null : { lat: photo.lat, lon: photo.lon },
      };
      const tagRows = tags.map((t) => ({
        name: t.name,
        zh: t.zh,
        en: t.en,
        type: t.type,
        confidence: t.confidence === null ? null : Math.round(t.confidence * 10) / 10,
        engine: t.engine,
        model: t.model,
        state: t.state,
        boxes: t.boxes,
        ...(t.extra ? { extra: t.extra } : {}),
      }));
      if (inv.global.json) {
        inv.io.printJson({ ...facts, tags: tagRows });
        return Promise.resolve(ExitCode.ok);
      }
      for (const [key, value] of Object.entries(facts)) {
        if (value !== null)
          inv.io.print(
            `${key.padEnd(12)} ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`,
          );
      }
      if (tagRows.length === 0) inv.io.print('tags        (none yet)');
      for (const t of tagRows) {
        inv.io.print(
          `  ${t.zh} / ${t.en}  ${t.type}  ${t.confidence === null ? 'detected' : `${t.confidence.toFixed(1)}%`}  ${t.engine} (${t.model})${t.boxes.length > 0 ? `  ${String(t.boxes.length)} box(es)` : ''}`,
        );
      }
      return Promise.resolve(ExitCode.ok);
    } finally {
      ctx.close();
    }
  },
};

export const failuresCommand: CliCommand = {
  name: 'failures',
  summary: 'Jobs that failed, with the last error code and message',
  usage: 'tujian failures [--json]',
  run(inv) {
    const ctx = openCliContext(inv);
    try {
      const failed = listFailedJobs(ctx.db, 1000);
      const broken = listUnreadablePhotos(ctx.db);
      if (inv.global.json) {
        inv.io.printJson({ jobs: failed, photos: broken });
        return Promise.resolve(ExitCode.ok);
      }
      if (failed.length === 0 && broken.length === 0) inv.io.print('No failures.');
      for (const j of failed) {
        inv.io.print(
          `job ${String(j.id)} ${j.kind}${j.engine ? `:${j.engine}` : ''} ${j.code ?? ''} ${escapeControlChars(j.message ?? '')} (attempts ${String(j.attempts)})`,
        );
      }
      for (const p of broken)
        inv.io.print(
          `${p.status}: ${escapeControlChars(p.path)} — ${escapeControlChars(p.error ?? 'no reason recorded')}`,
        );
      return Promise.resolve(ExitCode.ok);
    } finally {
      ctx.close();
    }
  },
};

export const retryCommand: CliCommand = {
  name: 'retry',
  summary:
    'Requeue failed jobs and restart stopped engines (all, or one); run "tujian index" to process them',
  usage: 'tujian retry [--engine local|huawei|volcengine|aliyun|tencent|baidu]',
  options: { engine: { type: 'string' } },
  run(inv) {
    const engineName = stringOption(inv, 'engine');
    const engine = engineName === undefined ? undefined : EngineId.safeParse(engineName);
    if (engine && !engine.success) throw new UsageError(`unknown engine "${String(engineName)}"`);
    const ctx = openCliContext(inv);
    try {
      const count = retryFailedJobs(ctx.db, engine?.success ? { engine: engine.data } : {});
      // The user says the cause is fixed: a stopped engine runs again (job-controls.ts).
      const restarted = (engine?.success ? [engine.data] : EngineId.options).filter((id) =>
        clearEngineStop(ctx.db, id),
      );
      if (inv.global.json) inv.io.printJson({ requeued: count, restartedEngines: restarted });
      else {
        inv.io.print(`Requeued ${String(count)} job(s).`);
        for (const id of restarted) inv.io.print(`Engine ${id} is no longer stopped.`);
      }
      return Promise.resolve(ExitCode.ok);
    } finally {
      ctx.close();
    }
  },
};
