import { describe, expect, it } from 'vitest';
import {
  aliyunCallbackChecksum,
  receiveAliyunCallback,
} from '../../../main/engines/aliyun/aliyun-callback.ts';

// The vector of PROTOCOLS.md §C.4 (Node and Python agree).
const uid = '1234567890123456';
const seed = 's3cr3tSeed';
const content =
  '{"code":200,"msg":"OK","dataId":"img-001","taskId":"img4wlJcb7p4wH4lAP3111111-123456","url":"https://example.com/cat.jpg","results":[{"scene":"porn","label":"normal","suggestion":"pass","rate":99.91}]}';
const checksum = '4c623c1b8fc6a10d4c97c5f1de01d32d0f4b29cc71254ca7faeeccba51a5beda';

describe(aliyunCallbackChecksum.name, () => {
  it('reproduces the documented vector', () => {
    expect(aliyunCallbackChecksum(uid, seed, content)).toBe(checksum);
  });
});

describe(receiveAliyunCallback.name, () => {
  it('accepts the genuine callback as a raw urlencoded body and as a parsed form', () => {
    const raw = new URLSearchParams({ checksum, content }).toString();
    const fromRaw = receiveAliyunCallback(raw, uid, seed);
    expect(fromRaw).toEqual({
      ok: true,
      result: {
        code: 200,
        msg: 'OK',
        dataId: 'img-001',
        taskId: 'img4wlJcb7p4wH4lAP3111111-123456',
        url: 'https://example.com/cat.jpg',
        results: [{ scene: 'porn', label: 'normal', suggestion: 'pass', rate: 99.91 }],
      },
    });
    expect(receiveAliyunCallback(new URLSearchParams({ checksum, content }), uid, seed).ok).toBe(
      true,
    );
  });

  it('rejects altered content, a wrong seed or uid, and a forged checksum with 403', () => {
    const altered = content.replace('"rate":99.91', '"rate":1.5');
    for (const [c, u, s, sum] of [
      [altered, uid, seed, checksum],
      [content, uid, 'otherSeed', checksum],
      [content, '999', seed, checksum],
      [content, uid, seed, 'f'.repeat(64)],
    ] as const) {
      const outcome = receiveAliyunCallback(
        new URLSearchParams({ checksum: sum, content: c }),
        u,
        s,
      );
      expect(outcome).toMatchObject({ ok: false, status: 403 });
    }
    // A forger who knows the algorithm but not the seed:
    const forged = aliyunCallbackChecksum(uid, 'guess', altered);
    expect(
      receiveAliyunCallback(new URLSearchParams({ checksum: forged, content: altered }), uid, seed),
    ).toMatchObject({ ok: false, status: 403 });
  });

  it('rejects malformed callbacks with 400', () => {
    expect(receiveAliyunCallback('content=x', uid, seed)).toMatchObject({ ok: false, status: 400 });
    expect(receiveAliyunCallback(`checksum=zz&content=x`, uid, seed)).toMatchObject({
      ok: false,
      status: 400,
    });
    const notJson = 'hello';
    expect(
      receiveAliyunCallback(
        new URLSearchParams({
          checksum: aliyunCallbackChecksum(uid, seed, notJson),
          content: notJson,
        }),
        uid,
        seed,
      ),
    ).toMatchObject({ ok: false, status: 400 });
  });
});
