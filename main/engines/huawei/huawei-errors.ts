// How every Huawei/G42 Image Tagging failure is handled: ONE table from the seed's error
// code list (seeds/001 §6.2), PROTOCOLS.md B.4 and the seed's HTTP status list (§6.1), plus
// the client's own failure codes. Classification is a lookup, never scattered ifs.
//
// [Note: Never retry Huawei auth failures]
// The API gateway locks an AK for 5 minutes after 5 consecutive bad signatures, so every
// authentication failure stops the engine at once (stop-engine) instead of being retried;
// a retry loop would lock the user's key. The only exception is a token error in token
// mode, where the client fetches a fresh IAM token exactly once (huawei-client.ts).
import { EngineError } from '../engine.ts';
import { classifyHttpStatus, type ErrorRule, type ErrorTable } from '../error-classes.ts';
import { HttpTransportError } from './huawei-http.ts';

export const huaweiErrorTable = {
  // Image Recognition service errors (HTTP 400 unless noted).
  'AIS.0002': { errorClass: 'stop-engine', meaning: 'The IAM token is abnormal.' },
  'AIS.0003': { errorClass: 'retry', meaning: 'Internal service error.' },
  'AIS.0004': {
    errorClass: 'stop-engine',
    meaning: 'Not authorised: the service is not subscribed for this account or region.',
  },
  'AIS.0005': {
    errorClass: 'stop-engine',
    meaning: 'The service does not exist (check the endpoint).',
  },
  'AIS.0007': { errorClass: 'stop-engine', meaning: 'The service is not enabled.' },
  'AIS.0010': { errorClass: 'stop-engine', meaning: 'A required header is missing (client bug).' },
  'AIS.0011': { errorClass: 'permanent', meaning: 'A required parameter is missing.' },
  'AIS.0012': { errorClass: 'permanent', meaning: 'A request parameter is not supported.' },
  'AIS.0013': {
    errorClass: 'stop-engine',
    meaning: 'The HTTP method is not allowed (client bug).',
  },
  'AIS.0014': { errorClass: 'permanent', meaning: 'The JSON of the request is malformed.' },
  'AIS.0015': { errorClass: 'permanent', meaning: 'The base64 image could not be decoded.' },
  'AIS.0020': { errorClass: 'permanent', meaning: 'The request body is too large.' },
  'AIS.0501': { errorClass: 'permanent', meaning: 'An input parameter is invalid.' },
  'AIS.0502': { errorClass: 'permanent', meaning: 'The image format is not supported.' },
  'AIS.0503': { errorClass: 'permanent', meaning: 'The image is damaged.' },
  'AIS.0504': {
    errorClass: 'permanent',
    meaning: 'The image size is out of limits (base64 ≤10 MB, sides 15–4096 px).',
  },
  'AIS.0505': { errorClass: 'retry', meaning: 'The algorithm failed to run.' },
  'AIS.0506': { errorClass: 'retry', meaning: 'Internal service error.' },
  // API gateway (APIG) errors.
  'APIG.0101': {
    errorClass: 'stop-engine',
    meaning: 'The API does not exist or is not published (wrong endpoint, path or method).',
  },
  'APIG.0201': { errorClass: 'permanent', meaning: 'The request body is too large.' },
  // [UNVERIFIED] Gateway codes for an unavailable or timed-out backend, as the emulator sends them.
  'APIG.0202': { errorClass: 'retry', meaning: 'The backend is unavailable.' },
  'APIG.0203': { errorClass: 'retry', meaning: 'The backend timed out.' },
  'APIG.0301': {
    errorClass: 'stop-engine',
    meaning: 'IAM authentication failed (wrong AK/SK, bad signature, or a bad/expired token).',
  },
  'APIG.0303': {
    errorClass: 'stop-engine',
    meaning: 'The request time is more than 15 minutes off: correct the computer clock.',
  },
  'APIG.0308': { errorClass: 'retry-later', meaning: 'The API throttling threshold was reached.' },
  // ModelArts (the serving platform behind the service).
  'ModelArts.0203': { errorClass: 'stop-engine', meaning: 'Invalid token.' },
  'ModelArts.4101': { errorClass: 'stop-engine', meaning: 'The token is empty.' },
  'ModelArts.4102': { errorClass: 'stop-engine', meaning: 'The token could not be parsed.' },
  'ModelArts.4103': { errorClass: 'stop-engine', meaning: 'The token is invalid.' },
  'ModelArts.4104': { errorClass: 'permanent', meaning: 'The request body length is invalid.' },
  'ModelArts.4105': { errorClass: 'permanent', meaning: 'The request body is not valid JSON.' },
  'ModelArts.4106': { errorClass: 'stop-engine', meaning: 'The account is restricted.' },
  'ModelArts.4107': { errorClass: 'retry', meaning: 'Obtaining a temporary AK/SK failed.' },
  'ModelArts.4201': { errorClass: 'stop-engine', meaning: 'The URL lacks the service ID.' },
  'ModelArts.4202': { errorClass: 'stop-engine', meaning: 'The request URL format is invalid.' },
  'ModelArts.4203': { errorClass: 'stop-engine', meaning: 'No access permission.' },
  'ModelArts.4204': {
    errorClass: 'stop-engine',
    meaning: 'The API is not subscribed: enable Image Tagging in this region.',
  },
  'ModelArts.4206': { errorClass: 'retry-later', meaning: 'Traffic is over the limit.' },
  'ModelArts.4601': { errorClass: 'permanent', meaning: 'The image URL is invalid.' },
  'ModelArts.4603': { errorClass: 'retry', meaning: 'Downloading the image URL failed.' },
  'ModelArts.4702': {
    errorClass: 'stop-engine',
    meaning: 'The OBS agency could not be queried (authorise the service for OBS).',
  },
  'ModelArts.4703': { errorClass: 'permanent', meaning: 'The OBS URL is invalid.' },
  'ModelArts.4704': { errorClass: 'retry', meaning: 'Fetching the OBS file failed.' },
  'ModelArts.4705': { errorClass: 'permanent', meaning: 'The OBS file is too large.' },
  'ModelArts.4706': { errorClass: 'permanent', meaning: 'The OBS file does not exist.' },
  // IAM token endpoint (POST /v3/auth/tokens) answers, keyed by status.
  'IAM.401': { errorClass: 'stop-engine', meaning: 'IAM refused the user name or password.' },
  'IAM.403': { errorClass: 'stop-engine', meaning: 'IAM refused the token request.' },
  // The IAM service is not the tagging API whose status list (§6.1) says not to retry a 503:
  // a token endpoint that fails with a 5xx is down for a while, so its 5xx answers are retried.
  'IAM.unavailable': { errorClass: 'retry', meaning: 'The IAM token endpoint is unavailable.' },
  // The client's own failures.
  'client.timeout': { errorClass: 'retry', meaning: 'The service did not answer in time.' },
  'client.aborted': {
    errorClass: 'retry',
    meaning: 'The call was cancelled (the app is stopping); run it again later.',
  },
  'client.network': { errorClass: 'retry', meaning: 'The connection failed or was reset.' },
  // Retried like any network failure until the end of service; after it they stop the engine
  // once: [Note: A retired engine stops once] (engine-retirement.ts).
  'client.unresolved': {
    errorClass: 'retry',
    meaning: 'The service host name does not resolve (DNS).',
  },
  'client.refused': { errorClass: 'retry', meaning: 'The service host refused the connection.' },
  'client.malformed-answer': {
    errorClass: 'retry',
    meaning: 'The answer was not complete JSON (cut off in transit).',
  },
  'client.unexpected-answer': {
    errorClass: 'permanent',
    meaning: 'The answer did not have the documented shape.',
  },
  'client.unreadable': { errorClass: 'permanent', meaning: 'The photo cannot be read.' },
  'client.too-small': { errorClass: 'permanent', meaning: 'The photo is below the minimum side.' },
  'client.cannot-fit': {
    errorClass: 'permanent',
    meaning: 'The photo cannot be brought within 10 MB base64.',
  },
  // HTTP statuses (seed §6.1) when the body carries no known code.
  'http:400': { errorClass: 'permanent', meaning: 'Bad request.' },
  'http:401': { errorClass: 'stop-engine', meaning: 'Unauthorized.' },
  'http:402': { errorClass: 'stop-engine', meaning: 'Payment required.' },
  'http:403': { errorClass: 'stop-engine', meaning: 'Forbidden.' },
  'http:404': { errorClass: 'stop-engine', meaning: 'Not found: check the endpoint.' },
  'http:405': { errorClass: 'stop-engine', meaning: 'Method not allowed.' },
  'http:406': { errorClass: 'permanent', meaning: 'Not acceptable.' },
  'http:407': { errorClass: 'stop-engine', meaning: 'Proxy authentication required.' },
  'http:408': { errorClass: 'retry', meaning: 'Request timeout.' },
  // Seed §6.1: the resource exists already or a conflicting update cannot complete; sending
  // the same request again meets the same conflict.
  'http:409': { errorClass: 'permanent', meaning: 'Conflict.' },
  'http:410': { errorClass: 'permanent', meaning: 'Gone.' },
  'http:411': { errorClass: 'permanent', meaning: 'Length required.' },
  'http:412': { errorClass: 'permanent', meaning: 'Precondition failed.' },
  'http:413': { errorClass: 'permanent', meaning: 'Request entity too large.' },
  'http:414': { errorClass: 'permanent', meaning: 'Request URI too long.' },
  'http:415': { errorClass: 'permanent', meaning: 'Unsupported media type.' },
  'http:416': { errorClass: 'permanent', meaning: 'Range not satisfiable.' },
  'http:417': { errorClass: 'permanent', meaning: 'Expectation failed.' },
  'http:422': { errorClass: 'permanent', meaning: 'Unprocessable entity.' },
  'http:429': { errorClass: 'retry-later', meaning: 'Too many requests.' },
  'http:500': { errorClass: 'retry', meaning: 'Internal server error.' },
  'http:501': { errorClass: 'stop-engine', meaning: 'Not implemented.' },
  'http:502': { errorClass: 'retry', meaning: 'Bad gateway.' },
  // Seed §6.1: "建议直接修改该请求，不要重试该请求" (change the request, do not retry it). A 503
  // that carries a gateway code (APIG.0202, backend unavailable) is classified by that code.
  'http:503': {
    errorClass: 'permanent',
    meaning: 'Service unavailable (the seed says: do not retry).',
  },
  'http:504': { errorClass: 'retry', meaning: 'Gateway timeout.' },
  'http:505': { errorClass: 'stop-engine', meaning: 'HTTP version not supported.' },
} as const satisfies ErrorTable;

