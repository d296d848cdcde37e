// A real S3-compatible server (s3rver from npm) on 127.0.0.1 with a fresh bucket in a temp dir,
// for the hosting tests and the engine tests that need a bucket the emulators download from.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import type { HostingSettingsInput } from '../../../main/engines/hosting/image-hosting.ts';

export interface S3Fixture {
  readonly settings: HostingSettingsInput;
  readonly directory: string;
  close(): Promise<void>;
}

export async function startS3rver(bucket = 'tujian-test'): Promise<S3Fixture> {
  const directory = await mkdtemp(join(tmpdir(), 'tujian-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const address = await server.run();
  return {
    directory,
    settings: {
      endpoint: `http://127.0.0.1:${String(address.port)}`,
      bucket,
      region: 'us-east-1',
      // s3rver's built-in account (it checks the access key; V4 signature values it does not check).
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      forcePathStyle: true,
      urlTtlSeconds: 600,
    },
    async close() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
