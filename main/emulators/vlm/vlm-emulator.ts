// An emulator of the two model-server protocols the vision-language engine speaks (no vision
// model can run on the test machines): Ollama's `/api/chat` + `/api/tags` and the
// OpenAI-compatible `/v1/chat/completions` + `/v1/models`. It checks requests as strictly as
// the servers do (known model, image present and decodable, `stream: false` understood, the
// bearer key when one is set) and answers with what the on-device engine sees in the image,
// written as a chat model would write it. The model named in the request picks the model's
// manner, so the engine's reading of real-world replies is tested over the wire:
// - `emulated-vl`: clean JSON;
// - `emulated-vl-chatty`: a sentence, a ```json fence, fractional confidences, a made-up
//   `bbox` and one item that does not validate (a missing `zh`);
// - `emulated-vl-cutoff`: the JSON cut off mid-array at the token limit (`length`);
// - `emulated-text-only`: a model without vision (the servers' "does not support images").
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { EngineAnswer } from '../../engines/tag-model.ts';
import {
  startEmulatorKit,
  type EmulatorKit,
  type EmulatorReply,
  type EmulatorRequest,
} from '../emulator-kit.ts';
import { localEngineTagger, type EmulatorTagger } from '../volcengine/emulator-image-source.ts';

export const vlmEmulatorModels = [
  'emulated-vl',
  'emulated-vl-chatty',
  'emulated-vl-cutoff',
  'emulated-text-only',
] as const;
type EmulatedModel = (typeof vlmEmulatorModels)[number];

export interface VlmEmulatorOptions {
  readonly port?: number;
  /** Tags the received image; the on-device engine when absent. */
  readonly tagger?: EmulatorTagger;
  /** A bearer key the OpenAI-compatible routes require (none by default, like a local server). */
  readonly apiKey?: string;
  /** Time the "model" takes per image, so rate and timeout behaviour can be tested. */
  readonly thinkMs?: number;
}

export interface VlmEmulator {
  readonly baseUrl: string;
  /** Ollama's root and the OpenAI-compatible root (`…/v1`). */
  readonly ollamaUrl: string;
  readonly openAiUrl: string;
  readonly kit: EmulatorKit;
  close(): Promise<void>;
}

const OllamaChat = z.object({
  model: z.string().min(1),
  messages: z
    .array(
      z.object({
        role: z.enum(['system', 'user', 'assistant']),
        content: z.string(),
        images: z.array(z.string()).optional(),
      }),
    )
    .min(1),
  stream: z.boolean().optional(),
  format: z.unknown().optional(),
  options: z.record(z.string(), z.unknown()).optional(),
  keep_alive: z.unknown().optional(),
});

const ContentPart = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({
    type: z.literal('image_url'),
    image_url: z.object({ url: z.string(), detail: z.string().optional() }),
  }),
]);

const OpenAiChat = z.object({
  model: z.string().min(1),
  messages: z
    .array(
      z.object({
        role: z.enum(['system', 'user', 'assistant']),
        content: z.union([z.string(), z.array(ContentPart)]),
      }),
    )
    .min(1),
  temperature: z.number().optional(),
  max_tokens: z.number().int().positive().optional(),
  stream: z.boolean().optional(),
});

function isModel(name: string): name is EmulatedModel {
  return (vlmEmulatorModels as readonly string[]).includes(name.replace(/:latest$/, ''));
}

function modelOf(name: string): EmulatedModel {
  return name.replace(/:latest$/, '') as EmulatedModel;
}

