// The receiver of Aliyun Green's result callbacks (PROTOCOLS.md §C.4): a form POST with
// `checksum` and `content`, where checksum = hex(SHA256(uid + seed + content)). Framework-free so
// the web host can mount it on any route; it verifies before trusting a byte of `content`.
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AliyunTaskResult } from './aliyun-schemas.ts';

export function aliyunCallbackChecksum(uid: string, seed: string, content: string): string {
  return createHash('sha256')
    .update(uid + seed + content, 'utf8')
    .digest('hex');
}

export type AliyunCallbackOutcome =
  | { readonly ok: true; readonly result: AliyunTaskResult }
  | {
      readonly ok: false;
      /** The HTTP status the host should answer with. Aliyun retries anything but 200. */
      readonly status: 400 | 403;
      readonly reason: string;
    };

const CallbackForm = z.object({
  checksum: z.string().regex(/^[0-9a-fA-F]{64}$/, 'checksum is not 64 hex digits'),
  content: z.string().min(1),
});

/**
 * Verifies one callback. `body` is the raw urlencoded body or the parsed form. A forged or
 * altered callback is rejected with 403; a malformed one with 400.
 */
export function receiveAliyunCallback(
  body: string | URLSearchParams,
  uid: string,
  seed: string,
): AliyunCallbackOutcome {
  const form = typeof body === 'string' ? new URLSearchParams(body) : body;
  const parsed = CallbackForm.safeParse({
    checksum: form.get('checksum') ?? undefined,
    content: form.get('content') ?? undefined,
  });
  if (!parsed.success) {
    return { ok: false, status: 400, reason: `Malformed callback: ${parsed.error.message}` };
  }
  const expected = Buffer.from(aliyunCallbackChecksum(uid, seed, parsed.data.content), 'hex');
  const given = Buffer.from(parsed.data.checksum.toLowerCase(), 'hex');
  // timingSafeEqual throws on buffers of different lengths: a short forgery is just a mismatch.
  if (given.length !== expected.length || !timingSafeEqual(expected, given)) {
    return { ok: false, status: 403, reason: 'Callback checksum does not match: rejected.' };
  }
  let json: unknown;
  try {
    json = JSON.parse(parsed.data.content);
  } catch {
    return { ok: false, status: 400, reason: 'Callback content is not JSON.' };
  }
  const result = AliyunTaskResult.safeParse(json);
  if (!result.success) {
    return {
      ok: false,
      status: 400,
      reason: `Callback content is not a task result: ${result.error.message}`,
    };
  }
  return { ok: true, result: result.data };
}