export type HuaweiErrorCode = keyof typeof huaweiErrorTable;

const table: ErrorTable = huaweiErrorTable;

/** Codes that say the IAM token itself is bad (token mode refreshes once on these). */
const tokenErrorCodes = new Set([
  'AIS.0002',
  'ModelArts.0203',
  'ModelArts.4101',
  'ModelArts.4102',
  'ModelArts.4103',
]);

/** A token error: the codes above, or APIG.0301 whose message is about the token. */
export function isTokenError(code: string, message: string): boolean {
  return tokenErrorCodes.has(code) || (code === 'APIG.0301' && /token/i.test(message));
}

export interface HuaweiFailure {
  /** The vendor's error_code, a `client.*` code, or absent. */
  readonly code?: string;
  readonly status?: number;
}

/** The table row for a failure: its code, else its HTTP status, else the generic fallback. */
export function classifyHuaweiError(failure: HuaweiFailure): { code: string; rule: ErrorRule } {
  if (failure.code !== undefined) {
    const rule = table[failure.code];
    if (rule) return { code: failure.code, rule };
  }
  if (failure.status !== undefined) {
    const statusKey = `http:${String(failure.status)}`;
    const rule = table[statusKey];
    const code = failure.code ?? statusKey;
    if (rule) return { code, rule };
    return {
      code,
      rule: {
        errorClass: classifyHttpStatus(failure.status),
        meaning: `HTTP ${String(failure.status)}.`,
      },
    };
  }
  return {
    code: failure.code ?? 'unknown',
    rule: { errorClass: 'permanent', meaning: 'An unknown error.' },
  };
}