/** The reply text a chat model in `manner` would write for these tags. */
function replyText(answer: EngineAnswer, manner: EmulatedModel): { text: string; cut: boolean } {
  const tags = answer.tags.map((t) => ({
    en: t.i18n.en,
    zh: t.i18n.zh,
    type: t.type,
    confidence: Math.round(t.confidence ?? 80),
  }));
  if (manner === 'emulated-vl-chatty') {
    const items: unknown[] = tags.map((t, i) => ({
      ...t,
      confidence: t.confidence / 100,
      ...(i === 0 ? { bbox: [12, 40, 300, 280] } : {}),
    }));
    items.push({ en: 'mystery', type: 'object', confidence: 0.5 });
    return {
      text: `Sure! Here are the tags for this photo:\n\n\`\`\`json\n${JSON.stringify({ tags: items }, null, 2)}\n\`\`\`\nLet me know if you need more.`,
      cut: false,
    };
  }
  const text = JSON.stringify({ tags });
  if (manner === 'emulated-vl-cutoff' && tags.length > 0) {
    // Stop inside the last item, as a server does at max_tokens.
    const last = text.lastIndexOf('{');
    return { text: text.slice(0, last + 8), cut: true };
  }
  return { text, cut: false };
}

function ollamaError(status: number, message: string, outcome?: string): EmulatorReply {
  return { status, body: { error: message }, outcome: outcome ?? `http-${String(status)}` };
}

function openAiError(status: number, message: string, type: string): EmulatorReply {
  return {
    status,
    body: { error: { message, type, param: null, code: null } },
    outcome: `http-${String(status)}`,
  };
}

