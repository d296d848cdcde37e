// What the URL-taking emulators (Volcengine, Aliyun) do with an image URL, like the real
// services: download it within a time and size limit, then tag the bytes. Tagging reuses the
// local engine by default so the answers describe what is really in the picture; tests may
// inject another tagger (e.g. to avoid loading the models).
import type { EngineAnswer } from '../../engines/tag-model.ts';

/** Tags image bytes; the local engine's `tagImageBytes` has this shape. */
export type EmulatorTagger = (bytes: Buffer) => Promise<EngineAnswer>;

export interface ClosableTagger {
  readonly tag: EmulatorTagger;
  close(): Promise<void>;
}

/** The local engine, started on first use (loading its models takes a few seconds). */
export function localEngineTagger(): ClosableTagger {
  let engine: Promise<{ tagImageBytes: EmulatorTagger; close(): Promise<void> }> | undefined;
  return {
    tag: async (bytes) => {
      engine ??= import('../../engines/local/local-engine.ts').then((m) => m.createLocalEngine());
      return (await engine).tagImageBytes(bytes);
    },
    async close() {
      if (engine) await (await engine).close();
    },
  };
}

/** Labels of the local engine that mean a person (or a face) is in the picture. */
export const personLabels: ReadonlySet<string> = new Set([
  'person',
  'face',
  'portrait',
  'group photo',
]);

export type DownloadOutcome =
  | { readonly ok: true; readonly bytes: Buffer; readonly ms: number }
  | {
      readonly ok: false;
      readonly reason: 'timeout' | 'too-large' | 'http' | 'network' | 'bad-url';
      readonly detail: string;
    };

/** Downloads `url` within `timeoutMs` (whole body) and `maxBytes`, as the services do. */
export async function downloadImage(
  url: string,
  limits: { timeoutMs: number; maxBytes: number },
): Promise<DownloadOutcome> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: 'bad-url', detail: `not a URL: ${url.slice(0, 100)}` };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { ok: false, reason: 'bad-url', detail: `not http(s): ${parsed.protocol}` };
  }
  const started = Date.now();
  const signal = AbortSignal.timeout(limits.timeoutMs);
  try {
    const res = await fetch(parsed, { signal });
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      return {
        ok: false,
        reason: 'http',
        detail: `HTTP ${String(res.status)} from ${parsed.host}`,
      };
    }
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > limits.maxBytes) {
      await res.body.cancel();
      return { ok: false, reason: 'too-large', detail: `${String(declared)} bytes` };
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > limits.maxBytes) {
        return {
          ok: false,
          reason: 'too-large',
          detail: `more than ${String(limits.maxBytes)} bytes`,
        };
      }
      chunks.push(Buffer.from(chunk));
    }
    return { ok: true, bytes: Buffer.concat(chunks), ms: Date.now() - started };
  } catch (error) {
    if (signal.aborted) {
      return {
        ok: false,
        reason: 'timeout',
        detail: `not downloaded within ${String(limits.timeoutMs)} ms`,
      };
    }
    return { ok: false, reason: 'network', detail: (error as Error).message };
  }
}
