// Worker thread that reads a search snapshot (search-snapshot.ts) on its own read-only
// connection, so the second or two it takes on a big library never blocks the process that
// serves the UI. One snapshot per worker: started by search-index.ts, it answers once and ends.
import { parentPort, workerData } from 'node:worker_threads';
import { z } from 'zod';
import { openReadOnlyCatalog } from '../catalog/catalog-connection.ts';
import { loadSearchSnapshot, snapshotBuffers } from './search-snapshot.ts';

const { catalogFile } = z.object({ catalogFile: z.string() }).parse(workerData);
const db = openReadOnlyCatalog(catalogFile);
try {
  const snapshot = loadSearchSnapshot(db);
  parentPort?.postMessage(snapshot, snapshotBuffers(snapshot));
} finally {
  db.close();
}
