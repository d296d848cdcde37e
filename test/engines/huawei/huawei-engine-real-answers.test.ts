// End to end with real answers: the Huawei engine prepares a sample photo, signs and sends it to
// the emulator, the emulator tags what it received with the on-device engine (its default
// tagger) and answers in the seed's format — person labelled with the type 人类/Human as in
// the seed's example — and the engine maps it back to the tag model.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHuaweiEngine } from '../../../main/engines/huawei/huawei-engine.ts';
import { EngineAnswer } from '../../../main/engines/tag-model.ts';
import {
  startHuaweiEmulator,
  type HuaweiEmulator,
} from '../../../main/emulators/huawei/huawei-emulator.ts';

const samples = join(import.meta.dirname, '../../../../shared/samples/photos');
const haveSamples = existsSync(join(samples, 'person.jpg'));

describe.skipIf(!haveSamples)(
  `${createHuaweiEngine.name} with real answers (needs ../shared/samples)`,
  () => {
    let emulator: HuaweiEmulator;
    beforeAll(async () => {
      emulator = await startHuaweiEmulator(); // default tagger: the local engine
    });
    afterAll(async () => {
      await emulator.close();
    });

    it('tags person.jpg: person, dog and horse with boxes, person typed 人类 by the service', async () => {
      const c = emulator.credentials;
      const engine = createHuaweiEngine({
        endpoint: emulator.baseUrl,
        projectId: c.projectId,
        auth: { kind: 'aksk', ak: c.ak, sk: c.sk },
        language: 'zh',
        threshold: 30,
      });
      const answer = await engine.tag({
        sourcePath: join(samples, 'person.jpg'),
        contentHash: 'p',
      });
      expect(EngineAnswer.parse(answer)).toEqual(answer);
      const names = answer.tags.map((t) => t.name);
      expect(names).toEqual(expect.arrayContaining(['person', 'dog', 'horse']));
      const person = answer.tags.find((t) => t.name === 'person');
      expect(person?.type).toBe('object');
      expect(person?.extra).toMatchObject({ vendorType: '人类', vendorTypeEn: 'Human' });
      expect(person?.i18n.zh).toBe('人');
      for (const box of person?.instances ?? []) {
        expect(box.x + box.w).toBeLessThanOrEqual(1);
        expect(box.y + box.h).toBeLessThanOrEqual(1);
      }
      expect(person?.instances.length).toBeGreaterThan(0);
    });
  },
);
