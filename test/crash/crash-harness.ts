// The crash-safety harness (issue 5): the Huawei and Aliyun emulators (and a real S3 server for
// Aliyun's image hosting) run in THIS process, so their call logs outlive the worker; the
// worker (test/crash/crash-worker.ts) runs ingest + tagging in a child process and is killed
// with SIGKILL at random points, then restarted, `kills` times; a last run finishes the queue.
// Then: `PRAGMA integrity_check` is ok, every photo is ingested and has every engine's result,
// no job is left (none lost, none failed), and the emulators' logs show no duplicate
// successful paid call that a kill does not explain. See [Note: Never pay twice] in
// main/jobs/tag-job-protocol.ts for the window, and `measureDuplicates` for how it is measured.
//
// The emulators tag with the fast pixel-region tagger (main/emulators/huawei/
// pixel-region-tagger.ts) instead of the on-device model: the subject here is the queue's
// behaviour under kills, and the local model would make each call 50× slower.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { openCatalog } from '../../main/catalog/catalog-connection.ts';
import { dataPaths } from '../../main/util/data-dir.ts';
import { startS3rver } from '../engines/hosting/s3rver-fixture.ts';
import { startAliyunEmulator } from '../../main/emulators/aliyun/aliyun-emulator.ts';
import type { CallRecord, FaultConfig } from '../../main/emulators/emulator-kit.ts';
import { startBaiduEmulator } from '../../main/emulators/baidu/baidu-emulator.ts';
import { startHuaweiEmulator } from '../../main/emulators/huawei/huawei-emulator.ts';
import { startTencentEmulator } from '../../main/emulators/tencent/tencent-emulator.ts';
import { tagPixelRegions } from '../../main/emulators/huawei/pixel-region-tagger.ts';
import type { CrashWorkerConfig } from './crash-worker.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');

export interface CrashScenarioOptions {
  /** Distinct photos generated. */
  readonly photos: number;
  /** Extra byte-identical copies (in a subfolder): tagged once, never paid twice. */
  readonly duplicates: number;
  readonly kills: number;
  /** Each kill lands at a random time in [0, this] after the worker said it is ready. */
  readonly maxKillDelayMs: number;
  /** Probability of an injected 429 and, separately, of a 5xx, per engine call. */
  readonly faultRate: number;
  readonly withAliyun: boolean;
  /** Also tag with the Tencent and Baidu engines against their emulators (issue 13). */
  readonly withSuccessors?: boolean;
  readonly qps: number;
  readonly concurrency: number;
  /** Give up on one worker run after this long. */
  readonly runTimeoutMs?: number;
  readonly log?: (line: string) => void;
  readonly random?: () => number;
}

export interface DuplicateReport {
  readonly paidCalls: number;
  /** Subjects paid for more than once. */
  readonly duplicates: number;
  /** Duplicates with a kill between the first paid call's arrival and the next paid call. */
  readonly explainedByKill: number;
  /** Kill time minus the first paid answer's time, per explained duplicate (ms). */
  readonly windowsMs: readonly number[];
  /** The first few unexplained duplicates, for diagnosis (times relative to the nearest kill). */
  readonly unexplained: readonly string[];
}

