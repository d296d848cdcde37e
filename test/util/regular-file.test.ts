// The safe open and read of photo files: real files, a real FIFO, a real socket, and a
// promise that never settles standing in for a stuck network drive (no such drive here).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FileAccessError,
  openRegularFile,
  readRegularFile,
  readRegularFileHead,
  statRegularFile,
  withTimeout,
} from '../../main/util/regular-file.ts';
import { makeFifo, unblockFifo } from './fifo-fixtures.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tujian-regular-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe(openRegularFile.name, () => {
  it('reads a regular file whole and by its head', async () => {
    const path = join(dir, 'a.jpg');
    writeFileSync(path, 'hello world');
    expect((await readRegularFile(path)).toString()).toBe('hello world');
    expect((await readRegularFileHead(path, 5)).toString()).toBe('hello');
    const file = await openRegularFile(path);
    expect(file.stats.size).toBe(11);
    await file.close();
  });

  it('refuses a FIFO without waiting for a writer', async () => {
    const fifo = makeFifo(join(dir, 'pipe.jpg'));
    try {
      const refused = await readRegularFile(fifo, { timeoutMs: 5_000 }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(FileAccessError);
      expect(refused).toMatchObject({
        code: 'not-regular',
        message: 'Not a regular file: this is a named pipe (FIFO), which Tujian does not read.',
      });
    } finally {
      unblockFifo(fifo);
    }
  }, 10_000);

  it('refuses a socket, a character device and a folder', async () => {
    const socketPath = join(dir, 'socket.jpg');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      await expect(statRegularFile(socketPath)).rejects.toThrow(/this is a socket/);
    } finally {
      server.close();
    }
    await expect(statRegularFile('/dev/null')).rejects.toThrow(/this is a character device/);
    await expect(readRegularFile(dir)).rejects.toThrow(/this is a folder/);
  });
});

describe(withTimeout.name, () => {
  it('gives up on an operation that never answers, and closes what arrives late', async () => {
    const never = new Promise<never>(() => undefined);
    await expect(withTimeout(never, 20, 'Reading the file')).rejects.toMatchObject({
      code: 'timeout',
      message: expect.stringMatching(/^Reading the file took more than 0 s/) as unknown,
    });
    let closedLate: string | undefined;
    let arrive: (value: string) => void = () => undefined;
    const late = new Promise<string>((resolve) => (arrive = resolve));
    await expect(
      withTimeout(late, 10, 'Opening the file', (value) => (closedLate = value)),
    ).rejects.toBeInstanceOf(FileAccessError);
    arrive('handle');
    await late;
    await Promise.resolve();
    expect(closedLate).toBe('handle');
  });
});
