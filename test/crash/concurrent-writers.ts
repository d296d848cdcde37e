// Several Tujian processes on one data folder at once (issue 12 item 3): real `tujian index`
// processes (bin/tujian.js) overlap on one catalog while the Huawei emulator, in THIS process,
// counts the paid calls. Each later process starts while the earlier ones hold running jobs,
// which is when a start used to requeue every running job and pay for it a second time.
// Then: every process exited 0, `PRAGMA integrity_check` is ok, every photo is ingested and
// tagged, no job is left, and the emulator was paid exactly once per content.
//
// The first writer starts alone; the others start (`staggerMs` apart) once it holds tag jobs
// whose calls are in flight, and the emulator answers after `engineDelayMs`, longer than a
// process takes to start: the later writers start while those calls are still unanswered, and
// have free lanes to take any job given back to the queue.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { openCatalog } from '../../main/catalog/catalog-connection.ts';
import { dataPaths } from '../../main/util/data-dir.ts';
import { duplicatePaidCalls } from '../../main/emulators/emulator-kit.ts';
import { startHuaweiEmulator } from '../../main/emulators/huawei/huawei-emulator.ts';
import { generatePhotos } from './crash-harness.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');

export interface ConcurrentWritersOptions {
  readonly photos: number;
  /** `tujian index` processes. */
  readonly writers: number;
  readonly staggerMs: number;
  readonly engineDelayMs: number;
  /** Give up on a writer after this long. */
  readonly writerTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

export interface ConcurrentWritersReport {
  readonly writers: number;
  readonly exitCodes: readonly (number | null)[];
  /** Writers that started while another one was still running. */
  readonly overlapping: number;
  readonly photos: number;
  readonly photosNotOk: number;
  readonly contents: number;
  readonly contentsWithoutResult: number;
  /** Successful paid tagging calls the emulator served. */
  readonly engineCalls: number;
  /** Contents paid for more than once. */
  readonly paidTwice: number;
  readonly jobsLeft: number;
  readonly integrity: string;
  readonly seconds: number;
  /** The stderr of writers that failed, for diagnosis. */
  readonly errors: readonly string[];
}

interface CliRun {
  readonly exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
  readonly done: () => boolean;
}

function tujian(dataRoot: string, args: readonly string[], timeoutMs: number): CliRun {
  const child = spawn(process.execPath, ['bin/tujian.js', ...args, '--data', dataRoot], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let finished = false;
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((r) => {
    child.on('exit', (code) => {
      finished = true;
      clearTimeout(timer);
      r({ code, stdout, stderr });
    });
  });
  return { exited, done: () => finished };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runConcurrentWriters(
  options: ConcurrentWritersOptions,
): Promise<ConcurrentWritersReport> {
  const log = options.log ?? (() => undefined);
  const timeoutMs = options.writerTimeoutMs ?? 120_000;
  const started = performance.now();
  const work = mkdtempSync(join(tmpdir(), 'tujian-writers-'));
  const folder = join(work, 'photos');
  const dataRoot = join(work, 'data');
  mkdirSync(folder, { recursive: true });
  const huawei = await startHuaweiEmulator({ tagger: 'pixels' });
  try {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    await generatePhotos(folder, options.photos, 0, random);
    huawei.setFaults({
      faults: [{ kind: 'delay', route: 'image-tagging', delayMs: options.engineDelayMs }],
    });
    const c = huawei.credentials;
    const settingsFile = join(work, 'huawei.json');
    writeFileSync(
      settingsFile,
      JSON.stringify({
        endpoint: huawei.baseUrl,
        iamEndpoint: huawei.baseUrl,
        projectId: c.projectId,
        auth: { kind: 'aksk', ak: c.ak, sk: c.sk },
        language: 'en',
        qps: 20,
        concurrency: 4,
      }),
    );
    for (const args of [
      ['add', folder, '--engines', 'huawei'],
      ['engines', 'set', 'huawei', settingsFile],
    ]) {
      const setup = await tujian(dataRoot, args, timeoutMs).exited;
      if (setup.code !== 0) throw new Error(`tujian ${args.join(' ')} failed:\n${setup.stderr}`);
    }

    const paidCalls = () => huawei.calls().filter((call) => call.route === 'image-tagging');
    const runs: CliRun[] = [tujian(dataRoot, ['index', '--engine', 'huawei'], timeoutMs)];
    // Watched read-only, as `tujian status` would: does the first writer hold a tag job yet?
    const watcher = new Database(dataPaths(dataRoot).catalog, { readonly: true });
    try {
      watcher.pragma('busy_timeout = 5000');
      const runningTags = watcher.prepare(
        `SELECT COUNT(*) AS n FROM jobs WHERE kind = 'tag' AND state = 'running'`,
      );
      while ((runningTags.get() as { n: number }).n === 0 && runs.every((r) => !r.done()))
        await sleep(20);
    } finally {
      watcher.close();
    }
    let overlapping = 0;
    for (let i = 1; i < options.writers; i++) {
      if (runs.some((r) => !r.done())) overlapping++;
      runs.push(tujian(dataRoot, ['index', '--engine', 'huawei'], timeoutMs));
      log(`writer ${String(i + 1)} started after ${String(paidCalls().length)} answered calls`);
      await sleep(options.staggerMs);
    }
    const results = await Promise.all(runs.map((r) => r.exited));

    const db = openCatalog(dataPaths(dataRoot).catalog);
    try {
      const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
      const successful = paidCalls().filter((call) => call.paid);
      return {
        writers: options.writers,
        exitCodes: results.map((r) => r.code),
        overlapping,
        photos: count(`SELECT COUNT(*) AS n FROM photos`),
        photosNotOk: count(`SELECT COUNT(*) AS n FROM photos WHERE status != 'ok'`),
        contents: count(`SELECT COUNT(*) AS n FROM contents`),
        contentsWithoutResult: count(
          `SELECT COUNT(*) AS n FROM contents c WHERE NOT EXISTS
             (SELECT 1 FROM engine_results r WHERE r.content_id = c.id AND r.engine = 'huawei')`,
        ),
        engineCalls: successful.length,
        paidTwice: duplicatePaidCalls(successful).size,
        jobsLeft: count(`SELECT COUNT(*) AS n FROM jobs`),
        integrity: String(db.pragma('integrity_check', { simple: true })),
        seconds: Math.round((performance.now() - started) / 100) / 10,
        errors: results.filter((r) => r.code !== 0).map((r) => r.stderr.slice(-2000)),
      };
    } finally {
      db.close();
    }
  } finally {
    await huawei.close();
    rmSync(work, { recursive: true, force: true });
  }
}
