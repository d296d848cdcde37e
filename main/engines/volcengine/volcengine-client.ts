// A small client of the Volcengine visual (CV) async API (seed 000, PROTOCOLS.md §A): signs with
// signature V4, sends CVSubmitTask / CVGetResult, and turns every answer into data or an
// EngineError. `code` is checked before `data`, and the gateway's ResponseMetadata.Error
// envelope wins over anything else in the body.
//
// [Note: Own clients, not the vendor SDKs]
// The official SDKs are used only in tests, as clients of the emulators. `@volcengine/openapi`
// has no visual client, never throws on 4xx, hard-codes a 10 s axios timeout, and pulls in
// axios and crypto-js; `@alicloud/pop-core` sets no Content-Type, throws untyped errors with a
// string code, and signs with a nonce from its own helper. The signing code is ~100 lines each,
// pinned by the vendors' test vectors, and our clients control timeouts, Retry-After, error
// classification and zod validation.
import { z } from 'zod';
import { EngineError } from '../engine.ts';
import { redactEngineError } from '../engine-settings.ts';
import { postForJson } from '../error-classes.ts';
import { volcengineBusinessError, volcengineGatewayError } from './volcengine-errors.ts';
import { signVolcengineRequest } from './volcengine-signer.ts';

export const volcengineApiVersion = '2022-08-31';

export interface VolcengineClientOptions {
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
  readonly region: string;
  readonly service: string;
  readonly timeoutMs: number;
  readonly fetch?: typeof fetch;
  readonly now?: () => Date;
}

const GatewayEnvelope = z.object({
  ResponseMetadata: z.object({
    RequestId: z.string().optional(),
    Error: z.object({
      CodeN: z.number().int().optional(),
      Code: z.string().min(1),
      Message: z.string().optional(),
    }),
  }),
});

const BusinessEnvelope = z.object({
  code: z.number().int(),
  message: z.string().optional(),
  request_id: z.string().optional(),
  data: z.unknown(),
});

export const VolcengineSubmitData = z.object({ task_id: z.string().min(1) });

export const VolcengineResultStatus = z.enum([
  'in_queue',
  'generating',
  'done',
  'not_found',
  'expired',
]);
export const VolcengineResultData = z.object({
  status: VolcengineResultStatus,
  resp_data: z.string().nullish(),
});
export type VolcengineResultData = z.infer<typeof VolcengineResultData>;

export interface VolcengineClient {
  submitTask(body: Record<string, unknown>): Promise<{ taskId: string; requestId?: string }>;
  getResult(body: { req_key: string; task_id: string }): Promise<VolcengineResultData>;
}

export function createVolcengineClient(options: VolcengineClientOptions): VolcengineClient {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? (() => new Date());

  /** Every error leaves through `redact`: server messages may echo what was sent. */
  async function call(
    action: string,
    payload: unknown,
  ): Promise<{ data: unknown; requestId?: string }> {
    try {
      return await callUnredacted(action, payload);
    } catch (error) {
      throw error instanceof EngineError ? redactEngineError(error) : error;
    }
  }

  async function callUnredacted(
    action: string,
    payload: unknown,
  ): Promise<{ data: unknown; requestId?: string }> {
    const url = new URL('/', options.endpoint);
    url.searchParams.set('Action', action);
    url.searchParams.set('Version', volcengineApiVersion);
    const body = JSON.stringify(payload);
    const signed = signVolcengineRequest({
      method: 'POST',
      url,
      body,
      headers: { 'content-type': 'application/json' },
      accessKeyId: options.accessKeyId,
      secretAccessKey: options.secretAccessKey,
      sessionToken: options.sessionToken,
      region: options.region,
      service: options.service,
      date: now(),
    });
    const { response, json, retryAfterMs } = await postForJson(
      'volcengine',
      `Volcengine ${action}`,
      doFetch,
      url,
      {
        headers: signed.headers,
        body,
        timeoutMs: options.timeoutMs,
      },
    );
    const gateway = GatewayEnvelope.safeParse(json);
    if (gateway.success) {
      const e = gateway.data.ResponseMetadata.Error;
      throw volcengineGatewayError(e.Code, e.CodeN, e.Message ?? '', response.status, retryAfterMs);
    }
    const envelope = BusinessEnvelope.safeParse(json);
    if (!envelope.success) {
      throw new EngineError(
        'volcengine',
        'unexpected-response',
        `Volcengine ${action}: HTTP ${String(response.status)} with an answer in neither envelope: ${z.prettifyError(envelope.error)}`,
        response.status === 429 ? 'retry-later' : 'retry',
        retryAfterMs,
      );
    }
    if (envelope.data.code !== 10000) {
      throw volcengineBusinessError(
        envelope.data.code,
        envelope.data.message ?? '',
        response.status,
        retryAfterMs,
      );
    }
    return {
      data: envelope.data.data,
      ...(envelope.data.request_id ? { requestId: envelope.data.request_id } : {}),
    };
  }

  function parseData<T extends z.ZodType>(action: string, schema: T, data: unknown): z.infer<T> {
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      throw new EngineError(
        'volcengine',
        'unexpected-response',
        `Volcengine ${action}: code 10000 but data is not as documented: ${z.prettifyError(parsed.error)}`,
        'retry',
      );
    }
    return parsed.data;
  }

  return {
    async submitTask(body) {
      const { data, requestId } = await call('CVSubmitTask', body);
      const parsed = parseData('CVSubmitTask', VolcengineSubmitData, data);
      return { taskId: parsed.task_id, ...(requestId ? { requestId } : {}) };
    },
    async getResult(body) {
      const { data } = await call('CVGetResult', body);
      return parseData('CVGetResult', VolcengineResultData, data);
    },
  };
}
