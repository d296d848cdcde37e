// The cloud engines' definitions (engine-definition.ts), one line per engine. Every engine in
// the profile registry (engine-profile.ts) except the on-device ones must be filed here: the
// `satisfies` below fails the typecheck when one is missing or filed under another id, so a new
// engine is its folder, its profile line and this line. (The profiles stay a registry of their
// own because the engine ids are derived from them low in the stack, in tag-model.ts, where
// importing the settings schemas, S3 client included, would load them everywhere.)
import { aliyunEngineDefinition } from './aliyun/aliyun-engine-definition.ts';
import { baiduEngineDefinition } from './baidu/baidu-engine-definition.ts';
import type { CloudEngineDefinition } from './engine-definition.ts';
import type { engineProfiles } from './engine-profile.ts';
import { huaweiEngineDefinition } from './huawei/huawei-engine-definition.ts';
import { tencentEngineDefinition } from './tencent/tencent-engine-definition.ts';
import { vlmEngineDefinition } from './vlm/vlm-engine-definition.ts';
import { volcengineEngineDefinition } from './volcengine/volcengine-engine-definition.ts';

/** The engines that run on this machine with no account or settings (objects, text). */
export const onDeviceEngineIds = ['local', 'text'] as const;
export type OnDeviceEngineId = (typeof onDeviceEngineIds)[number];
/** Every registered engine but the on-device ones. */
export type CloudEngineId = Exclude<keyof typeof engineProfiles, OnDeviceEngineId>;

/** The registry of definitions: one line per cloud engine, in the profiles' order. */
export const cloudEngineDefinitions = {
  huawei: huaweiEngineDefinition,
  volcengine: volcengineEngineDefinition,
  aliyun: aliyunEngineDefinition,
  vlm: vlmEngineDefinition,
  tencent: tencentEngineDefinition,
  baidu: baiduEngineDefinition,
} as const satisfies { readonly [Id in CloudEngineId]: CloudEngineDefinition<Id> };

/** One engine's definition, read as the general shape (what loops over the registry use). */
export function cloudEngineDefinition(id: CloudEngineId): CloudEngineDefinition<CloudEngineId> {
  return cloudEngineDefinitions[id];
}
