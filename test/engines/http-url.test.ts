// The shared endpoint rule, and that every engine settings schema uses it.
import { describe, expect, it } from 'vitest';
import { engineSettingsSchemas } from '../../main/engines/engine-settings.ts';
import { HostingSettings } from '../../main/engines/hosting/image-hosting.ts';
import { httpUrl, isHttpUrl } from '../../main/engines/http-url.ts';

describe(isHttpUrl.name, () => {
  it('takes http and https URLs only', () => {
    expect(isHttpUrl('https://visual.volcengineapi.com')).toBe(true);
    expect(isHttpUrl('http://127.0.0.1:9000/path')).toBe(true);
    for (const bad of [
      'file:///etc/passwd',
      'file://host/etc/passwd',
      'javascript:alert(1)',
      'ftp://example.com/',
      'data:text/plain,hi',
      'httpx://example.com',
      '/relative/path',
      '',
    ])
      expect(isHttpUrl(bad), bad).toBe(false);
    expect(httpUrl.safeParse('file:///etc/passwd').error?.issues[0]?.message).toBe(
      'must be an http(s) URL',
    );
  });

  it('is the rule of every engine endpoint field', () => {
    const hosting = {
      endpoint: 'file:///etc/passwd',
      bucket: 'b',
      accessKeyId: 'k',
      secretAccessKey: 's',
    };
    expect(HostingSettings.safeParse(hosting).success).toBe(false);
    expect(
      engineSettingsSchemas.volcengine.safeParse({
        endpoint: 'file:///etc/passwd',
        accessKeyId: 'k',
        secretAccessKey: 's',
        hosting: { ...hosting, endpoint: 'https://tos.example.com' },
      }).success,
    ).toBe(false);
    const huawei = engineSettingsSchemas.huawei.safeParse({
      auth: { kind: 'aksk', ak: 'a', sk: 's' },
      projectId: 'p',
      endpoint: 'file:///etc/passwd',
    });
    expect(huawei.success).toBe(false);
    expect(
      engineSettingsSchemas.aliyun.safeParse({
        accessKeyId: 'a',
        accessKeySecret: 's',
        endpoint: 'file:///etc/passwd',
      }).success,
    ).toBe(false);
  });
});
