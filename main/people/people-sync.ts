// Keeps persons current as faces arrive: the two steps of [Note: People clustering never
// undoes the user] (face-clustering.ts) applied to the catalog.
//  - Incremental matching: each new face (stored by the runner's commit, `saveAnswerFaces`)
//    joins the person of its nearest face within matchDistance, compared with at most
//    `exemplarsPerPerson` faces per person (pinned first, then the newest): bounded work per
//    face, whatever the library's size. Faces that match nobody wait for the full pass.
//  - The full re-cluster: a persisted job (the `face_recluster` row, migration 0013) that is
//    due once enough faces arrived since the last pass, or when asked for; it runs in the
//    face-recluster worker (never on this thread) and its result is applied in one
//    transaction that re-checks every user decision made while the worker ran.
// Hosts that run long start() it; one-shot commands flush() it before they exit.
import type { Catalog } from '../catalog/catalog-connection.ts';
import {
  applyFaceMatches,
  applyRecluster,
  countAllFaces,
  countModelFaces,
  listFaceModels,
  modelDescriptorLength,
  iterateClusterFaces,
  listMatchPendingFaces,
  listPersonExemplars,
  markReclusterFinished,
  markReclusterStarted,
  readClusterPersons,
  readFaceRejections,
  readReclusterState,
} from '../catalog/people.ts';
import {
  assignNewFace,
  defaultClusteringOptions,
  type ClusterFace,
  type ClusteringOptions,
  type MatchCandidate,
} from './face-clustering.ts';
import type { QuantisedDescriptors } from './face-index.ts';
import { isClusterable } from './face-quality.ts';
import { reclusterInWorker } from './face-recluster.ts';

export interface PeopleSyncLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface PeopleSyncOptions {
  readonly log?: PeopleSyncLog;
  readonly clustering?: ClusteringOptions;
  /** Faces per person a new face is compared with. */
  readonly exemplarsPerPerson?: number;
  /** Pending faces matched per transaction. */
  readonly batchSize?: number;
  /** A full pass is due once this many faces arrived since the last one… */
  readonly reclusterAfterFaces?: number;
  /** …or once the oldest of fewer faces has waited this long. */
  readonly reclusterAfterMs?: number;
  /** How often start() looks for work. */
  readonly pollMs?: number;
  /**
   * Told after a background pass changed who is in which person (new faces joined, the full
   * pass moved or created some), so hosts can refresh the People view.
   */
  readonly onChange?: () => void;
  readonly now?: () => number;
}

/**
 * 16 faces per person: a person's look varies (age, glasses, light), and the nearest of 16
 * recent faces is almost always as near as the nearest of all of them, while 5,000 persons
 * still cost only 80k comparisons per batch.
 */
const defaultExemplarsPerPerson = 16;

/** Squared Euclidean distance of two descriptors. */
function distance(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  const n = Math.min(a.length, b.length);
  for (let k = 0; k < n; k++) {
    const d = (a[k] as number) - (b[k] as number);
    sum += d * d;
  }
  return Math.sqrt(sum);
}

/**
 * A new face is compared exactly only with the exemplars of the persons whose centroid (the
 * normalised mean of their exemplars) is among the `shortlist` nearest: 1,000 persons cost
 * 1,000 centroid distances plus 8 × 16 exemplar distances per face instead of 16,000
 * (an ad-hoc run, 1,000 persons × 16 faces, 200 new faces, exemplar reading included: 61 ms
 * per face comparing every exemplar, 19 ms with the shortlist; all 200 placed alike). A person whose
 * centroid is not on the shortlist is in practice never within matchDistance of the face;
 * if it were, the face waits for the full pass, which compares it properly.
 */
const centroidShortlist = 8;

class PersonExemplars {
  private readonly persons: number[] = [];
  private readonly centroids: Float32Array;
  private readonly byPerson = new Map<number, Float32Array[]>();

