// The runner's orchestration is tested with small in-test engines: the decisions under test
// (retry classes, never paying twice, async resumption) are the runner's, not an engine's.
// Real engines are exercised against their emulators in test/engines/.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Catalog, openCatalog } from '../../main/catalog/catalog-connection.ts';
import { listContentTags } from '../../main/catalog/photo-tags.ts';
import {
  type AsyncEngine,
  EngineError,
  type SyncEngine,
  type TaggingEngine,
} from '../../main/engines/engine.ts';
import type { EngineAnswer, EngineId } from '../../main/engines/tag-model.ts';
import { countJobs, enqueueIngest, listFailedJobs } from '../../main/jobs/job-queue.ts';
import { type IngestOutcome, JobRunner, type RunnerEvent } from '../../main/jobs/job-runner.ts';
import { silentLogger } from '../../main/util/logger.ts';

let dir: string;
let db: Catalog;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tujian-runner-'));
  db = openCatalog(join(dir, 'catalog.sqlite'));
  db.prepare(
    `INSERT INTO folders (id, path, engines, added_at) VALUES (1, ?, '["local","volcengine"]', 0)`,
  ).run(dir);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const fastPolicy = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5, maxResubmits: 1 };

function addPhotos(hashes: string[]): void {
  hashes.forEach((hash, i) => {
    db.prepare(
      "INSERT INTO photos (id, folder_id, rel_path, size, mtime_ms, status) VALUES (?, 1, ?, 1, 0, 'pending')",
    ).run(i + 1, `p${String(i + 1)}.jpg`);
    enqueueIngest(db, i + 1);
  });
}

/** Ingest as the library does, minus the file work: link the photo to a content by hash. */
function ingestByHash(hashes: string[]) {
  return (photoId: number): Promise<IngestOutcome> => {
    const hash = hashes[photoId - 1] ?? '';
    db.prepare(
      'INSERT INTO contents (hash, size, created_at) VALUES (?, 1, 0) ON CONFLICT (hash) DO NOTHING',
    ).run(hash);
    const content = db
      .prepare<[string], { id: number }>('SELECT id FROM contents WHERE hash = ?')
      .get(hash);
    if (!content) throw new Error('no content');
    db.prepare("UPDATE photos SET content_id = ?, status = 'ok' WHERE id = ?").run(
      content.id,
      photoId,
    );
    return Promise.resolve({ status: 'ok', contentId: content.id, newContent: true });
  };
}

function dogAnswer(engine: EngineId): EngineAnswer {
  return {
    engine,
    model: 'm1',
    tags: [
      { name: 'dog', i18n: { zh: '狗', en: 'Dog' }, type: 'object', confidence: 90, instances: [] },
    ],
  };
}

function syncEngine(
  behaviour: (call: number) => EngineAnswer | Error,
): SyncEngine & { calls: number } {
  const engine = {
    id: 'local' as const,
    kind: 'sync' as const,
    limits: { formats: ['jpeg'] as const, maxSide: 4096, minSide: 1, input: 'pixels' as const },
    calls: 0,
    settingsKey: () => 'local:m1',
    tag() {
      engine.calls++;
      const result = behaviour(engine.calls);
      return result instanceof Error ? Promise.reject(result) : Promise.resolve(result);
    },
  };
  return engine;
}

function run(engines: Map<EngineId, TaggingEngine>, hashes: string[], events: RunnerEvent[] = []) {
  const runner = new JobRunner({
    db,
    log: silentLogger,
    ingestPhoto: ingestByHash(hashes),
    engines,
    policy: fastPolicy,
    firstPollDelayMs: 1,
    onEvent: (e) => events.push(e),
  });
  return runner;
}

describe(JobRunner.name, () => {
  it('ingests, then tags each distinct content once (duplicates are not paid twice)', async () => {
    const engine = syncEngine(() => dogAnswer('local'));
    addPhotos(['a', 'b', 'a']);
    await run(new Map([['local', engine]]), ['a', 'b', 'a']).runUntilIdle();
    expect(engine.calls).toBe(2);
    expect(countJobs(db)).toEqual([]);
    expect(listContentTags(db, 1).map((t) => t.zh)).toEqual(['狗']);
  });

  it('retries transient failures with backoff and fails permanent ones with the reason kept', async () => {
    const engine = syncEngine((call) =>
      call === 1
        ? new EngineError('local', '503', 'busy', 'retry')
        : call === 2
          ? dogAnswer('local')
          : new EngineError('local', 'AIS.0503', 'The image is damaged.', 'permanent'),
    );
    addPhotos(['a', 'b']);
    await run(new Map([['local', engine]]), ['a', 'b']).runUntilIdle();
    expect(engine.calls).toBe(3);
    expect(listFailedJobs(db)).toMatchObject([
      { code: 'AIS.0503', message: 'The image is damaged.' },
    ]);
  });

  it('gives up after the attempt cap', async () => {
    const engine = syncEngine(() => new EngineError('local', '500', 'down', 'retry'));
    addPhotos(['a']);
    await run(new Map([['local', engine]]), ['a']).runUntilIdle();
    expect(engine.calls).toBe(fastPolicy.maxAttempts);
    expect(listFailedJobs(db)).toHaveLength(1);
  });

  it('stops an engine on a credential error without a retry storm and keeps its jobs', async () => {
    const engine = syncEngine(
      () => new EngineError('local', 'APIG.0301', 'bad signature', 'stop-engine'),
    );
    addPhotos(['a', 'b', 'c']);
    const events: RunnerEvent[] = [];
    const runner = run(new Map([['local', engine]]), ['a', 'b', 'c'], events);
    await runner.runUntilIdle();
    // Two calls can be in flight when the first error arrives (lane concurrency 2); no more.
    expect(engine.calls).toBeLessThanOrEqual(2);
    expect(runner.stoppedEngines().get('local')).toBe('bad signature');
    expect(events.filter((e) => e.type === 'engine-stopped')).toHaveLength(1);
    expect(countJobs(db).find((c) => c.kind === 'tag')).toMatchObject({ queued: 3, failed: 0 });
  });

  it('submits an async task once, polls it, and resubmits once when it expired', async () => {
    const submitted: string[] = [];
    const finished: string[] = [];
    let polls = 0;
    const engine: AsyncEngine = {
      id: 'volcengine',
      kind: 'async',
      limits: { formats: ['jpeg'], maxSide: 4096, minSide: 1, input: 'url' },
      settingsKey: () => 'volc:1',
      submit: () => {
        submitted.push(`t${String(submitted.length + 1)}`);
        return Promise.resolve({ taskId: submitted.at(-1) ?? '', cleanup: 'obj' });
      },
      poll: (taskId) => {
        polls++;
        if (taskId === 't1')
          return Promise.reject(
            new EngineError('volcengine', 'expired', 'task expired', 'resubmit'),
          );
        if (polls < 4) return Promise.resolve({ state: 'pending', retryAfterMs: 1 });
        return Promise.resolve({ state: 'done', answer: dogAnswer('volcengine') });
      },
      finish: (taskId, cleanup) => {
        finished.push(`${taskId}:${String(cleanup)}`);
        return Promise.resolve();
      },
    };
    addPhotos(['a']);
    await run(new Map([['volcengine', engine]]), ['a']).runUntilIdle();
    expect(submitted).toEqual(['t1', 't2']);
    expect(finished).toEqual(['t2:obj']);
    expect(countJobs(db)).toEqual([]);
    expect(listContentTags(db, 1).map((t) => t.engine)).toEqual(['volcengine']);
  });
});
