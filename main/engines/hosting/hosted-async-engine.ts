// The one hosted-async flow for engines that fetch the photo from a URL and answer later
// (Aliyun Green, Volcengine): prepare → host → submit → poll → remove. The flow — fitting the
// photo to the engine's limits, putting the copy on the image host, removing it when no task
// holds it (a refused submit, or `finish` once the task ended either way) — is here once;
// an engine folder supplies only its wire protocol (`HostedTaskProtocol`: what a submit and a
// poll send and how the answers map). Only a profile that declares `hosting: 'url'` can be
// built this way (the type says so), so a profile's hosting need and its flow cannot disagree.
import { prepareForEngine } from '../../imaging/prepare-for-engine.ts';
import type { AsyncEngine, EngineLimits, PreparedImage, TagRequest } from '../engine.ts';
import type { EngineProfile } from '../engine-profile.ts';
import type { EngineId } from '../tag-model.ts';
import type { ImageHost } from './image-hosting.ts';

/** What differs between hosted-async engines: the wire protocol of one task. */
export interface HostedTaskProtocol {
  /** Submits a task for the photo the service downloads from `url`; returns its task id. */
  submit(url: string, request: TagRequest): Promise<string>;
  /** One poll of a task (see AsyncEngine.poll; throw TaskFailedError when the task failed). */
  poll: AsyncEngine['poll'];
}

export interface HostedAsyncEngineOptions {
  readonly profile: EngineProfile & {
    readonly id: EngineId;
    readonly kind: 'async';
    readonly hosting: 'url';
  };
  readonly limits: EngineLimits;
  readonly settingsKey: () => string;
  readonly host: ImageHost;
  /** Defaults to prepareForEngine; injectable for tests of odd inputs. */
  readonly prepare?: (input: string, limits: EngineLimits) => Promise<PreparedImage>;
  readonly protocol: HostedTaskProtocol;
}

export function createHostedAsyncEngine(options: HostedAsyncEngineOptions): AsyncEngine {
  const { profile, limits, host, protocol } = options;
  const prepare = options.prepare ?? prepareForEngine;
  return {
    id: profile.id,
    kind: 'async',
    limits,
    settingsKey: options.settingsKey,
    async submit(request) {
      const prepared = await prepare(request.sourcePath, limits);
      const hosted = await host.put(prepared, request.contentHash);
      try {
        const taskId = await protocol.submit(hosted.url, request);
        // The runner persists the key with the task and hands it back to `finish`.
        return { taskId, cleanup: hosted.key };
      } catch (error) {
        // No task holds the copy: remove it now (best effort; the submit error is what matters).
        await host.remove(hosted.key).catch(() => undefined);
        throw error;
      }
    },
    poll: (taskId) => protocol.poll(taskId),
    async finish(_taskId, cleanup) {
      if (cleanup) await host.remove(cleanup);
    },
    async close() {
      host.close?.();
      await Promise.resolve();
    },
  };
}