  constructor(exemplars: readonly { personId: number; descriptor: Float32Array }[]) {
    for (const e of exemplars) {
      const list = this.byPerson.get(e.personId);
      if (list) list.push(e.descriptor);
      else {
        this.byPerson.set(e.personId, [e.descriptor]);
        this.persons.push(e.personId);
      }
    }
    const dims = exemplars[0]?.descriptor.length ?? 0;
    this.centroids = new Float32Array(this.persons.length * dims);
    this.persons.forEach((person, p) => {
      const list = this.byPerson.get(person) ?? [];
      const sum = new Float64Array(dims);
      for (const d of list) for (let k = 0; k < dims; k++) sum[k] = (sum[k] ?? 0) + (d[k] ?? 0);
      let norm = 0;
      for (const v of sum) norm += v * v;
      norm = Math.sqrt(norm) || 1;
      for (let k = 0; k < dims; k++) this.centroids[p * dims + k] = (sum[k] ?? 0) / norm;
    });
  }

  candidates(descriptor: Float32Array): MatchCandidate[] {
    const dims = descriptor.length;
    const scored = this.persons.map((personId, p) => {
      let sum = 0;
      for (let k = 0; k < dims; k++) {
        const d = (descriptor[k] as number) - (this.centroids[p * dims + k] as number);
        sum += d * d;
      }
      return { personId, sum };
    });
    scored.sort((a, b) => a.sum - b.sum);
    return scored.slice(0, centroidShortlist).map(({ personId }) => {
      let best = Infinity;
      for (const e of this.byPerson.get(personId) ?? [])
        best = Math.min(best, distance(descriptor, e));
      return { personId, distance: best };
    });
  }
}

/** Incremental matching over one pass: the persons' exemplars are read once per model. */
export function createFaceMatcher(db: Catalog, options: PeopleSyncOptions = {}) {
  const clustering = options.clustering ?? defaultClusteringOptions;
  const perPerson = options.exemplarsPerPerson ?? defaultExemplarsPerPerson;
  const now = options.now ?? Date.now;
  const byModel = new Map<string, PersonExemplars>();
  return {
    /** Matches up to `limit` pending faces; returns how many were looked at and assigned. */
    matchBatch(limit: number): { looked: number; assigned: number } {
      const pending = listMatchPendingFaces(db, limit);
      if (pending.length === 0) return { looked: 0, assigned: 0 };
      const decisions = pending.map((face) => {
        if (!face.descriptor || !isClusterable(face)) return { faceId: face.id, personId: null };
        let exemplars = byModel.get(face.model);
        if (!exemplars) {
          exemplars = new PersonExemplars(listPersonExemplars(db, face.model, perPerson));
          byModel.set(face.model, exemplars);
        }
        const candidates = exemplars.candidates(face.descriptor);
        return { faceId: face.id, personId: assignNewFace(candidates, face.rejected, clustering) };
      });
      return { looked: pending.length, assigned: applyFaceMatches(db, decisions, now()) };
    },
  };
}

/** Matches every pending face to persons (at once: for commands and tests). */
export function matchPendingFaces(
  db: Catalog,
  options: PeopleSyncOptions = {},
): { looked: number; assigned: number } {
  const matcher = createFaceMatcher(db, options);
  const total = { looked: 0, assigned: 0 };
  for (;;) {
    const done = matcher.matchBatch(options.batchSize ?? 500);
    if (done.looked === 0) return total;
    total.looked += done.looked;
    total.assigned += done.assigned;
  }
}

/** Whether the persisted re-cluster job is due now. */
export function isReclusterDue(db: Catalog, options: PeopleSyncOptions = {}): boolean {
  const state = readReclusterState(db);
  if (state.requestedAt === null) return false;
  const now = (options.now ?? Date.now)();
  return (
    state.facesSince >= (options.reclusterAfterFaces ?? 50) ||
    // A small library (the first import above all) is clustered at once.
    state.facesSince * 5 >= countAllFaces(db) ||
    now - state.requestedAt >= (options.reclusterAfterMs ?? 10 * 60_000) ||
    state.facesSince === 0 // asked for explicitly (requestRecluster)
  );
}

/**
 * The full pass, once per descriptor model (descriptors of two models are never compared;
 * normally there is one), each in the worker.
 */
export async function reclusterCatalog(
  db: Catalog,
  options: PeopleSyncOptions = {},
): Promise<{ faces: number; changed: number; created: number; ms: number }> {
  const total = { faces: 0, changed: 0, created: 0, ms: 0 };
  for (const model of listFaceModels(db)) {
    const one = await reclusterModel(db, model, options);
    total.faces += one.faces;
    total.changed += one.changed;
    total.created += one.created;
    total.ms += one.ms;
  }
  if (total.faces === 0) applyRecluster(db, [], [], [], (options.now ?? Date.now)());
  return total;
}

