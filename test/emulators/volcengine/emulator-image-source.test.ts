import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAliyunEngine } from '../../../main/engines/aliyun/aliyun-engine.ts';
import { aliyunSettingsSchema } from '../../../main/engines/aliyun/aliyun-settings.ts';
import { createS3ImageHost } from '../../../main/engines/hosting/image-hosting.ts';
import { createVolcengineEngine } from '../../../main/engines/volcengine/volcengine-engine.ts';
import { volcengineSettingsSchema } from '../../../main/engines/volcengine/volcengine-settings.ts';
import { startS3rver, type S3Fixture } from '../../engines/hosting/s3rver-fixture.ts';
import { driveAsyncEngine } from '../../engines/volcengine/drive-async-engine.ts';
import {
  startAliyunEmulator,
  type AliyunEmulator,
} from '../../../main/emulators/aliyun/aliyun-emulator.ts';
import {
  localEngineTagger,
  type ClosableTagger,
} from '../../../main/emulators/volcengine/emulator-image-source.ts';
import {
  startVolcengineEmulator,
  type VolcengineEmulator,
} from '../../../main/emulators/volcengine/volcengine-emulator.ts';

const samplesDir = fileURLToPath(new URL('../../../../shared/samples/photos', import.meta.url));
const hasSamples = existsSync(join(samplesDir, 'person.jpg'));
if (!hasSamples) {
  console.warn(`Skipping the emulator tests on real photos: ${samplesDir} is absent.`);
}

// The emulators answer from what the local engine really sees in the downloaded picture.
describe.skipIf(!hasSamples)(localEngineTagger.name, () => {
  let tagger: ClosableTagger;
  let volc: VolcengineEmulator;
  let aliyun: AliyunEmulator;
  let s3: S3Fixture;

  beforeAll(async () => {
    // One local engine (one worker) serves both emulators: two would crowd two cores.
    tagger = localEngineTagger();
    volc = await startVolcengineEmulator({ tagger: tagger.tag, queueMs: 0, generateMs: 0 });
    aliyun = await startAliyunEmulator({ tagger: tagger.tag, processingMs: 0 });
    s3 = await startS3rver();
  });
  afterAll(async () => {
    await volc.close();
    await aliyun.close();
    await s3.close();
    await tagger.close();
  });

  const request = (file: string) => ({ sourcePath: join(samplesDir, file), contentHash: file });

  it('Volcengine: status 1 for a photo with a person, 0 for an eagle', async () => {
    const settings = volcengineSettingsSchema.parse({
      endpoint: volc.baseUrl,
      ...volc.credentials,
      hosting: s3.settings,
      pollIntervalMs: 100,
      timeoutMs: 60_000,
    });
    // No host given: the engine builds its S3 host from settings.hosting.
    const engine = createVolcengineEngine({ settings });
    const person = await driveAsyncEngine(engine, request('person.jpg'), { pollCapMs: 100 });
    expect(person.answer.tags.map((t) => t.name)).toEqual(['person-like subject']);
    const eagle = await driveAsyncEngine(engine, request('eagle.jpg'), { pollCapMs: 100 });
    expect(eagle.answer.tags).toEqual([]);
  });

  it('Aliyun: the tag scene names what is in the picture, with zh names', async () => {
    const settings = aliyunSettingsSchema.parse({
      endpoint: aliyun.baseUrl,
      accessKeyId: aliyun.credentials.accessKeyId,
      accessKeySecret: aliyun.credentials.accessKeySecret,
      hosting: s3.settings,
      pollIntervalMs: 100,
      timeoutMs: 60_000,
    });
    const engine = createAliyunEngine({ settings, host: createS3ImageHost(s3.settings) });
    const { answer } = await driveAsyncEngine(engine, request('dog.jpg'), { pollCapMs: 100 });
    const dog = answer.tags.find((t) => t.name === 'dog');
    expect(dog).toMatchObject({ type: 'concept', i18n: { zh: '狗' }, extra: { scene: 'tag' } });
    expect(dog?.confidence).toBeGreaterThan(30);
  });
});
