// Runs the full re-clustering pass (face-clustering.ts recluster) in a worker thread and
// validates its answer. The descriptor buffers are transferred, not copied: the caller builds
// them for this pass only.
import { siblingModuleUrl, startModuleWorker } from '../util/module-worker.ts';
import {
  defaultClusteringOptions,
  type ClusterFace,
  type ClusteringOptions,
  type ClusterPerson,
  type ReclusterResult,
} from './face-clustering.ts';
import type { QuantisedDescriptors } from './face-index.ts';
import { ReclusterReply, type ReclusterRequest } from './face-recluster-messages.ts';

const workerUrl = siblingModuleUrl(import.meta.url, 'face-recluster-worker');

export async function reclusterInWorker(
  descriptors: QuantisedDescriptors,
  faces: readonly ClusterFace[],
  persons: readonly ClusterPerson[],
  options: ClusteringOptions = defaultClusteringOptions,
): Promise<ReclusterResult & { ms: number; helperBlocks: number }> {
  const worker = startModuleWorker(workerUrl);
  try {
    const reply = await new Promise<ReclusterReply>((resolve, reject) => {
      worker.once('message', (raw: unknown) => {
        const parsed = ReclusterReply.safeParse(raw);
        if (parsed.success) resolve(parsed.data);
        else reject(new Error(`Invalid reply from the re-cluster worker: ${parsed.error.message}`));
      });
      worker.once('error', reject);
      worker.once('exit', (code) => {
        reject(new Error(`The re-cluster worker exited (code ${code})`));
      });
      const request: ReclusterRequest = {
        descriptors,
        faces: faces.map((f) => ({ ...f, rejected: [...f.rejected] })),
        persons: [...persons],
        options,
      };
      const transfer = [descriptors.codes.buffer, descriptors.scales.buffer].filter(
        (b): b is ArrayBuffer => b instanceof ArrayBuffer,
      );
      worker.postMessage(request, transfer);
    });
    if (reply.type === 'failed') throw new Error(`Re-clustering failed: ${reply.message}`);
    const { personOf, newPersons, emptiedPersons, ms, helperBlocks } = reply;
    return { personOf, newPersons, emptiedPersons, ms, helperBlocks };
  } finally {
    await worker.terminate();
  }
}