/**
 * The full pass over the faces of one model. Descriptors are quantised as they are read
 * (1 KB per face), so 150k faces never hold 600 MB of floats on this thread.
 */
async function reclusterModel(
  db: Catalog,
  model: string,
  options: PeopleSyncOptions,
): Promise<{ faces: number; changed: number; created: number; ms: number }> {
  const now = options.now ?? Date.now;
  const started = performance.now();
  markReclusterStarted(db, now());
  try {
    // Sized for every face of the model (an upper bound: unclusterable ones take no row).
    const total = countModelFaces(db, model);
    const dims = Math.max(1, modelDescriptorLength(db, model));
    const codes = new Int8Array(total * dims);
    const scales = new Float32Array(total);
    const rejections = readFaceRejections(db);
    const faces: ClusterFace[] = [];
    const faceIds: number[] = [];
    let rows = 0;
    for (const r of iterateClusterFaces(db, model)) {
      const descriptor = r.descriptor?.length === dims ? r.descriptor : null;
      const clusterable = descriptor !== null && isClusterable(r);
      let index = 0;
      if (clusterable) {
        index = rows++;
        quantiseInto(codes, scales, dims, index, descriptor);
      }
      faceIds.push(r.id);
      faces.push({
        index,
        personId: r.personId,
        pinned: r.pinned,
        rejected: rejections.get(r.id) ?? [],
        clusterable,
      });
    }
    const descriptors: QuantisedDescriptors = {
      count: rows,
      dims,
      codes: codes.slice(0, rows * dims),
      scales: scales.slice(0, rows),
    };
    const result = await reclusterInWorker(
      descriptors,
      faces,
      readClusterPersons(db),
      options.clustering ?? defaultClusteringOptions,
    );
    const applied = applyRecluster(db, faceIds, result.personOf, result.newPersons, now());
    const ms = performance.now() - started;
    markReclusterFinished(db, { ms });
    return { faces: faceIds.length, ...applied, ms };
  } catch (error) {
    markReclusterFinished(db, { ms: performance.now() - started, error: String(error) });
    throw error;
  }
}

/** The int8 code of one descriptor, as face-index.ts quantiseDescriptors does it. */
function quantiseInto(
  codes: Int8Array,
  scales: Float32Array,
  dims: number,
  index: number,
  d: Float32Array,
): void {
  let max = 0;
  for (const v of d) max = Math.max(max, Math.abs(v));
  const scale = max > 0 ? max / 127 : 1;
  scales[index] = scale;
  const offset = index * dims;
  for (let k = 0; k < dims; k++) codes[offset + k] = Math.round((d[k] as number) / scale);
}

export interface PeopleSync {
  /** Looks for work every pollMs until close(). */
  start(): void;
  /** Matches every pending face and runs the full pass if it is due. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export function createPeopleSync(db: Catalog, options: PeopleSyncOptions = {}): PeopleSync {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let closed = false;
  const pass = async () => {
    // Small batches, yielding between them: the app's thread stays responsive.
    const matcher = createFaceMatcher(db, options);
    const matched = { looked: 0, assigned: 0 };
    for (;;) {
      const done = matcher.matchBatch(options.batchSize ?? 50);
      if (done.looked === 0) break;
      matched.looked += done.looked;
      matched.assigned += done.assigned;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (matched.assigned > 0) {
      options.log?.info(`people: ${String(matched.assigned)} new faces joined their persons`);
      options.onChange?.();
    }
    if (isReclusterDue(db, options)) {
      const done = await reclusterCatalog(db, options);
      options.log?.info(
        `people: re-clustered ${String(done.faces)} faces in ${done.ms.toFixed(0)} ms ` +
          `(${String(done.changed)} moved, ${String(done.created)} new persons)`,
      );
      if (done.changed > 0 || done.created > 0) options.onChange?.();
    }
  };
  const runOnce = (): Promise<void> => {
    running ??= pass()
      .catch((error: unknown) => {
        options.log?.warn(`people: ${String(error)}`);
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const schedule = () => {
    if (closed) return;
    timer = setTimeout(() => {
      void runOnce().then(schedule);
    }, options.pollMs ?? 5000);
    timer.unref();
  };
  return {
    start() {
      if (timer === undefined && !closed) schedule();
    },
    async flush() {
      await running;
      await runOnce();
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      await running;
    },
  };
}
