import { describe, expect, it } from 'vitest';
import {
  aliyunCodeError,
  aliyunCodes,
  aliyunPopError,
} from '../../../main/engines/aliyun/aliyun-errors.ts';

describe(aliyunCodeError.name, () => {
  it('classifies every code of PROTOCOLS.md §C.5', () => {
    const expected: Record<number, string> = {
      400: 'permanent',
      401: 'permanent',
      403: 'permanent',
      404: 'permanent',
      408: 'stop-engine',
      411: 'stop-engine',
      480: 'retry',
      500: 'retry',
      503: 'retry',
      580: 'retry',
      581: 'retry',
      585: 'retry',
      586: 'retry',
      587: 'retry',
      588: 'retry-later',
      589: 'permanent',
      590: 'permanent',
      591: 'retry',
      592: 'retry',
      594: 'resubmit',
      595: 'permanent',
      596: 'stop-engine',
    };
    expect(Object.keys(aliyunCodes).sort()).toEqual(Object.keys(expected).sort());
    for (const [code, errorClass] of Object.entries(expected)) {
      const error = aliyunCodeError(Number(code), undefined, 200);
      expect(error.errorClass, code).toBe(errorClass);
      expect(error.code).toBe(code);
      expect(error.engine).toBe('aliyun');
    }
  });

  it('keeps Retry-After for 588 only, and judges unknown codes by their number', () => {
    expect(aliyunCodeError(588, 'EXCEED_QUOTA', 588, 1500).retryAfterMs).toBe(1500);
    expect(aliyunCodeError(592, undefined, 200, 1500).retryAfterMs).toBeUndefined();
    expect(aliyunCodeError(599, undefined, 200).errorClass).toBe('retry');
    expect(aliyunCodeError(429, undefined, 200).errorClass).toBe('retry-later');
    expect(aliyunCodeError(450, undefined, 200).errorClass).toBe('permanent');
  });
});

describe(aliyunPopError.name, () => {
  it('stops the engine on wrong keys, signatures, permissions and clocks; retries throttling', () => {
    for (const code of [
      'SignatureDoesNotMatch',
      'InvalidAccessKeyId.NotFound',
      'Forbidden.RAM',
      'InvalidTimeStamp.Expired',
      'InvalidAction.NotFound',
    ]) {
      expect(aliyunPopError(code, undefined, 400).errorClass, code).toBe('stop-engine');
    }
    expect(aliyunPopError('Throttling.User', undefined, 400, 2000)).toMatchObject({
      errorClass: 'retry-later',
      retryAfterMs: 2000,
    });
    expect(aliyunPopError('SignatureNonceUsed', undefined, 400).errorClass).toBe('retry');
    expect(aliyunPopError('ServiceUnavailable', undefined, 503).errorClass).toBe('retry');
    expect(aliyunPopError('Brand.New', undefined, 502).errorClass).toBe('retry');
    expect(aliyunPopError('Brand.New', undefined, 400).errorClass).toBe('permanent');
  });
});