/** Replaces every occurrence of a secret with `***` (secrets shorter than 4 chars are kept). */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret === undefined || secret.length < 4) continue;
    out = out.split(secret).join('***');
  }
  return out;
}

/** The EngineError for a failure, its message redacted of the given secrets. */
export function huaweiEngineError(
  failure: HuaweiFailure & { readonly detail?: string; readonly retryAfterMs?: number },
  secrets: readonly (string | undefined)[],
): EngineError {
  const { code, rule } = classifyHuaweiError(failure);
  const status = failure.status === undefined ? '' : ` (HTTP ${String(failure.status)})`;
  const detail = failure.detail ? `: ${failure.detail}` : '';
  const message = redactSecrets(`Huawei ${code}${status} ${rule.meaning}${detail}`, secrets);
  return new EngineError('huawei', code, message, rule.errorClass, failure.retryAfterMs);
}

/** The EngineError for a failed exchange (timeout, reset, cancellation). */
export function transportEngineError(
  error: unknown,
  secrets: readonly (string | undefined)[],
): EngineError {
  if (error instanceof HttpTransportError) {
    const code =
      error.kind === 'timeout'
        ? 'client.timeout'
        : error.kind === 'aborted'
          ? 'client.aborted'
          : error.systemCode === 'ENOTFOUND'
            ? 'client.unresolved'
            : error.systemCode === 'ECONNREFUSED'
              ? 'client.refused'
              : 'client.network';
    return huaweiEngineError({ code, detail: error.message }, secrets);
  }
  return huaweiEngineError({ code: 'client.network', detail: String(error) }, secrets);
}