export async function startVlmEmulator(options: VlmEmulatorOptions = {}): Promise<VlmEmulator> {
  const local = options.tagger ? undefined : localEngineTagger();
  const tag: EmulatorTagger =
    options.tagger ?? ((bytes) => (local as NonNullable<typeof local>).tag(bytes));
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** Decodes and tags one base64 image; a reply when it is not an image. */
  async function look(
    base64: string,
  ): Promise<{ answer: EngineAnswer; subject: string } | { error: string }> {
    const bytes = Buffer.from(base64, 'base64');
    if (bytes.length === 0) return { error: 'image data is empty' };
    let answer: EngineAnswer;
    try {
      answer = await tag(bytes);
    } catch (error) {
      return { error: `failed to process image: ${(error as Error).message}` };
    }
    if ((options.thinkMs ?? 0) > 0) await sleep(options.thinkMs ?? 0);
    return { answer, subject: createHash('sha256').update(bytes).digest('hex') };
  }

  async function ollamaChat(request: EmulatorRequest): Promise<EmulatorReply> {
    let body: z.infer<typeof OllamaChat>;
    try {
      const parsed = OllamaChat.safeParse(JSON.parse(request.body.toString('utf8')));
      if (!parsed.success) return ollamaError(400, `invalid request: ${parsed.error.message}`);
      body = parsed.data;
    } catch {
      return ollamaError(400, 'invalid character in request body');
    }
    if (!isModel(body.model))
      return ollamaError(404, `model "${body.model}" not found, try pulling it first`);
    if (body.stream !== false)
      return ollamaError(400, 'this emulator answers only stream: false requests');
    const images = body.messages.flatMap((m) => m.images ?? []);
    const model = modelOf(body.model);
    if (images.length > 0 && model === 'emulated-text-only')
      return ollamaError(500, `model "${body.model}" does not support image input`);
    const image = images[0];
    if (image === undefined) return ollamaError(400, 'the emulator needs an image to look at');
    const seen = await look(image);
    if ('error' in seen) return ollamaError(400, seen.error);
    const { text, cut } = replyText(seen.answer, model);
    return {
      status: 200,
      body: {
        model: body.model,
        created_at: new Date().toISOString(),
        message: { role: 'assistant', content: text },
        done: true,
        done_reason: cut ? 'length' : 'stop',
      },
      paid: true,
      subject: seen.subject,
    };
  }

  async function openAiChat(request: EmulatorRequest): Promise<EmulatorReply> {
    if (options.apiKey !== undefined) {
      const auth = request.headers.authorization;
      if (auth !== `Bearer ${options.apiKey}`)
        return openAiError(401, 'Incorrect API key provided.', 'invalid_request_error');
    }
    if (!/^application\/json\b/.test(request.headers['content-type'] ?? ''))
      return openAiError(400, 'Content-Type must be application/json', 'invalid_request_error');
    let body: z.infer<typeof OpenAiChat>;
    try {
      const parsed = OpenAiChat.safeParse(JSON.parse(request.body.toString('utf8')));
      if (!parsed.success)
        return openAiError(
          400,
          `invalid request: ${parsed.error.message}`,
          'invalid_request_error',
        );
      body = parsed.data;
    } catch {
      return openAiError(
        400,
        'We could not parse the JSON body of your request.',
        'invalid_request_error',
      );
    }
    if (!isModel(body.model))
      return openAiError(
        404,
        `The model \`${body.model}\` does not exist.`,
        'invalid_request_error',
      );
    if (body.stream === true)
      return openAiError(
        400,
        'this emulator answers only non-streamed requests',
        'invalid_request_error',
      );
    const urls = body.messages.flatMap((m) =>
      typeof m.content === 'string'
        ? []
        : m.content.flatMap((p) => (p.type === 'image_url' ? [p.image_url.url] : [])),
    );
    const model = modelOf(body.model);
    if (urls.length > 0 && model === 'emulated-text-only')
      return openAiError(
        400,
        'Image input is not supported for this model.',
        'invalid_request_error',
      );
    const url = urls[0];
    if (url === undefined)
      return openAiError(400, 'the emulator needs an image to look at', 'invalid_request_error');
    const match = /^data:image\/(?:jpeg|png|webp);base64,(.+)$/s.exec(url);
    if (!match?.[1])
      return openAiError(400, 'image_url must be a base64 data URL here', 'invalid_request_error');
    const seen = await look(match[1]);
    if ('error' in seen) return openAiError(400, seen.error, 'invalid_request_error');
    const { text, cut } = replyText(seen.answer, model);
    return {
      status: 200,
      body: {
        id: `chatcmpl-${seen.subject.slice(0, 12)}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: text },
            finish_reason: cut ? 'length' : 'stop',
          },
        ],
      },
      paid: true,
      subject: seen.subject,
    };
  }

  const kit = await startEmulatorKit({
    name: 'vlm',
    port: options.port ?? 0,
    routes: [
      { name: 'ollama-chat', method: 'POST', path: '/api/chat', handler: ollamaChat },
      {
        name: 'ollama-tags',
        method: 'GET',
        path: '/api/tags',
        handler: () => ({
          status: 200,
          body: {
            models: vlmEmulatorModels.map((name) => ({
              name: `${name}:latest`,
              model: `${name}:latest`,
            })),
          },
        }),
      },
      { name: 'openai-chat', method: 'POST', path: '/v1/chat/completions', handler: openAiChat },
      {
        name: 'openai-models',
        method: 'GET',
        path: '/v1/models',
        handler: () => ({
          status: 200,
          body: {
            object: 'list',
            data: vlmEmulatorModels.map((id) => ({ id, object: 'model', owned_by: 'emulator' })),
          },
        }),
      },
    ],
    throttleReply: (_request, _reason, retryAfterSeconds) => ({
      status: 429,
      body: { error: 'server busy, please try again.' },
      ...(retryAfterSeconds === undefined
        ? {}
        : { headers: { 'retry-after': String(retryAfterSeconds) } }),
    }),
    serverErrorReply: (_request, status) => ({
      status,
      body: { error: 'an internal error occurred' },
      outcome: 'fault:server-error',
    }),
    notFoundReply: () => ({ status: 404, body: '404 page not found', outcome: 'http-404' }),
    info: () => ({ models: vlmEmulatorModels }),
  });
  return {
    baseUrl: kit.baseUrl,
    ollamaUrl: kit.baseUrl,
    openAiUrl: `${kit.baseUrl}/v1`,
    kit,
    async close() {
      await kit.close();
      await local?.close();
    },
  };
}
