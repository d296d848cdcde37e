// Worker thread that lists the near-duplicate groups (findDuplicateGroups) on its own read-only
// connection, so the second it takes on a big library never blocks the process that serves
// the UI. One listing per worker: started by duplicate-groups-cache.ts, it answers once and
// ends. See [Note: Duplicate groups off the main thread].
import { parentPort, workerData } from 'node:worker_threads';
import { z } from 'zod';
import { openReadOnlyCatalog } from '../catalog/catalog-connection.ts';
import { readDuplicateGroupsAt } from '../catalog/perceptual-hashes.ts';

const { catalogFile } = z.object({ catalogFile: z.string() }).parse(workerData);
const db = openReadOnlyCatalog(catalogFile);
try {
  parentPort?.postMessage(readDuplicateGroupsAt(db));
} finally {
  db.close();
}
