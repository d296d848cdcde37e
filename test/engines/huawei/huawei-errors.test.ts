// The Huawei error classification table: every code of the seed (§6.1 statuses, §6.2 codes)
// and of PROTOCOLS.md B.4 is in it with the intended class, unknown codes fall back on the
// HTTP status, auth failures stop the engine, and messages are redacted.
import { describe, expect, it } from 'vitest';
import { EngineError, type ErrorClass } from '../../../main/engines/engine.ts';
import { classifyHttpStatus, parseRetryAfter } from '../../../main/engines/error-classes.ts';
import {
  classifyHuaweiError,
  huaweiEngineError,
  huaweiErrorTable,
  isTokenError,
  redactSecrets,
} from '../../../main/engines/huawei/huawei-errors.ts';

/** The expected class of every documented code, written out independently of the table. */
const expected: Readonly<Record<string, ErrorClass>> = {
  // PROTOCOLS.md B.4 service errors
  'AIS.0002': 'stop-engine',
  'AIS.0003': 'retry',
  'AIS.0004': 'stop-engine',
  'AIS.0005': 'stop-engine',
  'AIS.0007': 'stop-engine',
  'AIS.0010': 'stop-engine',
  'AIS.0011': 'permanent',
  'AIS.0012': 'permanent',
  'AIS.0013': 'stop-engine',
  'AIS.0014': 'permanent',
  'AIS.0015': 'permanent',
  'AIS.0020': 'permanent',
  'AIS.0501': 'permanent',
  'AIS.0502': 'permanent',
  'AIS.0503': 'permanent',
  'AIS.0504': 'permanent',
  'AIS.0505': 'retry',
  'AIS.0506': 'retry',
  // gateway
  'APIG.0101': 'stop-engine',
  'APIG.0201': 'permanent',
  'APIG.0301': 'stop-engine',
  'APIG.0303': 'stop-engine',
  'APIG.0308': 'retry-later',
  // ModelArts (seed §6.2 and B.4)
  'ModelArts.0203': 'stop-engine',
  'ModelArts.4101': 'stop-engine',
  'ModelArts.4102': 'stop-engine',
  'ModelArts.4103': 'stop-engine',
  'ModelArts.4104': 'permanent',
  'ModelArts.4105': 'permanent',
  'ModelArts.4106': 'stop-engine',
  'ModelArts.4107': 'retry',
  'ModelArts.4201': 'stop-engine',
  'ModelArts.4202': 'stop-engine',
  'ModelArts.4203': 'stop-engine',
  'ModelArts.4204': 'stop-engine',
  'ModelArts.4206': 'retry-later',
  'ModelArts.4601': 'permanent',
  'ModelArts.4603': 'retry',
  'ModelArts.4702': 'stop-engine',
  'ModelArts.4703': 'permanent',
  'ModelArts.4704': 'retry',
  'ModelArts.4705': 'permanent',
  'ModelArts.4706': 'permanent',
};

/** Seed §6.1: every 4xx/5xx status listed. */
const expectedStatuses: Readonly<Record<number, ErrorClass>> = {
  400: 'permanent',
  401: 'stop-engine',
  402: 'stop-engine',
  403: 'stop-engine',
  404: 'stop-engine',
  405: 'stop-engine',
  406: 'permanent',
  407: 'stop-engine',
  408: 'retry',
  // §6.1: a conflict is not resolved by sending the same request again.
  409: 'permanent',
  410: 'permanent',
  411: 'permanent',
  412: 'permanent',
  413: 'permanent',
  414: 'permanent',
  415: 'permanent',
  416: 'permanent',
  417: 'permanent',
  422: 'permanent',
  429: 'retry-later',
  500: 'retry',
  501: 'stop-engine',
  502: 'retry',
  // §6.1: "建议直接修改该请求，不要重试该请求".
  503: 'permanent',
  504: 'retry',
  505: 'stop-engine',
};

