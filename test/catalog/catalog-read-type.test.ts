// [Note: Read and write connections typed apart] (catalog-connection.ts): a read connection has
// no way to write in its type (the `@ts-expect-error` lines fail the typecheck the day it
// gets one), and SQLite refuses writes on the one `openReadOnlyCatalog` opens.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  openCatalog,
  openReadOnlyCatalog,
  type ReadableCatalog,
} from '../../main/catalog/catalog-connection.ts';
import { completeJob } from '../../main/catalog/job-queue.ts';
import { readSearchGeneration } from '../../main/catalog/search-snapshot-rows.ts';

describe(openReadOnlyCatalog.name, () => {
  it('reads, and can neither be typed nor used as a writer', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tujian-readonly-'));
    const file = join(dir, 'catalog.sqlite');
    try {
      openCatalog(file).close();
      const reader: ReadableCatalog = openReadOnlyCatalog(file);
      try {
        expect(readSearchGeneration(reader)).toBeGreaterThanOrEqual(0);
        // @ts-expect-error a read statement has no run()
        const write = () => reader.prepare('DELETE FROM jobs').run(); // eslint-disable-line @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-call -- run() is not on the type
        expect(write).toThrow(/readonly/i);
        expect(() =>
          // @ts-expect-error a read connection is not a writable catalog
          completeJob(reader, { id: 1, lease: 1 }),
        ).toThrow(/readonly/i);
        // @ts-expect-error no exec on a read connection
        expect(typeof reader.exec).toBe('function');
      } finally {
        reader.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
