// How every Baidu AI platform failure is handled: the error_code table of the API docs (the
// common codes every image API shares, 图像识别's own, and the OAuth token endpoint's errors).
// The service answers errors with HTTP 200 and `{error_code, error_msg}`; an unknown code
// falls back on the HTTP status. The client looks codes up here; it never decides inline.
import { EngineError } from '../engine.ts';
import { classifyHttpStatus, type ErrorTable } from '../error-classes.ts';

export const baiduErrorCodes: ErrorTable = {
  '1': { errorClass: 'retry', meaning: 'Unknown error' },
  '2': { errorClass: 'retry', meaning: 'Service temporarily unavailable' },
  '3': { errorClass: 'stop-engine', meaning: 'Unsupported openapi method' },
  '4': { errorClass: 'retry-later', meaning: 'Open api request limit reached (cluster)' },
  '6': {
    errorClass: 'stop-engine',
    meaning: 'No permission to access data: activate the API for this application',
  },
  '13': { errorClass: 'retry', meaning: 'Get service token failed' },
  '14': { errorClass: 'stop-engine', meaning: 'IAM Certification failed' },
  '15': { errorClass: 'stop-engine', meaning: 'app not exists or create failed' },
  '17': {
    errorClass: 'retry-later',
    meaning: 'Open api daily request limit reached (wait for tomorrow or buy more)',
  },
  '18': { errorClass: 'retry-later', meaning: 'Open api qps request limit reached' },
  '19': {
    errorClass: 'stop-engine',
    meaning: 'Open api total request limit reached: the allowance is used up',
  },
  '100': {
    errorClass: 'stop-engine',
    meaning: 'Invalid parameter (the access token is missing or malformed)',
  },
  '110': { errorClass: 'stop-engine', meaning: 'Access token invalid or no longer valid' },
  '111': { errorClass: 'stop-engine', meaning: 'Access token expired' },
  '216015': { errorClass: 'stop-engine', meaning: 'module closed' },
  '216100': { errorClass: 'permanent', meaning: 'invalid param' },
  '216101': { errorClass: 'permanent', meaning: 'not enough param' },
  '216102': { errorClass: 'stop-engine', meaning: 'service not support' },
  '216103': { errorClass: 'permanent', meaning: 'param too long' },
  '216110': { errorClass: 'stop-engine', meaning: 'appid not exist' },
  '216200': { errorClass: 'permanent', meaning: 'empty image' },
  '216201': { errorClass: 'permanent', meaning: 'image format error' },
  '216202': { errorClass: 'permanent', meaning: 'image size error' },
  '216300': { errorClass: 'retry', meaning: 'db error' },
  '216400': { errorClass: 'retry', meaning: 'backend error' },
  '216401': { errorClass: 'retry', meaning: 'internal error' },
  '216500': { errorClass: 'retry', meaning: 'unknown error' },
  '282000': { errorClass: 'retry', meaning: 'logic internal error' },
  '282001': { errorClass: 'retry', meaning: 'logic backend error' },
  '282002': { errorClass: 'permanent', meaning: 'input encoding error' },
  '282003': { errorClass: 'permanent', meaning: 'missing parameters' },
  '282004': { errorClass: 'permanent', meaning: 'invalid parameter(s)' },
  '282100': { errorClass: 'permanent', meaning: 'image transcode error' },
  '282110': { errorClass: 'permanent', meaning: 'urls not exit' },
  '282111': { errorClass: 'permanent', meaning: 'url format illegal' },
  '282112': { errorClass: 'permanent', meaning: 'url download timeout' },
  '282113': { errorClass: 'permanent', meaning: 'url response invalid' },
  '282114': { errorClass: 'permanent', meaning: 'url size error' },
  '282810': { errorClass: 'permanent', meaning: 'image recognize error' },
  // The OAuth token endpoint answers `{error, error_description}`.
  invalid_client: {
    errorClass: 'stop-engine',
    meaning:
      'the API Key or Secret Key is wrong (unknown client id / Client authentication failed)',
  },
  unsupported_grant_type: { errorClass: 'stop-engine', meaning: 'unsupported grant type' },
  invalid_request: { errorClass: 'stop-engine', meaning: 'the token request is malformed' },
};

/** 110/111: the access token was refused; a new one is fetched once before giving up. */
export const baiduTokenCodes: ReadonlySet<string> = new Set(['110', '111']);

/** Milliseconds until the next midnight in Beijing (UTC+8), when a daily allowance resets. */
export function untilBeijingMidnight(now: number): number {
  const day = 24 * 3600_000;
  const beijing = now + 8 * 3600_000;
  return day - (beijing % day);
}

export function baiduEngineError(input: {
  code: string;
  message: string;
  httpStatus: number;
  logId?: string;
  retryAfterMs?: number;
  now?: number;
}): EngineError {
  const rule = baiduErrorCodes[input.code];
  const errorClass = rule?.errorClass ?? classifyHttpStatus(input.httpStatus);
  // 17 means "no more today": retrying per photo would only repeat it until midnight, so the
  // wait is named and the runner holds the lane. Other throttles wait only as long as the
  // service asks (Retry-After): an invented wait would hold the whole lane.
  const retryAfterMs =
    input.code === '17' ? untilBeijingMidnight(input.now ?? Date.now()) : input.retryAfterMs;
  const log = input.logId ? ` (log_id ${input.logId})` : '';
  return new EngineError(
    'baidu',
    input.code,
    `Baidu AI ${input.code}: ${input.message || rule?.meaning || 'unknown error'}${log}`,
    errorClass,
    errorClass === 'retry-later' ? retryAfterMs : undefined,
  );
}
