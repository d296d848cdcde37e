// How every Volcengine failure is handled (PROTOCOLS.md §A.5, seed 000): one table for the
// business codes of the `{code, message}` envelope and one for the gateway's
// `ResponseMetadata.Error` codes. The client looks codes up here; it never decides inline.
import { EngineError } from '../engine.ts';
import { classifyHttpStatus, type ErrorRule } from '../error-classes.ts';

/** Business codes (`code` of the CV envelope). */
export const volcengineBusinessCodes: Readonly<Record<number, ErrorRule>> = {
  50411: { errorClass: 'permanent', meaning: 'Pre Img Risk Not Pass (input image failed review)' },
  50511: { errorClass: 'retry', meaning: 'Post Img Risk Not Pass (output review; retryable)' },
  50412: { errorClass: 'permanent', meaning: 'Text Risk Not Pass' },
  50512: { errorClass: 'permanent', meaning: 'Post Text Risk Not Pass' },
  50413: { errorClass: 'permanent', meaning: 'Post Text Risk Not Pass (sensitive words)' },
  50429: { errorClass: 'retry-later', meaning: 'Request Has Reached API Limit (QPS)' },
  50430: { errorClass: 'retry-later', meaning: 'Request Has Reached API Concurrent Limit' },
  50500: { errorClass: 'retry', meaning: 'Internal Error' },
  50501: { errorClass: 'retry', meaning: 'Internal RPC Error' },
  50215: { errorClass: 'permanent', meaning: 'Input invalid for this service' },
  50400: { errorClass: 'stop-engine', meaning: 'Access Denied: api forbidden / not activated' },
  50516: { errorClass: 'permanent', meaning: 'Video risk not pass' },
  50517: { errorClass: 'permanent', meaning: 'Audio risk not pass' },
  50518: { errorClass: 'permanent', meaning: 'Copyright risk not pass' },
  50519: { errorClass: 'permanent', meaning: 'Copyright risk not pass' },
  50520: { errorClass: 'retry', meaning: 'Risk service internal error' },
  50521: { errorClass: 'retry', meaning: 'Risk service internal error' },
  50522: { errorClass: 'retry', meaning: 'Risk service internal error' },
};

/** Gateway codes (`ResponseMetadata.Error.Code`), with their CodeN. */
export const volcengineGatewayCodes: Readonly<Record<string, ErrorRule & { codeN?: number }>> = {
  MissingParameter: { codeN: 100002, errorClass: 'permanent', meaning: 'a parameter is missing' },
  MissingAuthenticationToken: {
    codeN: 100003,
    errorClass: 'stop-engine',
    meaning: 'no credentials sent',
  },
  MissingRequestInfo: {
    codeN: 100004,
    errorClass: 'stop-engine',
    meaning: 'request information (e.g. X-Date) missing: the signer is broken',
  },
  MissingSignature: { codeN: 100005, errorClass: 'stop-engine', meaning: 'no signature sent' },
  InvalidTimestamp: {
    codeN: 100006,
    errorClass: 'stop-engine',
    meaning: 'X-Date outside the allowed window: check the system clock',
  },
  ServiceNotFound: { codeN: 100007, errorClass: 'stop-engine', meaning: 'wrong service/endpoint' },
  InvalidActionOrVersion: {
    codeN: 100008,
    errorClass: 'stop-engine',
    meaning: 'wrong Action or Version',
  },
  InvalidAccessKey: { codeN: 100009, errorClass: 'stop-engine', meaning: 'unknown access key' },
  SignatureDoesNotMatch: {
    codeN: 100010,
    errorClass: 'stop-engine',
    meaning: 'wrong secret key or signing method',
  },
  LackPolicy: { codeN: 100012, errorClass: 'stop-engine', meaning: 'the key lacks a policy' },
  AccessDenied: { codeN: 100013, errorClass: 'stop-engine', meaning: 'access denied' },
  InternalError: { codeN: 100014, errorClass: 'retry', meaning: 'gateway internal error' },
  InternalServiceTimeout: {
    codeN: 100016,
    errorClass: 'retry',
    meaning: 'gateway timed out reaching the service',
  },
  FlowLimitExceeded: { errorClass: 'retry-later', meaning: 'gateway flow limit' },
  AccountFlowLimitExceeded: { errorClass: 'retry-later', meaning: 'account flow limit' },
  ServiceUnavailableTemp: { errorClass: 'retry', meaning: 'service temporarily unavailable' },
};

export function volcengineBusinessError(
  code: number,
  message: string,
  httpStatus: number,
  retryAfterMs?: number,
): EngineError {
  const rule = volcengineBusinessCodes[code];
  const errorClass = rule?.errorClass ?? classifyHttpStatus(httpStatus);
  return new EngineError(
    'volcengine',
    String(code),
    `Volcengine ${String(code)}: ${message || rule?.meaning || 'unknown error'} (HTTP ${String(httpStatus)})`,
    errorClass,
    errorClass === 'retry-later' ? retryAfterMs : undefined,
  );
}

export function volcengineGatewayError(
  code: string,
  codeN: number | undefined,
  message: string,
  httpStatus: number,
  retryAfterMs?: number,
): EngineError {
  const rule =
    volcengineGatewayCodes[code] ??
    Object.values(volcengineGatewayCodes).find((r) => codeN !== undefined && r.codeN === codeN);
  const errorClass = rule?.errorClass ?? classifyHttpStatus(httpStatus);
  return new EngineError(
    'volcengine',
    code,
    `Volcengine gateway ${code}${codeN === undefined ? '' : ` (${String(codeN)})`}: ${message || rule?.meaning || 'unknown error'} (HTTP ${String(httpStatus)})`,
    errorClass,
    errorClass === 'retry-later' ? retryAfterMs : undefined,
  );
}