export interface CrashScenarioReport {
  readonly kills: number;
  /** Kills that found the worker still running (the others found it finished). */
  readonly killsWhileWorking: number;
  readonly restarts: number;
  readonly photos: number;
  readonly integrity: string;
  readonly photosNotOk: number;
  readonly contentsMissingResults: Record<string, number>;
  readonly jobsLeft: number;
  readonly failedJobs: number;
  /** The jobs left, described (kind, engine, state, attempts, last error), for diagnosis. */
  readonly leftJobs: readonly string[];
  readonly huawei: DuplicateReport;
  readonly aliyun: DuplicateReport | null;
  readonly tencent: DuplicateReport | null;
  readonly baidu: DuplicateReport | null;
  /**
   * Aliyun tasks accepted (asyncscan answered 200) minus distinct contents: tasks whose id the
   * worker never committed (killed between the submit's answer and the commit), resubmitted on
   * restart. Aliyun charges such a task when it scans it; the emulator logs the charge only when
   * a result is fetched, so these are the async side of the window, counted here.
   */
  readonly aliyunOrphanedTasks: number | null;
  readonly seconds: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function generatePhotos(
  folder: string,
  count: number,
  duplicates: number,
  random: () => number,
): Promise<void> {
  mkdirSync(join(folder, 'copies'), { recursive: true });
  for (let i = 0; i < count; i++) {
    const channel = () => Math.floor(random() * 256);
    const rect = await sharp({
      create: {
        width: 40 + (i % 30),
        height: 30 + (i % 20),
        channels: 3,
        background: { r: channel(), g: channel(), b: channel() },
      },
    })
      .png()
      .toBuffer();
    await sharp({
      create: {
        width: 160,
        height: 120,
        channels: 3,
        background: { r: channel(), g: channel(), b: channel() },
      },
    })
      .composite([{ input: rect, left: 10 + (i % 50), top: 10 + (i % 40) }])
      .jpeg({ quality: 85 })
      .toFile(join(folder, `photo-${String(i).padStart(4, '0')}.jpg`));
  }
  for (let i = 0; i < Math.min(duplicates, count); i++) {
    const name = `photo-${String(i).padStart(4, '0')}.jpg`;
    copyFileSync(join(folder, name), join(folder, 'copies', `copy-of-${name}`));
  }
}

/**
 * Duplicate paid calls, and whether each is the documented window: a kill came after the
 * service received the first paid call (it did the work, so it charges) and before the next
 * paid call for the same subject (or at most 250 ms before the first arrived: it was still in
 * flight when the worker died). `windowsMs` is, per explained duplicate, the time from the
 * service's answer to the kill: negative when the worker died before the answer reached it
 * (the answer went into a dead socket), positive when it died holding an uncommitted answer.
 */
const inFlightSlackMs = 250;

export function measureDuplicates(
  calls: readonly CallRecord[],
  killTimes: readonly number[],
): DuplicateReport {
  const bySubject = new Map<string, CallRecord[]>();
  let paidCalls = 0;
  for (const call of calls) {
    if (!call.paid || call.subject === undefined) continue;
    paidCalls++;
    const list = bySubject.get(call.subject) ?? [];
    list.push(call);
    bySubject.set(call.subject, list);
  }
  let duplicates = 0;
  let explainedByKill = 0;
  const windowsMs: number[] = [];
  const unexplained: string[] = [];
  for (const list of bySubject.values()) {
    const sorted = [...list].sort((a, b) => a.time - b.time);
    for (let i = 1; i < sorted.length; i++) {
      duplicates++;
      const first = sorted[i - 1];
      const again = sorted[i];
      if (!first || !again) continue;
      const answered = first.time + first.durationMs;
      // A request can still be on its way (socket buffers, a busy server) when the worker dies:
      // the service receives it a little after the kill and does the paid work anyway.
      const kill = killTimes.find((k) => k >= first.time - inFlightSlackMs && k <= again.time);
      if (kill !== undefined) {
        explainedByKill++;
        windowsMs.push(kill - answered);
      } else if (unexplained.length < 5) {
        const describe = (c: CallRecord) =>
          `${c.outcome}@${String(c.time)}+${String(c.durationMs)}${c.delivered ? '' : ' (not delivered)'}`;
        unexplained.push(
          `${describe(first)} then ${describe(again)}; kills ${killTimes.map(String).join(',')}`,
        );
      }
    }
  }
  return { paidCalls, duplicates, explainedByKill, windowsMs, unexplained };
}

interface WorkerRun {
  readonly ready: Promise<void>;
  readonly exited: Promise<number | null>;
  kill(): void;
  stderr(): string;
}

function startWorker(configPath: string): WorkerRun {
  const child = spawn(
    process.execPath,
    [join(repoRoot, 'bin/run-ts.js'), join(here, 'crash-worker.ts'), configPath],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (onReady = r));
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
    if (out.includes('ready\n')) onReady();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((r) => {
    child.on('exit', (code) => {
      onReady();
      r(code);
    });
  });
  return {
    ready,
    exited,
    kill: () => child.kill('SIGKILL'),
    stderr: () => err,
  };
}

export async function runCrashScenario(
  options: CrashScenarioOptions,
): Promise<CrashScenarioReport> {
  const log = options.log ?? (() => undefined);
  const random = options.random ?? Math.random;
  const started = performance.now();
  const work = mkdtempSync(join(tmpdir(), 'tujian-crash-'));
  const folder = join(work, 'photos');
  const dataRoot = join(work, 'data');
  mkdirSync(folder, { recursive: true });
  mkdirSync(dataRoot, { recursive: true });
  const huawei = await startHuaweiEmulator({ tagger: 'pixels' });
  const s3 = options.withAliyun ? await startS3rver() : undefined;
  const aliyun = options.withAliyun
    ? await startAliyunEmulator({ tagger: tagPixelRegions, processingMs: 200 })
    : undefined;
  const tencent = options.withSuccessors
    ? await startTencentEmulator({ tagger: 'pixels' })
    : undefined;
  const baidu = options.withSuccessors ? await startBaiduEmulator({ tagger: 'pixels' }) : undefined;
  try {
    await generatePhotos(folder, options.photos, options.duplicates, random);
    const faults = (routes: readonly string[]): FaultConfig => ({
      faults: routes.flatMap((route) => [
        { kind: 'throttle' as const, route, probability: options.faultRate },
        { kind: 'server-error' as const, route, status: 503, probability: options.faultRate },
      ]),
    });
    huawei.setFaults(faults(['image-tagging']));
    aliyun?.kit.setFaults(faults(['asyncscan', 'results']));
    tencent?.setFaults(faults(['tiia']));
    baidu?.setFaults(faults(['advanced_general']));
    const c = huawei.credentials;
    const config: CrashWorkerConfig = {
      dataRoot,
      folder,
      huawei: { endpoint: huawei.baseUrl, projectId: c.projectId, ak: c.ak, sk: c.sk },
      ...(aliyun && s3
        ? {
            aliyun: {
              endpoint: aliyun.baseUrl,
              accessKeyId: aliyun.credentials.accessKeyId,
              accessKeySecret: aliyun.credentials.accessKeySecret,
              hosting: { ...s3.settings },
            },
          }
        : {}),
      ...(tencent
        ? {
            tencent: {
              endpoint: tencent.baseUrl,
              region: tencent.credentials.region,
              secretId: tencent.credentials.secretId,
              secretKey: tencent.credentials.secretKey,
            },
          }
        : {}),
      ...(baidu
        ? {
            baidu: {
              endpoint: baidu.baseUrl,
              apiKey: baidu.credentials.apiKey,
              secretKey: baidu.credentials.secretKey,
            },
          }
        : {}),
      qps: options.qps,
      concurrency: options.concurrency,
    };
    const configPath = join(work, 'worker.json');
    writeFileSync(configPath, JSON.stringify(config));

    const killTimes: number[] = [];
    let killsWhileWorking = 0;
    for (let i = 0; i < options.kills; i++) {
      const run = startWorker(configPath);
      await run.ready;
      await sleep(Math.floor(random() * options.maxKillDelayMs));
      const at = Date.now();
      run.kill();
      const code = await run.exited;
      killTimes.push(at);
      if (code === null) killsWhileWorking++;
      else if (code !== 0)
        throw new Error(`worker failed (exit ${String(code)}):\n${run.stderr()}`);
      log(
        `kill ${String(i + 1)}/${String(options.kills)}: ${code === null ? 'killed while working' : 'had finished'}`,
      );
    }
    const last = startWorker(configPath);
    const timeout = setTimeout(() => {
      last.kill();
    }, options.runTimeoutMs ?? 120_000);
    const code = await last.exited;
    clearTimeout(timeout);
    if (code !== 0)
      throw new Error(`final worker run failed (exit ${String(code)}):\n${last.stderr()}`);

    const db = openCatalog(dataPaths(dataRoot).catalog);
    try {
      const integrity = String(db.pragma('integrity_check', { simple: true }));
      const photos = db.prepare(`SELECT COUNT(*) AS n FROM photos`).get() as { n: number };
      const notOk = db.prepare(`SELECT COUNT(*) AS n FROM photos WHERE status != 'ok'`).get() as {
        n: number;
      };
      const engines = [
        'huawei',
        ...(options.withAliyun ? ['aliyun'] : []),
        ...(options.withSuccessors ? ['tencent', 'baidu'] : []),
      ];
      const contentsMissingResults: Record<string, number> = {};
      for (const engine of engines) {
        const row = db
          .prepare(
            `SELECT COUNT(DISTINCT p.content_id) AS n FROM photos p WHERE p.status = 'ok' AND NOT EXISTS
               (SELECT 1 FROM engine_results r WHERE r.content_id = p.content_id AND r.engine = ?)`,
          )
          .get(engine) as { n: number };
        contentsMissingResults[engine] = row.n;
      }
      const jobs = db
        .prepare(`SELECT COUNT(*) AS n, COALESCE(SUM(state = 'failed'), 0) AS failed FROM jobs`)
        .get() as { n: number; failed: number };
      const leftJobs = db
        .prepare<
          [],
          {
            kind: string;
            engine: string | null;
            state: string;
            attempts: number;
            remote_task_id: string | null;
            last_error_code: string | null;
            last_error: string | null;
          }
        >(
          `SELECT kind, engine, state, attempts, remote_task_id, last_error_code, last_error
           FROM jobs ORDER BY id LIMIT 10`,
        )
        .all()
        .map(
          (j) =>
            `${j.kind}:${j.engine ?? '-'} ${j.state} attempts=${String(j.attempts)} task=${j.remote_task_id ?? '-'} ${j.last_error_code ?? ''} ${j.last_error ?? ''}`,
        );
      return {
        kills: options.kills,
        killsWhileWorking,
        restarts: options.kills + 1,
        photos: photos.n,
        integrity,
        photosNotOk: notOk.n,
        contentsMissingResults,
        jobsLeft: jobs.n,
        failedJobs: jobs.failed,
        leftJobs,
        huawei: measureDuplicates(
          huawei.calls().filter((call) => call.route === 'image-tagging'),
          killTimes,
        ),
        aliyun: aliyun ? measureDuplicates(aliyun.kit.calls(), killTimes) : null,
        tencent: tencent
          ? measureDuplicates(
              tencent.calls().filter((call) => call.route === 'tiia'),
              killTimes,
            )
          : null,
        baidu: baidu
          ? measureDuplicates(
              baidu.calls().filter((call) => call.route === 'advanced_general'),
              killTimes,
            )
          : null,
        aliyunOrphanedTasks: aliyun
          ? aliyun.kit.calls().filter((call) => call.route === 'asyncscan' && call.status === 200)
              .length - options.photos
          : null,
        seconds: Math.round((performance.now() - started) / 100) / 10,
      };
    } finally {
      db.close();
    }
  } finally {
    await huawei.close();
    await aliyun?.close();
    await tencent?.close();
    await baidu?.close();
    await s3?.close();
    rmSync(work, { recursive: true, force: true });
  }
}