describe(classifyHuaweiError.name, () => {
  it.each(Object.entries(expected))('classifies %s as %s', (code, errorClass) => {
    expect(classifyHuaweiError({ code, status: 400 }).rule.errorClass).toBe(errorClass);
    expect(huaweiErrorTable).toHaveProperty([code]);
  });

  it.each(Object.entries(expectedStatuses))('classifies HTTP %s as %s', (status, errorClass) => {
    expect(classifyHuaweiError({ status: Number(status) })).toMatchObject({
      code: `http:${status}`,
      rule: { errorClass },
    });
  });

  it('never retries an authentication failure (the AK locks after 5 bad signatures)', () => {
    for (const code of ['APIG.0301', 'APIG.0303', 'IAM.401', 'AIS.0002', 'ModelArts.4204']) {
      expect(classifyHuaweiError({ code }).rule.errorClass).toBe('stop-engine');
    }
  });

  it('falls back on the status for an unknown code, keeping the code', () => {
    expect(classifyHuaweiError({ code: 'AIS.9999', status: 502 })).toMatchObject({
      code: 'AIS.9999',
      rule: { errorClass: 'retry' },
    });
    // §6.1: an unknown code on a 503 is not retried either.
    expect(classifyHuaweiError({ code: 'AIS.9999', status: 503 })).toMatchObject({
      code: 'AIS.9999',
      rule: { errorClass: 'permanent' },
    });
    expect(classifyHuaweiError({ code: 'X', status: 418 }).rule.errorClass).toBe(
      classifyHttpStatus(418),
    );
    expect(classifyHuaweiError({}).rule.errorClass).toBe('permanent');
  });

  it('has a meaning for every row and only known classes', () => {
    const classes = new Set(['retry', 'retry-later', 'resubmit', 'permanent', 'stop-engine']);
    for (const rule of Object.values(huaweiErrorTable)) {
      expect(rule.meaning.length).toBeGreaterThan(3);
      expect(classes.has(rule.errorClass)).toBe(true);
    }
  });
});

describe(isTokenError.name, () => {
  it('tells token failures from signature failures', () => {
    expect(
      isTokenError('APIG.0301', 'Incorrect IAM authentication information: decrypt token fail'),
    ).toBe(true);
    expect(
      isTokenError('APIG.0301', 'Incorrect IAM authentication information: token expires'),
    ).toBe(true);
    expect(isTokenError('APIG.0301', 'verify aksk signature fail, canonicalRequest:POST|/')).toBe(
      false,
    );
    expect(isTokenError('ModelArts.4103', '')).toBe(true);
    expect(isTokenError('AIS.0503', 'token')).toBe(false);
  });
});

describe(huaweiEngineError.name, () => {
  it('builds a classified EngineError with a redacted message', () => {
    const error = huaweiEngineError(
      {
        code: 'APIG.0301',
        status: 401,
        detail: 'Get secretKey failed, ak AKSECRET123 not exist, sk=SKSECRETVALUE',
      },
      ['AKSECRET123', 'SKSECRETVALUE', undefined],
    );
    expect(error).toBeInstanceOf(EngineError);
    expect(error.engine).toBe('huawei');
    expect(error.errorClass).toBe('stop-engine');
    expect(error.message).not.toContain('AKSECRET123');
    expect(error.message).not.toContain('SKSECRETVALUE');
    expect(error.message).toContain('APIG.0301');
  });

  it('carries Retry-After for throttling', () => {
    const error = huaweiEngineError({ code: 'APIG.0308', status: 429, retryAfterMs: 3000 }, []);
    expect(error.errorClass).toBe('retry-later');
    expect(error.retryAfterMs).toBe(3000);
  });
});

describe(redactSecrets.name, () => {
  it('replaces every occurrence and ignores tiny or missing secrets', () => {
    expect(redactSecrets('a-TOKEN-b-TOKEN', ['TOKEN', 'a', undefined])).toBe('a-***-b-***');
  });
});

describe(parseRetryAfter.name, () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('7')).toBe(7000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    const now = Date.parse('2024-01-02T03:04:05Z');
    expect(parseRetryAfter('Tue, 02 Jan 2024 03:04:15 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Tue, 02 Jan 2024 03:04:00 GMT', now)).toBe(0);
  });
});
