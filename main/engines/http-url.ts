// The one rule for every engine endpoint a user can configure (the cloud APIs, Huawei's IAM,
// the S3 image host): an absolute http(s) URL. Anything else (`file:///etc/passwd`,
// `javascript:`, `ftp://`) is refused where settings come in, so it is never stored or fetched.
import { z } from 'zod';

/** An absolute `http:` or `https:` URL (zod checks the scheme without its colon). */
export const httpUrl = z.url({
  protocol: /^https?$/,
  error: 'must be an http(s) URL',
});

/** Whether `value` is what `httpUrl` accepts. */
export function isHttpUrl(value: string): boolean {
  return httpUrl.safeParse(value).success;
}
