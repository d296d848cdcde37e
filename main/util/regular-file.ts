// Opens and reads photo files safely: only regular files, never a blocking open, every read
// bounded by a timeout. Every module that reads a photo (ingest hashing, image decoding, EXIF,
// keyword import, the engines through imaging) goes through here.
//
// [Note: Never open a non-regular file]
// `open()` on a FIFO blocks until a writer appears, and it blocks one of libuv's four pool
// threads with it: a pipe left at a queued photo's path hung ingest forever, and every later
// run that picked the job up again (issue 12). So the type is checked with `stat` before any
// open, the open itself passes O_NONBLOCK (a FIFO swapped in between the check and the open
// then opens at once instead of waiting), and the handle is `fstat`ed so what is read is the
// checked regular file. Sockets and devices are refused the same way. A slow or stuck network
// drive cannot be refused by type, so each step has a timeout: the caller gets a
// `FileAccessError` with code `timeout` and the photo ends retryable instead of holding the
// queue. (The pool thread stays stuck until the kernel answers; the queue moves on.)
import { constants, type Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';

/** How long one file operation (stat, open, one read) may take before the file is given up. */
export const defaultFileTimeoutMs = 30_000;

export type FileAccessErrorCode = 'not-regular' | 'timeout';

export class FileAccessError extends Error {
  constructor(
    readonly code: FileAccessErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FileAccessError';
  }
}

export interface FileReadOptions {
  /** Per operation (stat, open, each read), in milliseconds. */
  readonly timeoutMs?: number;
}

/** What a non-regular file is, in words a user knows. */
export function describeFileType(stats: Stats): string {
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isDirectory()) return 'a folder';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

export function notRegularReason(stats: Stats): string {
  return `Not a regular file: this is ${describeFileType(stats)}, which Tujian does not read.`;
}

/**
 * Settles with `promise`, or rejects with a `timeout` FileAccessError after `timeoutMs`.
 * `onLate` receives a value that arrives after the timeout (to close a handle opened late).
 */
export function withTimeout<T>(
  promise: Promise<T>,
  timeoutMs: number,
  what: string,
  onLate?: (value: T) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      reject(
        new FileAccessError(
          'timeout',
          `${what} took more than ${String(Math.round(timeoutMs / 1000))} s (a slow or stuck ` +
            'network drive?); given up for now.',
        ),
      );
    }, timeoutMs);
    promise.then(
      (value) => {
        clearTimeout(timer);
        if (timedOut) onLate?.(value);
        else resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (!timedOut) reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

// O_NONBLOCK does not exist on Windows, where opening a pipe by path does not block this way.
const nonBlockingRead =
  constants.O_RDONLY | (process.platform === 'win32' ? 0 : constants.O_NONBLOCK);

/** Stats `path` (following links) and throws `not-regular` unless it is a regular file. */
export async function statRegularFile(path: string, options: FileReadOptions = {}): Promise<Stats> {
  const timeoutMs = options.timeoutMs ?? defaultFileTimeoutMs;
  const stats = await withTimeout(stat(path), timeoutMs, 'Looking at the file');
  if (!stats.isFile()) throw new FileAccessError('not-regular', notRegularReason(stats));
  return stats;
}

export interface RegularFile {
  readonly handle: FileHandle;
  /** fstat of the open handle: the file actually being read. */
  readonly stats: Stats;
  /** Reads at `position` with the timeout; returns the bytes read. */
  read(target: Buffer, offset: number, length: number, position: number): Promise<number>;
  close(): Promise<void>;
}

/** Opens a regular file for reading; see [Note: Never open a non-regular file]. */
export async function openRegularFile(
  path: string,
  options: FileReadOptions = {},
): Promise<RegularFile> {
  const timeoutMs = options.timeoutMs ?? defaultFileTimeoutMs;
  await statRegularFile(path, options);
  const handle = await withTimeout(
    open(path, nonBlockingRead),
    timeoutMs,
    'Opening the file',
    (h) => {
      void h.close();
    },
  );
  try {
    const stats = await withTimeout(handle.stat(), timeoutMs, 'Looking at the file');
    if (!stats.isFile()) throw new FileAccessError('not-regular', notRegularReason(stats));
    return {
      handle,
      stats,
      async read(target, offset, length, position) {
        const { bytesRead } = await withTimeout(
          handle.read(target, offset, length, position),
          timeoutMs,
          'Reading the file',
        );
        return bytesRead;
      },
      close: () => handle.close(),
    };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Reads up to `bytes` from the start of a regular file. */
export async function readRegularFileHead(
  path: string,
  bytes: number,
  options: FileReadOptions = {},
): Promise<Buffer> {
  const file = await openRegularFile(path, options);
  try {
    const head = Buffer.alloc(Math.min(bytes, file.stats.size));
    const read = await file.read(head, 0, head.length, 0);
    return head.subarray(0, read);
  } finally {
    await file.close();
  }
}

/** Reads a whole regular file (the size fstat reported; a file that grows is read to there). */
export async function readRegularFile(
  path: string,
  options: FileReadOptions = {},
): Promise<Buffer> {
  const file = await openRegularFile(path, options);
  try {
    const bytes = Buffer.allocUnsafe(file.stats.size);
    let total = 0;
    while (total < bytes.length) {
      const read = await file.read(
        bytes,
        total,
        Math.min(4 * 1024 * 1024, bytes.length - total),
        total,
      );
      if (read === 0) break;
      total += read;
    }
    return bytes.subarray(0, total);
  } finally {
    await file.close();
  }
}

/** Reads the first 8 and last 16 bytes of a regular file. */
export async function readRegularFileEnds(
  path: string,
  options: FileReadOptions = {},
): Promise<{ head: Buffer; tail: Buffer }> {
  const file = await openRegularFile(path, options);
  try {
    const { size } = file.stats;
    const head = Buffer.alloc(Math.min(8, size));
    const tail = Buffer.alloc(Math.min(16, size));
    await file.read(head, 0, head.length, 0);
    await file.read(tail, 0, tail.length, Math.max(0, size - tail.length));
    return { head, tail };
  } finally {
    await file.close();
  }
}
