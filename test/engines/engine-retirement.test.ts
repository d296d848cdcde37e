// The retirement rules of engine-retirement.ts with Huawei's announced dates: the phases
// around the two dates, and which failures count as "the service is gone" (only after the end
// of service, only the codes the profile names: DNS, refused connections, APIG.0101, AIS.0005).
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../main/engines/engine.ts';
import {
  isGoneAfterRetirement,
  retiredEngineError,
  retirementStatus,
} from '../../main/engines/engine-retirement.ts';
import { transportEngineError } from '../../main/engines/huawei/huawei-errors.ts';
import { HttpTransportError } from '../../main/engines/huawei/huawei-http.ts';
import { huaweiProfile } from '../../main/engines/huawei/huawei-profile.ts';

const retirement = huaweiProfile.retirement;
const at = (iso: string) => Date.parse(iso);

describe(retirementStatus.name, () => {
  it('is announced, then end of sale, then retired, at the start of each UTC day', () => {
    const phase = (iso: string) => retirementStatus('huawei', retirement, at(iso)).phase;
    expect(phase('2026-06-29T23:59:59Z')).toBe('announced');
    expect(phase('2026-06-30T00:00:00Z')).toBe('end-of-sale');
    expect(phase('2026-12-07T12:00:00Z')).toBe('end-of-sale');
    expect(phase('2026-12-29T23:59:59Z')).toBe('end-of-sale');
    expect(phase('2026-12-30T00:00:00Z')).toBe('retired');
    expect(retirementStatus('huawei', retirement, at('2026-12-07T00:00:00Z')).notice).toContain(
      'tujian engines migrate huawei --to <engine>',
    );
  });
});

describe(isGoneAfterRetirement.name, () => {
  const failure = (code: string) => new EngineError('huawei', code, code, 'retry');
  const after = at('2026-12-31T00:00:00Z');
  const before = at('2026-12-29T00:00:00Z');

  it('reads unresolved and refused hosts, APIG.0101 and AIS.0005 as gone only after the date', () => {
    for (const code of ['client.unresolved', 'client.refused', 'APIG.0101', 'AIS.0005']) {
      expect(isGoneAfterRetirement(failure(code), retirement, after)).toBe(true);
      expect(isGoneAfterRetirement(failure(code), retirement, before)).toBe(false);
    }
  });

  it('leaves a reset, a timeout, a throttle and a bad image as they are', () => {
    for (const code of ['client.network', 'client.timeout', 'APIG.0308', 'AIS.0503'])
      expect(isGoneAfterRetirement(failure(code), retirement, after)).toBe(false);
  });

  it('tells DNS and refused connections apart from other network failures', () => {
    const code = (systemCode?: string) =>
      transportEngineError(new HttpTransportError('network', 'x', systemCode), []).code;
    expect(code('ENOTFOUND')).toBe('client.unresolved');
    expect(code('ECONNREFUSED')).toBe('client.refused');
    expect(code('ECONNRESET')).toBe('client.network');
    // A temporary DNS failure (offline laptop) is not read as the service's end.
    expect(code('EAI_AGAIN')).toBe('client.network');
  });

  it('stops the engine with a message naming the retirement and keeping the cause', () => {
    const stop = retiredEngineError(failure('client.refused'), retirement);
    expect([stop.code, stop.errorClass]).toEqual(['engine.retired', 'stop-engine']);
    expect(stop.message).toContain('2026-12-30');
    expect(stop.message).toContain('client.refused');
  });
});
