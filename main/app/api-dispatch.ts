// Runs one API call for a host: validates the input against the contract (zod at the
// trust boundary, STYLE.md rule 8), calls the handler, and wraps the outcome in the
// envelope both transports carry. Errors become data so Electron's IPC (which flattens
// thrown errors) and HTTP report them the same way.
import { z } from 'zod';
import {
  ApiError,
  apiContract,
  type ApiEnvelope,
  type ApiHandlers,
  type ApiOutput,
  type Channel,
} from '../../preload/api-contract.ts';

export interface DispatchOptions {
  /** Where unexpected errors go (they reach the UI only as a generic message). */
  readonly logError?: (channel: Channel, error: unknown) => void;
}

export async function dispatchApiCall<C extends Channel>(
  handlers: ApiHandlers,
  channel: C,
  rawInput: unknown,
  options: DispatchOptions = {},
): Promise<ApiEnvelope<ApiOutput<C>>> {
  const parsed = apiContract[channel].input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      error: { code: 'invalid-input', message: z.prettifyError(parsed.error) },
    };
  }
  try {
    // The handler map is indexed by the same channel, so the input type matches; TypeScript
    // cannot correlate the two lookups through a generic key, hence the one cast.
    const handler = handlers[channel] as (input: unknown) => unknown;
    const value = await handler(parsed.data);
    return { ok: true, value: value as ApiOutput<C> };
  } catch (error) {
    if (error instanceof ApiError) {
      const span = error.span ? { span: error.span } : {};
      return { ok: false, error: { code: error.code, message: error.message, ...span } };
    }
    options.logError?.(channel, error);
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, error: { code: 'internal', message } };
  }
}
