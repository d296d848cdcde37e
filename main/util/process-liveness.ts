// Which process wrote something, and whether that process still runs. Several Tujian processes
// may share one data folder (the desktop app open while `tujian index` runs): a job lease or a
// temporary file names its owner, and what a dead owner left behind is taken over or removed
// at once, while a live owner's is left alone ([Note: Shared job queue] in main/catalog/job-queue.ts).
//
// A pid alone is not an identity: after a crash the pid can be handed to an unrelated process.
// On Linux the kernel's start time of the process (in clock ticks since boot, /proc/<pid>/stat
// field 22) tells a reused pid apart; elsewhere a live pid counts as the owner, which errs on the
// safe side (its work is left alone until its lease runs out). A pid of another machine (a data
// folder on a network share) says nothing here, so such an owner is 'unknown'.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { z } from 'zod';

export const ProcessIdentity = z.object({
  host: z.string(),
  pid: z.number().int().positive(),
  /** The process's start time as the OS reports it, when it can be read (Linux). */
  startId: z.string().nullable(),
});
export type ProcessIdentity = z.infer<typeof ProcessIdentity>;

export type ProcessLiveness = 'alive' | 'dead' | 'unknown';

/** Linux's view of a process (/proc/<pid>/stat): its state letter and start time. */
function readProcStat(pid: number): { state: string; startTime: string } | null {
  if (process.platform !== 'linux') return null;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
  } catch {
    return null;
  }
  // Field 2 (the command name) is in parentheses and may hold spaces or parentheses itself:
  // count the fields after its LAST closing parenthesis, where field 3 (the state) begins.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const startTime = fields[22 - 3];
  return state === undefined || startTime === undefined ? null : { state, startTime };
}

/** The start time of a process (Linux: /proc/<pid>/stat field 22), or null where unknown. */
export function processStartId(pid: number): string | null {
  return readProcStat(pid)?.startTime ?? null;
}

let current: ProcessIdentity | undefined;

/** This process, as leases and temporary files name it. */
export function currentProcessIdentity(): ProcessIdentity {
  current ??= { host: hostname(), pid: process.pid, startId: processStartId(process.pid) };
  return current;
}

/** Whether a pid of this machine belongs to a running process (of any user). */
export function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the process that `owner` names still runs. */
export function processLiveness(owner: ProcessIdentity): ProcessLiveness {
  if (owner.host !== hostname()) return 'unknown';
  if (!isPidAlive(owner.pid)) return 'dead';
  const stat = readProcStat(owner.pid);
  // A zombie (killed, not yet reaped by its parent) answers signal 0 but runs nothing.
  if (stat?.state === 'Z' || stat?.state === 'X') return 'dead';
  // The pid runs, but a process started at another time holds it: the owner is gone.
  if (owner.startId !== null && stat && stat.startTime !== owner.startId) return 'dead';
  return 'alive';
}

/** Whether a pid of this machine runs a process (not a zombie): temporary files name only a pid. */
export function isPidRunning(pid: number): boolean {
  return processLiveness({ host: hostname(), pid, startId: null }) === 'alive';
}
