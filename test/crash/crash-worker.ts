// The process the crash-safety harness kills: it does what `tujian index` does — open the
// catalog, put interrupted jobs back, scan the folder, ingest, tag with the cloud engines
// against their emulators — and exits 0 when the queue is empty. Its configuration comes as a
// JSON file (argv[2]) written by test/crash/crash-harness.ts, read through zod.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { openCatalog } from '../../main/catalog/catalog-connection.ts';
import { addFolder, listFolders } from '../../main/catalog/folders.ts';
import { createAliyunEngine } from '../../main/engines/aliyun/aliyun-engine.ts';
import { aliyunSettingsSchema } from '../../main/engines/aliyun/aliyun-settings.ts';
import type { TaggingEngine } from '../../main/engines/engine.ts';
import { createS3ImageHost } from '../../main/engines/hosting/image-hosting.ts';
import { createBaiduEngine } from '../../main/engines/baidu/baidu-engine.ts';
import { createHuaweiEngine } from '../../main/engines/huawei/huawei-engine.ts';
import { createTencentEngine } from '../../main/engines/tencent/tencent-engine.ts';
import type { EngineId } from '../../main/engines/tag-model.ts';
import { enqueueIngest, recoverInterruptedJobs } from '../../main/catalog/job-queue.ts';
import { JobRunner } from '../../main/jobs/job-runner.ts';
import { scanFolder } from '../../main/library/folder-scanner.ts';
import { silentLog } from '../../main/library/library-deps.ts';
import { ingestPhoto } from '../../main/library/photo-ingest.ts';
import { dataPaths } from '../../main/util/data-dir.ts';
import { createStderrLogger } from '../../main/util/logger.ts';

export const CrashWorkerConfig = z.object({
  dataRoot: z.string(),
  folder: z.string(),
  huawei: z.object({ endpoint: z.string(), projectId: z.string(), ak: z.string(), sk: z.string() }),
  aliyun: z
    .object({
      endpoint: z.string(),
      accessKeyId: z.string(),
      accessKeySecret: z.string(),
      hosting: z.record(z.string(), z.unknown()),
    })
    .optional(),
  /** The successor engines (issue 13), both sync like Huawei; absent in the seed scenario. */
  tencent: z
    .object({
      endpoint: z.string(),
      region: z.string(),
      secretId: z.string(),
      secretKey: z.string(),
    })
    .optional(),
  baidu: z.object({ endpoint: z.string(), apiKey: z.string(), secretKey: z.string() }).optional(),
  qps: z.number().positive(),
  concurrency: z.number().int().positive(),
});
export type CrashWorkerConfig = z.infer<typeof CrashWorkerConfig>;

const config = CrashWorkerConfig.parse(
  JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as unknown,
);
const db = openCatalog(dataPaths(config.dataRoot).catalog);
recoverInterruptedJobs(db);
const engineIds: EngineId[] = [
  'huawei',
  ...(config.aliyun ? (['aliyun'] as const) : []),
  ...(config.tencent ? (['tencent'] as const) : []),
  ...(config.baidu ? (['baidu'] as const) : []),
];
const folder =
  listFolders(db).find((f) => f.path === config.folder) ??
  addFolder(db, config.folder, { engines: engineIds });
await scanFolder(
  {
    db,
    log: silentLog,
    enqueueIngest: (id) => {
      enqueueIngest(db, id);
    },
  },
  folder.id,
);

const engines = new Map<EngineId, TaggingEngine>();
engines.set(
  'huawei',
  createHuaweiEngine({
    endpoint: config.huawei.endpoint,
    iamEndpoint: config.huawei.endpoint,
    projectId: config.huawei.projectId,
    auth: { kind: 'aksk', ak: config.huawei.ak, sk: config.huawei.sk },
    language: 'en',
    // The engine's own limiter stays out of the way; the runner's shared one is under test.
    qps: 100,
    concurrency: 10,
    requestTimeoutMs: 10_000,
  }),
);
if (config.aliyun) {
  const settings = aliyunSettingsSchema.parse({
    endpoint: config.aliyun.endpoint,
    accessKeyId: config.aliyun.accessKeyId,
    accessKeySecret: config.aliyun.accessKeySecret,
    pollIntervalMs: 150,
    timeoutMs: 10_000,
    hosting: config.aliyun.hosting,
  });
  engines.set(
    'aliyun',
    createAliyunEngine({ settings, host: createS3ImageHost(settings.hosting) }),
  );
}

if (config.tencent) {
  engines.set(
    'tencent',
    createTencentEngine({
      ...config.tencent,
      // The generated photos are small; the docs' 50 px is a recommendation, not a limit.
      minSide: 1,
      requestTimeoutMs: 10_000,
    }),
  );
}
if (config.baidu) {
  engines.set('baidu', createBaiduEngine({ ...config.baidu, requestTimeoutMs: 10_000 }));
}

const runner = new JobRunner({
  db,
  log: createStderrLogger(),
  ingestPhoto: (photoId) => ingestPhoto({ db, dataRoot: config.dataRoot, log: silentLog }, photoId),
  engines,
  limits: {
    huawei: { qps: config.qps, concurrency: config.concurrency },
    aliyun: { qps: config.qps, concurrency: config.concurrency },
    tencent: { qps: config.qps, concurrency: config.concurrency },
    baidu: { qps: config.qps, concurrency: config.concurrency },
  },
  // Fast backoff: the harness injects many faults and must finish in CI's time.
  policy: { maxAttempts: 12, baseDelayMs: 20, maxDelayMs: 400, maxResubmits: 1 },
  firstPollDelayMs: 150,
});
process.stdout.write('ready\n');
await runner.runUntilIdle();
db.close();
process.stdout.write('done\n');
process.exit(0);
