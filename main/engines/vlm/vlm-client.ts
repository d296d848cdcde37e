// The two wire protocols of the vision-language model engine. Each sends one image with the
// prompt (vlm-prompt.ts) and returns the model's reply text; errors come back classified
// (vlm-errors.ts). HTTP goes through the engines' one JSON request helper (error-classes.ts).
//
// - Ollama: POST {base}/api/chat, `images: [base64]` on the user message, `stream: false`,
//   `format: "json"` (Ollama constrains the output to JSON), temperature 0.
// - OpenAI-compatible: POST {base}/chat/completions, the image as a `data:` URL content part,
//   temperature 0, `stream: false`. No `response_format`: servers disagree on it (LM Studio
//   accepts only `json_schema`), and the reply is parsed leniently anyway.
import { z } from 'zod';
import { EngineError } from '../engine.ts';
import { requestJson } from '../error-classes.ts';
import { buildVlmPrompt } from './vlm-prompt.ts';
import { vlmHttpError, vlmServerMessage, vlmTransportError } from './vlm-errors.ts';
import { resolveVlmEndpoint, type VlmSettings } from './vlm-settings.ts';

export interface VlmClientDeps {
  readonly fetch?: typeof fetch;
}

export interface VlmReply {
  readonly text: string;
  /** The server stopped at its token limit: the JSON may be cut (salvaged by vlm-answer.ts). */
  readonly truncated: boolean;
}

const OllamaChatAnswer = z.object({
  message: z.object({ content: z.string() }),
  done_reason: z.string().optional(),
});

const OpenAiChatAnswer = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.union([
            z.string(),
            z.array(z.object({ type: z.string(), text: z.string().optional() })),
            z.null(),
          ]),
        }),
        finish_reason: z.string().nullable().optional(),
      }),
    )
    .min(1),
});

const OllamaTags = z.object({ models: z.array(z.object({ name: z.string() })) });
const OpenAiModels = z.object({ data: z.array(z.object({ id: z.string() })) });

/** The most reply tokens asked for: 50 tags of ~25 tokens each, plus room. */
const maxReplyTokens = 1500;

export interface VlmClient {
  readonly baseUrl: string;
  describe(image: { base64: string; mime: string }, signal?: AbortSignal): Promise<VlmReply>;
  /** The model names the server offers (Test connection). */
  listModels(): Promise<string[]>;
}

export function createVlmClient(settings: VlmSettings, deps: VlmClientDeps = {}): VlmClient {
  const doFetch = deps.fetch ?? fetch;
  const baseUrl = resolveVlmEndpoint(settings);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json',
    ...(settings.apiKey ? { authorization: `Bearer ${settings.apiKey}` } : {}),
  };
  const context = { model: settings.model, baseUrl };

  async function call(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    signal?: AbortSignal,
  ): Promise<unknown> {
    let answer;
    try {
      answer = await requestJson(
        'vlm',
        `${method} ${path}`,
        doFetch,
        new URL(`${baseUrl}${path}`),
        {
          method,
          headers,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          timeoutMs: settings.requestTimeoutMs,
          signal,
        },
      );
    } catch (error) {
      if (error instanceof EngineError) throw vlmTransportError(error, baseUrl);
      throw error;
    }
    const { response, json, retryAfterMs } = answer;
    if (!response.ok)
      throw vlmHttpError(response.status, vlmServerMessage(json), { ...context, retryAfterMs });
    // Some servers answer 200 with an error body (Ollama on a mid-stream failure).
    const embedded = vlmServerMessage(json);
    if (embedded !== undefined) throw vlmHttpError(500, embedded, context);
    return json;
  }

  function malformed(what: string, error: z.ZodError): EngineError {
    return new EngineError(
      'vlm',
      'malformed-response',
      `The model server's ${what} answer has an unexpected shape: ${z.prettifyError(error).slice(0, 300)}`,
      'retry',
    );
  }

  const prompt = buildVlmPrompt(settings.language, settings.limit);

  return {
    baseUrl,
    async describe(image, signal) {
      if (settings.protocol === 'ollama') {
        const json = await call(
          'POST',
          '/api/chat',
          {
            model: settings.model,
            messages: [
              { role: 'system', content: prompt.system },
              { role: 'user', content: prompt.user, images: [image.base64] },
            ],
            stream: false,
            format: 'json',
            options: { temperature: 0, num_predict: maxReplyTokens },
          },
          signal,
        );
        const parsed = OllamaChatAnswer.safeParse(json);
        if (!parsed.success) throw malformed('chat', parsed.error);
        return {
          text: parsed.data.message.content,
          truncated: parsed.data.done_reason === 'length',
        };
      }
      const json = await call(
        'POST',
        '/chat/completions',
        {
          model: settings.model,
          messages: [
            { role: 'system', content: prompt.system },
            {
              role: 'user',
              content: [
                { type: 'text', text: prompt.user },
                {
                  type: 'image_url',
                  image_url: { url: `data:${image.mime};base64,${image.base64}` },
                },
              ],
            },
          ],
          temperature: 0,
          max_tokens: maxReplyTokens,
          stream: false,
        },
        signal,
      );
      const parsed = OpenAiChatAnswer.safeParse(json);
      if (!parsed.success) throw malformed('chat-completions', parsed.error);
      const choice = parsed.data.choices[0];
      const content = choice?.message.content;
      const text =
        typeof content === 'string'
          ? content
          : (content ?? []).map((part) => part.text ?? '').join('');
      return { text, truncated: choice?.finish_reason === 'length' };
    },
    async listModels() {
      if (settings.protocol === 'ollama') {
        const parsed = OllamaTags.safeParse(await call('GET', '/api/tags', undefined));
        if (!parsed.success) throw malformed('model list', parsed.error);
        return parsed.data.models.map((m) => m.name);
      }
      const parsed = OpenAiModels.safeParse(await call('GET', '/models', undefined));
      if (!parsed.success) throw malformed('model list', parsed.error);
      return parsed.data.data.map((m) => m.id);
    },
  };
}
