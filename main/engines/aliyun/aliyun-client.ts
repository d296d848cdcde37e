// A small client of Aliyun Content Security (Green 2018-05-09) image async scan (seed 002,
// PROTOCOLS.md §C): ROA HMAC-SHA1 signing, /green/image/asyncscan and /green/image/results,
// every answer validated with zod and every failure turned into a classified EngineError.
// Why not @alicloud/pop-core: see [Note: Own clients, not the vendor SDKs] in
// main/engines/volcengine/volcengine-client.ts.
import { z } from 'zod';
import { EngineError } from '../engine.ts';
import { redactEngineError } from '../engine-settings.ts';
import { postForJson } from '../error-classes.ts';
import { aliyunCodeError, aliyunPopError } from './aliyun-errors.ts';
import {
  aliyunEnvelope,
  AliyunPopError,
  AliyunSubmittedTask,
  AliyunTaskResult,
} from './aliyun-schemas.ts';
import { signAliyunRequest } from './aliyun-signer.ts';

export interface AliyunClientOptions {
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string | undefined;
  readonly timeoutMs: number;
  /** The optional `clientInfo` query parameter (a JSON string). */
  readonly clientInfo?: Record<string, unknown>;
  readonly fetch?: typeof fetch;
  readonly now?: () => Date;
}

export interface AliyunAsyncScanBody {
  readonly scenes: readonly string[];
  readonly tasks: readonly { dataId?: string; url: string }[];
  readonly bizType?: string;
  readonly callback?: string;
  readonly seed?: string;
}

export interface AliyunClient {
  asyncScan(body: AliyunAsyncScanBody): Promise<z.infer<typeof AliyunSubmittedTask>[]>;
  results(taskIds: readonly string[]): Promise<AliyunTaskResult[]>;
}

const SubmitEnvelope = aliyunEnvelope(AliyunSubmittedTask);
const ResultsEnvelope = aliyunEnvelope(AliyunTaskResult);

export function createAliyunClient(options: AliyunClientOptions): AliyunClient {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? (() => new Date());

  /** Every error leaves through `redact`: server messages may echo what was sent. */
  async function call<T extends z.ZodType>(
    path: string,
    payload: unknown,
    schema: T,
  ): Promise<z.infer<T>> {
    try {
      return await callUnredacted(path, payload, schema);
    } catch (error) {
      throw error instanceof EngineError ? redactEngineError(error) : error;
    }
  }

  async function callUnredacted<T extends z.ZodType>(
    path: string,
    payload: unknown,
    schema: T,
  ): Promise<z.infer<T>> {
    const body = JSON.stringify(payload);
    const query: Record<string, string> = options.clientInfo
      ? { clientInfo: JSON.stringify(options.clientInfo) }
      : {};
    const signed = signAliyunRequest({
      method: 'POST',
      path,
      query,
      body,
      accessKeyId: options.accessKeyId,
      accessKeySecret: options.accessKeySecret,
      securityToken: options.securityToken,
      date: now(),
    });
    const url = new URL(path, options.endpoint);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const { response, json, retryAfterMs } = await postForJson(
      'aliyun',
      `Aliyun ${path}`,
      doFetch,
      url,
      {
        headers: signed.headers,
        body,
        timeoutMs: options.timeoutMs,
      },
    );
    const pop = AliyunPopError.safeParse(json);
    if (pop.success) {
      throw aliyunPopError(pop.data.Code, pop.data.Message, response.status, retryAfterMs);
    }
    const envelope = schema.safeParse(json);
    if (!envelope.success) {
      throw new EngineError(
        'aliyun',
        'unexpected-response',
        `Aliyun ${path}: HTTP ${String(response.status)} with an answer that is not as documented: ${z.prettifyError(envelope.error)}`,
        response.status === 429 ? 'retry-later' : 'retry',
        retryAfterMs,
      );
    }
    const parsed = envelope.data as { code: number; msg?: string };
    if (parsed.code !== 200) {
      throw aliyunCodeError(parsed.code, parsed.msg, response.status, retryAfterMs);
    }
    return envelope.data;
  }

  return {
    async asyncScan(body) {
      const answer = await call('/green/image/asyncscan', body, SubmitEnvelope);
      return answer.data ?? [];
    },
    async results(taskIds) {
      const answer = await call('/green/image/results', taskIds, ResultsEnvelope);
      return answer.data ?? [];
    },
  };
}
