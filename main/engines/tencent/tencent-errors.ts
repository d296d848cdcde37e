// How every Tencent Cloud API 3.0 failure of the image-tagging actions is handled: the
// gateway's common codes (公共错误码, the same for every product) and tiia's own codes (the
// product's 错误码 table, as the official SDKs list them in tiia/v20190529/errors). API 3.0
// answers errors with HTTP 200 and `Response.Error.{Code,Message}`; a code not in the tables
// falls back on its prefix (AuthFailure.* → stop, RequestLimitExceeded.* → later, …) and then
// on the HTTP status. The client looks codes up here; it never decides inline.
import { EngineError } from '../engine.ts';
import { classifyHttpStatus, type ErrorTable } from '../error-classes.ts';

/** The gateway's common codes (公共错误码). */
export const tencentCommonCodes: ErrorTable = {
  ActionOffline: { errorClass: 'stop-engine', meaning: 'the action has been taken offline' },
  'AuthFailure.InvalidAuthorization': {
    errorClass: 'stop-engine',
    meaning: 'the Authorization header is not in Tencent Cloud form',
  },
  'AuthFailure.InvalidSecretId': {
    errorClass: 'stop-engine',
    meaning: 'the SecretId is not an API key',
  },
  'AuthFailure.MFAFailure': { errorClass: 'stop-engine', meaning: 'MFA failed' },
  'AuthFailure.SecretIdNotFound': {
    errorClass: 'stop-engine',
    meaning: 'the SecretId does not exist or was disabled',
  },
  'AuthFailure.SignatureExpire': {
    errorClass: 'stop-engine',
    meaning: 'the signature expired: the clock is more than 5 minutes off',
  },
  'AuthFailure.SignatureFailure': {
    errorClass: 'stop-engine',
    meaning: 'the signature is wrong: check the SecretKey',
  },
  'AuthFailure.TokenFailure': { errorClass: 'stop-engine', meaning: 'the token is wrong' },
  'AuthFailure.UnauthorizedOperation': {
    errorClass: 'stop-engine',
    meaning: 'the key is not authorised for this action (CAM)',
  },
  DryRunOperation: { errorClass: 'permanent', meaning: 'a DryRun request' },
  FailedOperation: { errorClass: 'retry', meaning: 'the operation failed' },
  InternalError: { errorClass: 'retry', meaning: 'internal error' },
  InvalidAction: { errorClass: 'stop-engine', meaning: 'the action does not exist' },
  InvalidParameter: { errorClass: 'permanent', meaning: 'a parameter is wrong' },
  InvalidParameterValue: { errorClass: 'permanent', meaning: 'a parameter value is wrong' },
  InvalidRequest: { errorClass: 'permanent', meaning: 'the multipart body is malformed' },
  IpInBlacklist: { errorClass: 'stop-engine', meaning: 'this IP address is blacklisted' },
  IpNotInWhitelist: { errorClass: 'stop-engine', meaning: 'this IP address is not whitelisted' },
  LimitExceeded: { errorClass: 'retry-later', meaning: 'a quota is exceeded' },
  MissingParameter: { errorClass: 'permanent', meaning: 'a parameter is missing' },
  NoSuchProduct: { errorClass: 'stop-engine', meaning: 'the product does not exist' },
  NoSuchVersion: { errorClass: 'stop-engine', meaning: 'the API version does not exist' },
  RequestLimitExceeded: {
    errorClass: 'retry-later',
    meaning: 'too many requests (the per-account call rate)',
  },
  'RequestLimitExceeded.GlobalRegionUncontrolled': {
    errorClass: 'retry-later',
    meaning: 'too many requests in this region',
  },
  'RequestLimitExceeded.IPLimitExceeded': {
    errorClass: 'retry-later',
    meaning: 'too many requests from this IP address',
  },
  'RequestLimitExceeded.UinLimitExceeded': {
    errorClass: 'retry-later',
    meaning: 'too many requests from this account',
  },
  RequestSizeLimitExceeded: { errorClass: 'permanent', meaning: 'the request body is too large' },
  ResourceInUse: { errorClass: 'retry', meaning: 'the resource is in use' },
  ResourceInsufficient: { errorClass: 'retry', meaning: 'not enough resources' },
  ResourceNotFound: { errorClass: 'permanent', meaning: 'the resource does not exist' },
  ResourceUnavailable: { errorClass: 'stop-engine', meaning: 'the resource is unavailable' },
  ResponseSizeLimitExceeded: { errorClass: 'permanent', meaning: 'the answer is too large' },
  ServiceUnavailable: { errorClass: 'retry', meaning: 'the service is unavailable right now' },
  UnauthorizedOperation: { errorClass: 'stop-engine', meaning: 'not authorised' },
  UnknownParameter: { errorClass: 'permanent', meaning: 'an unknown parameter was sent' },
  UnsupportedOperation: { errorClass: 'permanent', meaning: 'the operation is not supported' },
  UnsupportedProtocol: {
    errorClass: 'stop-engine',
    meaning: 'the protocol is not supported (use HTTPS)',
  },
  UnsupportedRegion: {
    errorClass: 'stop-engine',
    meaning: 'the action is not offered in this region',
  },
};

