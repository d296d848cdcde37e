// Short-lived hosting of prepared photos for the URL-only engines (Volcengine, Aliyun Green):
// upload the prepared copy (already downscaled and stripped of EXIF/GPS by prepareForEngine)
// to an S3-compatible bucket the user configured, hand the engine a presigned GET URL valid
// for minutes, and delete the object when the task ends (DESIGN.md §3).
//
// [Note: Hosted copies]
// Object keys carry no file name or path of the user's photo: `<prefix><hash prefix>-<uuid>.<ext>`.
// The engine that submitted a task returns the key as its `cleanup`, and `finish` deletes it,
// so a crash leaves at most the objects of tasks still open (their jobs resume and delete them)
// and, rarely, one uploaded in the instant before its task id was recorded: `sweep` removes
// copies under the prefix older than any task could need (a bucket lifecycle rule on the
// prefix does the same on the server side).
import { randomUUID } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import sharp from 'sharp';
import { z } from 'zod';
import type { PreparedImage } from '../engine.ts';
import { httpUrl } from '../http-url.ts';

export const HostingSettings = z.object({
  /** S3 endpoint, e.g. https://tos-s3-cn-beijing.volces.com or https://oss-cn-shanghai.aliyuncs.com. */
  endpoint: httpUrl,
  bucket: z.string().min(1),
  region: z.string().min(1).default('us-east-1'),
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
  /** Path-style URLs (`endpoint/bucket/key`); needed by most self-hosted S3 servers. */
  forcePathStyle: z.boolean().default(false),
  /** Key prefix for uploaded copies. */
  prefix: z.string().default('tujian-tmp/'),
  /** How long the presigned GET URL is valid. The engine must fetch the image within it. */
  urlTtlSeconds: z
    .number()
    .int()
    .min(60)
    .max(7 * 24 * 3600)
    .default(1800),
});
export type HostingSettings = z.infer<typeof HostingSettings>;
export type HostingSettingsInput = z.input<typeof HostingSettings>;

export interface HostedImage {
  /** Presigned GET URL to hand to the engine. */
  readonly url: string;
  /** Object key, handed back to `remove` when the task ends. */
  readonly key: string;
}

/** Where URL-only engines put the photos they send. */
export interface ImageHost {
  put(image: PreparedImage, contentHash: string): Promise<HostedImage>;
  remove(key: string): Promise<void>;
  /** Deletes hosted copies last modified before `olderThan`; returns how many. */
  sweep?(olderThan: Date): Promise<number>;
  close?(): void;
}

const mimeTypes: Record<PreparedImage['format'], string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  bmp: 'image/bmp',
  gif: 'image/gif',
};

export class HostingError extends Error {
  constructor(
    readonly operation: 'put' | 'remove',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HostingError';
  }
}

export function createS3ImageHost(input: HostingSettingsInput): ImageHost {
  const settings = HostingSettings.parse(input);
  const client = new S3Client({
    endpoint: settings.endpoint,
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    credentials: {
      accessKeyId: settings.accessKeyId,
      secretAccessKey: settings.secretAccessKey,
    },
    // The SDK's default CRC32 checksum headers (since 2025) are refused or mishandled by many
    // S3-compatible stores (TOS, OSS, MinIO versions, s3rver); send them only when required.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    async put(image, contentHash) {
      const ext = image.format === 'jpeg' ? 'jpg' : image.format;
      const key = `${settings.prefix}${contentHash.slice(0, 12)}-${randomUUID()}.${ext}`;
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: settings.bucket,
            Key: key,
            Body: image.data,
            ContentType: mimeTypes[image.format],
            ContentLength: image.data.length,
          }),
        );
        const url = await getSignedUrl(
          client,
          new GetObjectCommand({ Bucket: settings.bucket, Key: key }),
          { expiresIn: settings.urlTtlSeconds },
        );
        return { url, key };
      } catch (error) {
        throw new HostingError(
          'put',
          `Uploading the prepared photo to bucket "${settings.bucket}" at ${settings.endpoint} failed: ${(error as Error).message}`,
          { cause: error },
        );
      }
    },
    async remove(key) {
      try {
        await client.send(new DeleteObjectCommand({ Bucket: settings.bucket, Key: key }));
      } catch (error) {
        throw new HostingError(
          'remove',
          `Deleting the hosted copy "${key}" from bucket "${settings.bucket}" failed: ${(error as Error).message}`,
          { cause: error },
        );
      }
    },
    async sweep(olderThan) {
      let removed = 0;
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({
            Bucket: settings.bucket,
            Prefix: settings.prefix,
            ContinuationToken: token,
          }),
        );
        for (const object of page.Contents ?? []) {
          if (!object.Key || !object.LastModified || object.LastModified >= olderThan) continue;
          await client.send(new DeleteObjectCommand({ Bucket: settings.bucket, Key: object.Key }));
          removed++;
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return removed;
    },
    close() {
      client.destroy();
    },
  };
}

/** One step of an engine's connection check (`tujian engines --test`). */
export interface ConnectionStep {
  readonly step: string;
  readonly ok: boolean;
  readonly detail: string;
}

/**
 * Uploads a small generated picture, reads it back through its presigned URL and deletes it.
 * This proves the bucket and keys work from here; whether the vendor can reach the endpoint
 * (a bucket on a private network, say) only a real submission shows.
 */
export async function checkImageHost(
  host: ImageHost,
  fetchUrl: typeof fetch = fetch,
): Promise<ConnectionStep> {
  const data = await sharp({
    create: { width: 320, height: 320, channels: 3, background: { r: 128, g: 128, b: 128 } },
  })
    .jpeg()
    .toBuffer();
  let hosted: HostedImage;
  try {
    hosted = await host.put({ data, format: 'jpeg', width: 320, height: 320 }, '0'.repeat(64));
  } catch (error) {
    return { step: 'hosting', ok: false, detail: (error as Error).message };
  }
  try {
    const res = await fetchUrl(hosted.url, { signal: AbortSignal.timeout(15_000) });
    const body = Buffer.from(await res.arrayBuffer());
    if (!res.ok || !body.equals(data)) {
      return {
        step: 'hosting',
        ok: false,
        detail: `Uploaded, but the presigned URL answered HTTP ${String(res.status)}${res.ok ? ' with other bytes' : ''}.`,
      };
    }
    return { step: 'hosting', ok: true, detail: 'Upload, presigned download and delete work.' };
  } catch (error) {
    return {
      step: 'hosting',
      ok: false,
      detail: `Uploaded, but the presigned URL could not be read: ${(error as Error).message}`,
    };
  } finally {
    await host.remove(hosted.key).catch(() => undefined);
  }
}
