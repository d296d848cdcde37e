// Benchmark of the Huawei engine's own cost against its emulator on 127.0.0.1: photos/s of the
// whole path (prepare a 12 MP JPEG for 4096 px / 10 MB base64, base64, sign, POST, validate,
// map) with the emulator's fast pixel tagger, the time prepare takes per photo, the size of
// what is sent, and the cost of signing a 10 MB body. Network and vendor latency are not
// measured (there is no vendor here).
//   node bin/run-ts.js bench/huawei-engine.ts [--photos N] [--concurrency C] [--side PX]
// The last output line is one JSON object.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createHuaweiEngine, huaweiLimits } from '../main/engines/huawei/huawei-engine.ts';
import { signHuaweiRequest } from '../main/engines/huawei/huawei-signer.ts';
import { prepareForEngine } from '../main/imaging/prepare-for-engine.ts';
import { startHuaweiEmulator } from '../main/emulators/huawei/huawei-emulator.ts';
import { defaultCacheDir, ensurePhotos } from './bench-photos.ts';

const { values: args } = parseArgs({
  options: {
    photos: { type: 'string', default: '12' },
    concurrency: { type: 'string', default: '2' },
    side: { type: 'string', default: '4096' },
  },
});
const count = Number(args.photos);
const concurrency = Number(args.concurrency);

await ensurePhotos(defaultCacheDir, count);
const files = readdirSync(defaultCacheDir)
  .filter((name) => name.endsWith('.jpg'))
  .sort()
  .slice(0, count)
  .map((name) => join(defaultCacheDir, name));

const emulator = await startHuaweiEmulator({ tagger: 'pixels' });
const c = emulator.credentials;
let prepareMs = 0;
let sentBase64 = 0;
const engine = createHuaweiEngine(
  {
    endpoint: emulator.baseUrl,
    projectId: c.projectId,
    auth: { kind: 'aksk', ak: c.ak, sk: c.sk },
    qps: 100,
    uploadMaxSide: Number(args.side),
    concurrency: Math.min(10, concurrency),
  },
  {
    prepare: async (input, limits) => {
      const started = performance.now();
      const prepared = await prepareForEngine(input, limits);
      prepareMs += performance.now() - started;
      sentBase64 += Math.ceil(prepared.data.length / 3) * 4;
      return prepared;
    },
  },
);

// Warm-up (sharp, the emulator's first decode), not timed.
await engine.tag({ sourcePath: files[0] ?? '', contentHash: 'warm' });
prepareMs = 0;
sentBase64 = 0;

const started = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < files.length) {
      const file = files[next++] ?? '';
      await engine.tag({ sourcePath: file, contentHash: file });
    }
  }),
);
const wallMs = performance.now() - started;
await emulator.close();

// Signing a 10 MB body: hashing the bytes dominates.
const body = Buffer.alloc(10_000_000, 0x41);
const signStarted = performance.now();
const rounds = 10;
for (let i = 0; i < rounds; i++) {
  signHuaweiRequest(
    {
      method: 'POST',
      url: 'https://image.cn-north-4.myhuaweicloud.com/v2/p/image/tagging',
      headers: {},
      body,
    },
    { ak: 'AK', sk: 'SK' },
  );
}
const signMs = (performance.now() - signStarted) / rounds;

console.log(
  JSON.stringify({
    bench: 'huawei-engine',
    photos: files.length,
    sourcePhoto: '4000x3000 JPEG q90',
    limits: huaweiLimits({ minSide: 15, uploadMaxSide: Number(args.side) }),
    concurrency,
    photosPerSecond: Math.round((files.length / (wallMs / 1000)) * 100) / 100,
    prepareMsPerPhoto: Math.round(prepareMs / files.length),
    meanBase64Bytes: Math.round(sentBase64 / files.length),
    sign10MbBodyMs: Math.round(signMs * 10) / 10,
  }),
);
