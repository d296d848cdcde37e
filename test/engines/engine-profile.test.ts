// The engine registry is the one place an engine is listed: the ids, the zod enum and the
// limiter's defaults are derived from it, and each profile is filed under its own id.
import { describe, expect, it } from 'vitest';
import { engineProfiles, registeredEngineIds } from '../../main/engines/engine-profile.ts';
import { EngineId, engineIds, TagSource } from '../../main/engines/tag-model.ts';
import { defaultEngineCallLimits } from '../../main/jobs/engine-limiter.ts';

describe('engineProfiles', () => {
  it('files each profile under its own id, and everything else reads its keys', () => {
    for (const [key, profile] of Object.entries(engineProfiles)) expect(profile.id).toBe(key);
    expect(engineIds).toEqual(Object.keys(engineProfiles));
    expect(registeredEngineIds).toEqual([
      'local',
      'huawei',
      'volcengine',
      'aliyun',
      'vlm',
      'tencent',
      'baidu',
    ]);
    expect(EngineId.options).toEqual(engineIds);
    expect(TagSource.options).toEqual([...engineIds, 'user']);
    expect(Object.keys(defaultEngineCallLimits)).toEqual(engineIds);
    expect(defaultEngineCallLimits.huawei).toEqual(engineProfiles.huawei.callLimits);
    expect(EngineId.safeParse('tencent').success).toBe(true);
    expect(EngineId.safeParse('nosuch').success).toBe(false);
  });
});
