// How every Aliyun Green failure is handled (PROTOCOLS.md §C.5): one table for the numeric
// codes (top-level and per task) and one for the POP gateway envelope's string codes.
import { EngineError, type ErrorClass } from '../engine.ts';
import { classifyHttpStatus, type ErrorRule } from '../error-classes.ts';

/** Numeric codes of the business envelope and of `data[i].code`. 200 and 280 are not errors. */
export const aliyunCodes: Readonly<Record<number, ErrorRule>> = {
  400: { errorClass: 'permanent', meaning: 'BAD_REQUEST' },
  401: { errorClass: 'permanent', meaning: 'NOT_ALLOWED: unsafe URL' },
  403: { errorClass: 'permanent', meaning: 'FORBIDDEN: URL unreachable or no OSS authorisation' },
  404: { errorClass: 'permanent', meaning: 'NOT_FOUND' },
  408: { errorClass: 'stop-engine', meaning: 'RAM permission missing' },
  411: { errorClass: 'stop-engine', meaning: 'RAM permission missing' },
  480: { errorClass: 'retry', meaning: 'DOWNLOAD_FAILED (retry once)' },
  500: { errorClass: 'retry', meaning: 'GENERAL_ERROR' },
  503: { errorClass: 'retry', meaning: 'ServiceUnavailable' },
  580: { errorClass: 'retry', meaning: 'DB_FAILED' },
  581: { errorClass: 'retry', meaning: 'TIMEOUT' },
  585: { errorClass: 'retry', meaning: 'CACHE_FAILED' },
  586: { errorClass: 'retry', meaning: 'ALGO_FAILED' },
  587: { errorClass: 'retry', meaning: 'MQ_FAILED' },
  588: { errorClass: 'retry-later', meaning: 'EXCEED_QUOTA (images 50/s)' },
  589: { errorClass: 'permanent', meaning: 'TOO_LARGE' },
  590: { errorClass: 'permanent', meaning: 'BAD_FORMAT' },
  591: { errorClass: 'retry', meaning: 'CONNECTION_POOL_FULL' },
  592: { errorClass: 'retry', meaning: 'DOWNLOAD_TIMEOUT (3 s limit)' },
  594: { errorClass: 'resubmit', meaning: 'EXPIRED: taskId expired' },
  595: { errorClass: 'permanent', meaning: 'CATCH_FRAME_FAILED' },
  596: {
    errorClass: 'stop-engine',
    meaning: 'PERMISSION_DENY (grant AliyunYundunGreenWebFullAccess)',
  },
};

/** String codes of the POP envelope `{RequestId, HostId, Code, Message}`. */
export const aliyunPopCodes: Readonly<Record<string, ErrorRule>> = {
  SignatureDoesNotMatch: { errorClass: 'stop-engine', meaning: 'wrong secret or signing method' },
  IncompleteSignature: { errorClass: 'stop-engine', meaning: 'signature incomplete' },
  'InvalidAccessKeyId.NotFound': { errorClass: 'stop-engine', meaning: 'unknown AccessKey ID' },
  'InvalidAccessKeyId.Inactive': { errorClass: 'stop-engine', meaning: 'AccessKey disabled' },
  InvalidAccessKeyId: { errorClass: 'stop-engine', meaning: 'invalid AccessKey ID' },
  'Forbidden.RAM': { errorClass: 'stop-engine', meaning: 'RAM user not authorised' },
  Forbidden: { errorClass: 'stop-engine', meaning: 'forbidden' },
  'InvalidTimeStamp.Expired': {
    errorClass: 'stop-engine',
    meaning: 'Date outside the allowed window: check the system clock',
  },
  'InvalidAction.NotFound': { errorClass: 'stop-engine', meaning: 'wrong action or x-acs-version' },
  InvalidRegionId: { errorClass: 'stop-engine', meaning: 'invalid region' },
  'InvalidSecurityToken.Expired': { errorClass: 'stop-engine', meaning: 'STS token expired' },
  MissingParameter: { errorClass: 'permanent', meaning: 'a parameter is missing' },
  InvalidParameter: { errorClass: 'permanent', meaning: 'a parameter is invalid' },
  SignatureNonceUsed: { errorClass: 'retry', meaning: 'nonce reused; a new request has a new one' },
  Throttling: { errorClass: 'retry-later', meaning: 'throttled' },
  'Throttling.User': { errorClass: 'retry-later', meaning: 'throttled (user)' },
  'Throttling.Api': { errorClass: 'retry-later', meaning: 'throttled (API)' },
  ServiceUnavailable: { errorClass: 'retry', meaning: 'service unavailable' },
  InternalError: { errorClass: 'retry', meaning: 'internal error' },
};

export function aliyunCodeError(
  code: number,
  message: string | undefined,
  httpStatus: number,
  retryAfterMs?: number,
): EngineError {
  const rule = aliyunCodes[code];
  const errorClass: ErrorClass =
    rule?.errorClass ?? classifyHttpStatus(code >= 400 && code < 600 ? code : httpStatus);
  return new EngineError(
    'aliyun',
    String(code),
    `Aliyun Green ${String(code)}: ${message || rule?.meaning || 'unknown error'}`,
    errorClass,
    errorClass === 'retry-later' ? retryAfterMs : undefined,
  );
}

export function aliyunPopError(
  code: string,
  message: string | undefined,
  httpStatus: number,
  retryAfterMs?: number,
): EngineError {
  const rule = aliyunPopCodes[code];
  const errorClass = rule?.errorClass ?? classifyHttpStatus(httpStatus);
  return new EngineError(
    'aliyun',
    code,
    `Aliyun gateway ${code}: ${message || rule?.meaning || 'unknown error'} (HTTP ${String(httpStatus)})`,
    errorClass,
    errorClass === 'retry-later' ? retryAfterMs : undefined,
  );
}