/** tiia's own codes (the product's 错误码 table). */
export const tiiaCodes: ErrorTable = {
  'AuthFailure.InvalidAuthorization': {
    errorClass: 'stop-engine',
    meaning: 'authentication failed',
  },
  'FailedOperation.BalanceInsufficient': {
    errorClass: 'stop-engine',
    meaning: 'the balance is too low to open the service: top up first',
  },
  'FailedOperation.DownLoadError': { errorClass: 'permanent', meaning: 'the file download failed' },
  'FailedOperation.EmptyImageError': { errorClass: 'permanent', meaning: 'the image is empty' },
  'FailedOperation.ImageDecodeFailed': {
    errorClass: 'permanent',
    meaning: 'the image cannot be decoded',
  },
  'FailedOperation.ImageDownloadError': {
    errorClass: 'permanent',
    meaning: 'the image download failed',
  },
  'FailedOperation.ImageNotSupported': {
    errorClass: 'permanent',
    meaning: 'the image file is not supported',
  },
  'FailedOperation.ImageResolutionExceed': {
    errorClass: 'permanent',
    meaning: 'the image resolution is too high',
  },
  'FailedOperation.ImageResolutionInsufficient': {
    errorClass: 'permanent',
    meaning: 'the image resolution is too low',
  },
  'FailedOperation.ImageSizeExceed': {
    errorClass: 'permanent',
    meaning: 'the base64 image data is too large',
  },
  'FailedOperation.ImageUnQualified': {
    errorClass: 'permanent',
    meaning: 'the image does not meet the detection requirements',
  },
  'FailedOperation.ImageUrlInvalid': {
    errorClass: 'permanent',
    meaning: 'the URL is invalid and cannot be downloaded',
  },
  'FailedOperation.InnerError': { errorClass: 'retry', meaning: 'internal error' },
  'FailedOperation.InvokeChargeError': {
    errorClass: 'retry',
    meaning: 'the billing call failed',
  },
  'FailedOperation.NoObjectDetected': { errorClass: 'permanent', meaning: 'no target detected' },
  'FailedOperation.ParameterEmpty': { errorClass: 'permanent', meaning: 'a parameter is empty' },
  'FailedOperation.RequestError': {
    errorClass: 'retry',
    meaning: 'a back-end service request failed',
  },
  'FailedOperation.RequestTimeout': {
    errorClass: 'retry',
    meaning: 'a back-end service timed out',
  },
  'FailedOperation.RpcFail': {
    errorClass: 'retry',
    meaning: 'RPC failed (usually an algorithm micro-service fault)',
  },
  'FailedOperation.ServerError': {
    errorClass: 'retry',
    meaning: 'the algorithm service failed; retry',
  },
  'FailedOperation.TooLargeFileError': {
    errorClass: 'permanent',
    meaning: 'the file is too large',
  },
  'FailedOperation.UnKnowError': { errorClass: 'retry', meaning: 'internal error' },
  'FailedOperation.UnOpenError': {
    errorClass: 'stop-engine',
    meaning: 'the service is not activated in the console',
  },
  'FailedOperation.Unknown': { errorClass: 'retry', meaning: 'unknown error' },
  'InvalidParameter.ImageFormatNotSupport': {
    errorClass: 'permanent',
    meaning: 'the image format is not supported',
  },
  'InvalidParameter.InvalidParameter': {
    errorClass: 'permanent',
    meaning: 'a parameter value is wrong',
  },
  'InvalidParameter.PictureSolidColorError': {
    errorClass: 'permanent',
    meaning: 'the image may not be a single solid colour',
  },
  'InvalidParameterValue.ImageEmpty': { errorClass: 'permanent', meaning: 'the image is empty' },
  'InvalidParameterValue.InvalidParameterValueLimit': {
    errorClass: 'permanent',
    meaning: 'a parameter value is out of range',
  },
  'InvalidParameterValue.UrlIllegal': {
    errorClass: 'permanent',
    meaning: 'the URL is malformed',
  },
  'LimitExceeded.TooLargeFileError': { errorClass: 'permanent', meaning: 'the file is too large' },
  'MissingParameter.ErrorParameterEmpty': {
    errorClass: 'permanent',
    meaning: 'a required parameter is empty',
  },
  'ResourceUnavailable.InArrears': {
    errorClass: 'stop-engine',
    meaning: 'the account is in arrears',
  },
  'ResourceUnavailable.IsOpening': {
    errorClass: 'retry-later',
    meaning: 'the service is being activated; wait a moment',
  },
  'ResourceUnavailable.NotExist': {
    errorClass: 'stop-engine',
    meaning: 'billing state unknown: activate the service in the console',
  },
  'ResourceUnavailable.StopUsing': {
    errorClass: 'stop-engine',
    meaning: 'the account has been suspended',
  },
  'ResourcesSoldOut.ChargeStatusException': {
    errorClass: 'stop-engine',
    meaning: 'the billing state is abnormal',
  },
};

