// Who holds a job or writes a temporary file, checked against real processes: this one, a child
// that ended, a zombie (killed and not yet reaped by its parent) and another machine's pid.
import { spawn, spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  currentProcessIdentity,
  processLiveness,
  processStartId,
} from '../../main/util/process-liveness.ts';

describe(processLiveness.name, () => {
  it('knows this process is alive and an ended child is dead', () => {
    expect(processLiveness(currentProcessIdentity())).toBe('alive');
    const ended = spawnSync(process.execPath, ['-e', '0']);
    expect(processLiveness({ host: hostname(), pid: ended.pid, startId: null })).toBe('dead');
  });

  it('cannot tell for a pid of another machine', () => {
    expect(processLiveness({ host: `not-${hostname()}`, pid: process.pid, startId: null })).toBe(
      'unknown',
    );
  });

  it.runIf(process.platform === 'linux')(
    'takes a reused pid (another start time) and a zombie for dead',
    async () => {
      const me = currentProcessIdentity();
      expect(me.startId).toBe(processStartId(process.pid));
      expect(processLiveness({ ...me, startId: `${me.startId ?? ''}1` })).toBe('dead');
      // `sleep 0` ends at once; the shell then becomes `sleep 5`, which never reaps it.
      const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 5'], {
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      try {
        const zombie = await new Promise<number>((resolve) => {
          parent.stdout.once('data', (chunk: Buffer) => {
            resolve(Number(chunk.toString().trim()));
          });
        });
        await new Promise((r) => setTimeout(r, 300));
        expect(processLiveness({ host: hostname(), pid: zombie, startId: null })).toBe('dead');
      } finally {
        parent.kill('SIGKILL');
      }
    },
  );
});
