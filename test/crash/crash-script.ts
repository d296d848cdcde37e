// The big crash-safety run (the fast one runs in `npm test`):
//   node bin/run-ts.js test/crash/crash-script.ts [--photos 300] [--duplicates 30] [--kills 20]
//     [--max-kill-delay-ms 3000] [--fault-rate 0.1] [--qps 20] [--concurrency 8] [--no-aliyun]
// Prints progress on stderr and ONE JSON object (the report) as its last line on stdout; exits
// 1 when a check fails.
import { parseArgs } from 'node:util';
import { runCrashScenario } from './crash-harness.ts';

const { values } = parseArgs({
  options: {
    photos: { type: 'string', default: '300' },
    duplicates: { type: 'string', default: '30' },
    kills: { type: 'string', default: '20' },
    'max-kill-delay-ms': { type: 'string', default: '3000' },
    'fault-rate': { type: 'string', default: '0.1' },
    qps: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '8' },
    'no-aliyun': { type: 'boolean', default: false },
  },
});

const report = await runCrashScenario({
  photos: Number(values.photos),
  duplicates: Number(values.duplicates),
  kills: Number(values.kills),
  maxKillDelayMs: Number(values['max-kill-delay-ms']),
  faultRate: Number(values['fault-rate']),
  qps: Number(values.qps),
  concurrency: Number(values.concurrency),
  withAliyun: !values['no-aliyun'],
  log: (line) => process.stderr.write(`${line}\n`),
});
const unexplained =
  report.huawei.duplicates -
  report.huawei.explainedByKill +
  (report.aliyun ? report.aliyun.duplicates - report.aliyun.explainedByKill : 0);
const ok =
  report.integrity === 'ok' &&
  report.photosNotOk === 0 &&
  report.jobsLeft === 0 &&
  Object.values(report.contentsMissingResults).every((n) => n === 0) &&
  unexplained === 0;
process.stdout.write(`${JSON.stringify({ ok, unexplainedDuplicates: unexplained, ...report })}\n`);
process.exit(ok ? 0 : 1);
