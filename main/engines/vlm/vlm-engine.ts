// The vision-language model engine: open-vocabulary tags from a model server the user runs
// (Ollama, LM Studio, llama.cpp, vLLM) or points to (an OpenAI-compatible cloud endpoint).
// The photo is prepared like for any engine (oriented, within `uploadMaxSide`, metadata
// stripped, JPEG), sent with the prompt, and the reply is validated tag by tag (vlm-answer.ts).
import { EngineError, type EngineLimits, prepareForCall, type SyncEngine } from '../engine.ts';
import { prepareForEngine } from '../../imaging/prepare-for-engine.ts';
import type { EngineAnswer } from '../tag-model.ts';
import { readVlmTags, VlmAnswerError } from './vlm-answer.ts';
import { createVlmClient, type VlmClientDeps } from './vlm-client.ts';
import { vlmPromptVersion } from './vlm-prompt.ts';
import {
  isLoopbackUrl,
  resolveVlmEndpoint,
  vlmSettingsSchema,
  type VlmSettings,
  type VlmSettingsInput,
} from './vlm-settings.ts';

export { vlmSettingsSchema } from './vlm-settings.ts';

export function vlmLimits(settings: Pick<VlmSettings, 'uploadMaxSide'>): EngineLimits {
  return {
    // JPEG first: every server decodes it, and it is the smallest for photos.
    formats: ['jpeg', 'png'],
    maxSide: settings.uploadMaxSide,
    minSide: 16,
    // Servers cap request bodies (llama.cpp and vLLM default to tens of MB); 10 M characters
    // of base64 is far above what 4096 px of JPEG needs.
    maxBase64Length: 10_000_000,
    input: 'base64',
  };
}

/** The model as stored with each tag: protocol, model name and prompt version. */
export function vlmModelName(settings: Pick<VlmSettings, 'protocol' | 'model'>): string {
  return `${settings.protocol}:${settings.model}@prompt${String(vlmPromptVersion)}`;
}

export interface VlmEngineDeps extends VlmClientDeps {
  readonly prepare?: typeof prepareForEngine;
}

export function createVlmEngine(
  settingsInput: VlmSettingsInput,
  deps: VlmEngineDeps = {},
): SyncEngine {
  const settings = vlmSettingsSchema.parse(settingsInput);
  const prepare = deps.prepare ?? prepareForEngine;
  const limits = vlmLimits(settings);
  const client = createVlmClient(settings, deps);
  const model = vlmModelName(settings);
  const host = new URL(client.baseUrl).host;

  return {
    id: 'vlm',
    kind: 'sync',
    limits,
    settingsKey() {
      return [
        `vlm/${model}@${host}`,
        `language=${settings.language}`,
        `threshold=${String(settings.threshold)}`,
        `limit=${String(settings.limit)}`,
        `side=${String(settings.uploadMaxSide)}`,
      ].join('|');
    },
    async tag(request): Promise<EngineAnswer> {
      const prepared = await prepareForCall('vlm', prepare, request.sourcePath, limits);
      const reply = await client.describe(
        {
          base64: prepared.data.toString('base64'),
          mime: prepared.format === 'png' ? 'image/png' : 'image/jpeg',
        },
        request.signal,
      );
      let read;
      try {
        read = readVlmTags(reply.text, settings);
      } catch (error) {
        if (error instanceof VlmAnswerError) {
          // Temperature 0: asking again gives the same text, so this photo fails with the reply.
          throw new EngineError(
            'vlm',
            reply.truncated ? 'answer-cut-off' : 'unreadable-answer',
            reply.truncated
              ? `${error.message} (the server stopped at its token limit)`
              : error.message,
            'permanent',
          );
        }
        throw error;
      }
      return { engine: 'vlm', model, tags: read.tags };
    },
  };
}

/** Test connection: the server answers, offers the model, and where the photos would go. */
export async function checkVlmConnection(
  settings: VlmSettings,
  deps: VlmClientDeps = {},
): Promise<{ step: 'model-server'; ok: boolean; detail: string }> {
  const client = createVlmClient(settings, deps);
  const where = isLoopbackUrl(resolveVlmEndpoint(settings))
    ? 'on this machine'
    : 'OFF this machine: photos are sent there';
  let models: string[];
  try {
    models = await client.listModels();
  } catch (error) {
    return {
      step: 'model-server',
      ok: false,
      detail: error instanceof Error ? error.message : String(error),
    };
  }
  // Ollama names carry a tag (`llava:latest`); a model asked for without one means `:latest`.
  const wanted = settings.model.includes(':')
    ? [settings.model]
    : [settings.model, `${settings.model}:latest`];
  if (!models.some((m) => wanted.includes(m))) {
    const offered = models.slice(0, 8).join(', ');
    return {
      step: 'model-server',
      ok: false,
      detail: `The server at ${client.baseUrl} (${where}) does not offer the model "${settings.model}"${offered === '' ? ' (it lists none)' : `; it offers: ${offered}`}.`,
    };
  }
  return {
    step: 'model-server',
    ok: true,
    detail: `The server at ${client.baseUrl} (${where}) offers "${settings.model}". Whether it reads images shows on the first photo.`,
  };
}
