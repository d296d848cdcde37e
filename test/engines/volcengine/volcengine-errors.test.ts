import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../main/engines/engine.ts';
import {
  volcengineBusinessCodes,
  volcengineBusinessError,
  volcengineGatewayCodes,
  volcengineGatewayError,
} from '../../../main/engines/volcengine/volcengine-errors.ts';

describe(volcengineBusinessError.name, () => {
  it('classifies every code of the seed table (A.5) as documented', () => {
    const expected: Record<number, string> = {
      50411: 'permanent',
      50511: 'retry',
      50412: 'permanent',
      50512: 'permanent',
      50413: 'permanent',
      50429: 'retry-later',
      50430: 'retry-later',
      50500: 'retry',
      50501: 'retry',
      50215: 'permanent',
      50400: 'stop-engine',
    };
    for (const [code, errorClass] of Object.entries(expected)) {
      expect(volcengineBusinessCodes[Number(code)]?.errorClass, code).toBe(errorClass);
      const error = volcengineBusinessError(Number(code), '', 400);
      expect(error).toBeInstanceOf(EngineError);
      expect(error.errorClass).toBe(errorClass);
      expect(error.engine).toBe('volcengine');
    }
  });

  it('judges unknown codes by HTTP status and keeps Retry-After only for retry-later', () => {
    expect(volcengineBusinessError(59999, 'x', 503).errorClass).toBe('retry');
    expect(volcengineBusinessError(59999, 'x', 429, 3000)).toMatchObject({
      errorClass: 'retry-later',
      retryAfterMs: 3000,
    });
    expect(volcengineBusinessError(59999, 'x', 400).errorClass).toBe('permanent');
    expect(volcengineBusinessError(50429, 'x', 429, 2000).retryAfterMs).toBe(2000);
    expect(volcengineBusinessError(50500, 'x', 500, 2000).retryAfterMs).toBeUndefined();
  });
});

describe(volcengineGatewayError.name, () => {
  it('stops the engine on credential and signing errors, retries 429/5xx/timeouts', () => {
    const stop = [
      'MissingAuthenticationToken',
      'MissingSignature',
      'InvalidAccessKey',
      'SignatureDoesNotMatch',
      'LackPolicy',
      'AccessDenied',
      'InvalidTimestamp',
    ];
    for (const code of stop)
      expect(volcengineGatewayError(code, undefined, '', 401).errorClass).toBe('stop-engine');
    for (const code of ['InternalError', 'InternalServiceTimeout', 'ServiceUnavailableTemp'])
      expect(volcengineGatewayError(code, undefined, '', 500).errorClass).toBe('retry');
    for (const code of ['FlowLimitExceeded', 'AccountFlowLimitExceeded'])
      expect(volcengineGatewayError(code, undefined, '', 429).errorClass).toBe('retry-later');
  });

  it('finds a rule by CodeN when the name is unfamiliar, and lists the documented CodeN', () => {
    expect(volcengineGatewayError('Renamed', 100010, '', 401).errorClass).toBe('stop-engine');
    expect(volcengineGatewayCodes.SignatureDoesNotMatch?.codeN).toBe(100010);
    expect(volcengineGatewayCodes.InvalidAccessKey?.codeN).toBe(100009);
    expect(volcengineGatewayError('Unheard', undefined, '', 502).errorClass).toBe('retry');
  });
});