/**
 * [Note: Tencent's Pro fallback]
 * The docs name no single code for "DetectLabelPro is not available here". What an account or
 * region without it gets is one of the gateway's answers for an action it cannot serve
 * (InvalidAction, UnsupportedRegion, ActionOffline) or tiia's answers for a service not opened
 * (FailedOperation.UnOpenError, ResourceUnavailable.NotExist: 通用图像标签 is activated and
 * billed apart from the older 图像标签). In `auto` mode the first such answer to a Pro call
 * switches the engine to DetectLabel for the rest of its life and the same photo is sent
 * again with it; none of these answers is billed, so nothing is paid twice. In the explicit
 * `DetectLabelPro` mode they stop the engine like any other stop-engine code.
 */
export const proUnavailableCodes: ReadonlySet<string> = new Set([
  'InvalidAction',
  'UnsupportedRegion',
  'ActionOffline',
  'FailedOperation.UnOpenError',
  'ResourceUnavailable.NotExist',
]);

const prefixFallbacks: readonly [string, keyof typeof tencentCommonCodes][] = [
  ['AuthFailure.', 'AuthFailure.SignatureFailure'],
  ['RequestLimitExceeded.', 'RequestLimitExceeded'],
  ['InternalError.', 'InternalError'],
  ['InvalidParameterValue.', 'InvalidParameterValue'],
  ['InvalidParameter.', 'InvalidParameter'],
  ['MissingParameter.', 'MissingParameter'],
  ['UnauthorizedOperation.', 'UnauthorizedOperation'],
  ['ResourceUnavailable.', 'ResourceUnavailable'],
  ['LimitExceeded.', 'LimitExceeded'],
  ['UnsupportedOperation.', 'UnsupportedOperation'],
  ['FailedOperation.', 'FailedOperation'],
];

/** The rule for a code: tiia's table, the common table, then the code's prefix. */
export function tencentErrorRule(code: string) {
  const exact = tiiaCodes[code] ?? tencentCommonCodes[code];
  if (exact) return exact;
  for (const [prefix, fallback] of prefixFallbacks) {
    if (code.startsWith(prefix)) return tencentCommonCodes[fallback];
  }
  return undefined;
}

export function tencentEngineError(input: {
  code: string;
  message: string;
  httpStatus: number;
  requestId?: string;
  retryAfterMs?: number;
}): EngineError {
  const rule = tencentErrorRule(input.code);
  const errorClass = rule?.errorClass ?? classifyHttpStatus(input.httpStatus);
  const request = input.requestId ? ` (request ${input.requestId})` : '';
  return new EngineError(
    'tencent',
    input.code,
    `Tencent Cloud ${input.code}: ${input.message || rule?.meaning || 'unknown error'}${request}`,
    errorClass,
    // Only a wait the service asked for (Retry-After): the gateway's RequestLimitExceeded is a
    // per-second limit and sends none, and an invented wait would hold the whole lane
    // (the runner holds off an engine after repeated throttles that name a wait).
    errorClass === 'retry-later' ? input.retryAfterMs : undefined,
  );
}
