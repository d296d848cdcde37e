// How the vision-language model engine classifies failures. Model servers have no shared error
// table: Ollama answers `{"error": "…"}` with an HTTP status, OpenAI-compatible servers
// (LM Studio, llama.cpp, vLLM, DashScope) `{"error": {"message", "type", "code"}}`. So the
// classes come from the status, refined by what the message says where a status alone would
// retry something that cannot get better: a model that is not on the server, a server that
// cannot load it, a model that does not take images. Nothing answering at all is not a
// per-photo problem either: the engine stops once with what to do, instead of failing every
// photo in turn ([Note: Stopped engines stay stopped]; new settings, `tujian retry --engine vlm` or Resume in the app restart it).
import { EngineError, type ErrorClass } from '../engine.ts';
import { classifyHttpStatus, networkSystemCode } from '../error-classes.ts';

/** The message of a model server's error body, in either shape; undefined when none. */
export function vlmServerMessage(json: unknown): string | undefined {
  if (json === null || typeof json !== 'object') return undefined;
  const error = (json as { error?: unknown }).error;
  if (typeof error === 'string') return error;
  if (error !== null && typeof error === 'object') {
    const message = (error as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  }
  return undefined;
}

/** The class of a model server's error answer (status plus message). */
export function classifyVlmHttpError(
  status: number,
  message: string,
): { code: string; errorClass: ErrorClass } {
  if (status === 404 && /model/i.test(message))
    return { code: 'model-missing', errorClass: 'stop-engine' };
  if (status === 404) return { code: 'http-404', errorClass: 'stop-engine' };
  if (
    /does not support (?:image|vision)|not (?:a )?(?:vision|multimodal)|image input is not supported/i.test(
      message,
    )
  )
    return { code: 'no-vision', errorClass: 'stop-engine' };
  if (status >= 500 && /memory|out of memory|OOM|unable to load|failed to load/i.test(message))
    return { code: 'model-not-loaded', errorClass: 'stop-engine' };
  if (status === 413) return { code: 'http-413', errorClass: 'permanent' };
  return { code: `http-${String(status)}`, errorClass: classifyHttpStatus(status) };
}

/** What the user can do about a stop, added to the server's own words. */
function adviceFor(code: string, model: string, baseUrl: string): string {
  switch (code) {
    case 'model-missing':
      return `The model "${model}" is not on the server at ${baseUrl}; pull or load it (Ollama: ollama pull ${model}).`;
    case 'http-404':
      return `No such API at ${baseUrl}: check the URL and the protocol (Ollama's root, or the OpenAI-compatible root ending in /v1).`;
    case 'no-vision':
      return `The model "${model}" does not take images; choose a vision model (e.g. qwen2.5vl, llava, gemma3).`;
    case 'model-not-loaded':
      return `The server cannot load "${model}" (not enough memory?); choose a smaller model.`;
    case 'http-401':
    case 'http-403':
      return `The server at ${baseUrl} refused the API key.`;
    default:
      return '';
  }
}

export function vlmHttpError(
  status: number,
  serverMessage: string | undefined,
  context: { model: string; baseUrl: string; retryAfterMs?: number | undefined },
): EngineError {
  const text = serverMessage ?? '';
  const { code, errorClass } = classifyVlmHttpError(status, text);
  const advice = adviceFor(code, context.model, context.baseUrl);
  const message = [
    `The model server answered HTTP ${String(status)}${text === '' ? '' : `: ${text.slice(0, 300)}`}`,
    advice,
  ]
    .filter(Boolean)
    .join('. ');
  return new EngineError('vlm', code, message, errorClass, context.retryAfterMs);
}

/**
 * A transport failure as the engine reports it: nothing listening (refused) or no such host
 * stops the engine with what to do; a reset or a timeout is retried.
 */
export function vlmTransportError(error: EngineError, baseUrl: string): EngineError {
  const system = networkSystemCode(error);
  if (system === 'ECONNREFUSED' || system === 'ENOTFOUND' || system === 'EAI_AGAIN') {
    return new EngineError(
      'vlm',
      system === 'ECONNREFUSED' ? 'server-not-running' : 'server-unknown-host',
      system === 'ECONNREFUSED'
        ? `No model server is running at ${baseUrl} (connection refused). Start it (Ollama: ollama serve; LM Studio: start the server), then run: tujian retry --engine vlm (or Resume in the app).`
        : `The model server's host in ${baseUrl} cannot be found (${system}). Check the URL.`,
      'stop-engine',
      undefined,
      { cause: error },
    );
  }
  return error;
}
