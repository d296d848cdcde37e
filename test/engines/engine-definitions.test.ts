// A new engine is its folder plus its registry lines: every cloud engine in the profile
// registry must carry every part the settings store, the engine set, the settings card and
// `tujian emulate` read, so none of them needs to name engines. (The typecheck catches a
// missing entry; this catches a definition whose parts disagree with each other.)
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { emulatorStarters } from '../../main/emulators/emulator-registry.ts';
import type { CloudEngineDefinition } from '../../main/engines/engine-definition.ts';
import {
  cloudEngineDefinitions,
  onDeviceEngineIds,
} from '../../main/engines/engine-definitions.ts';
import { registeredEngineIds } from '../../main/engines/engine-profile.ts';
import {
  cloudEngineIds,
  engineSecretPaths,
  engineSettingsSchemas,
} from '../../main/engines/engine-settings.ts';

const definitions: readonly CloudEngineDefinition<string>[] = Object.values(cloudEngineDefinitions);

describe('cloudEngineDefinitions', () => {
  it('holds one definition per registered engine but the on-device ones, under its own id', () => {
    expect(Object.keys(cloudEngineDefinitions)).toEqual(
      registeredEngineIds.filter((id) => !(onDeviceEngineIds as readonly string[]).includes(id)),
    );
    expect(cloudEngineIds).toEqual(Object.keys(cloudEngineDefinitions));
    for (const [key, definition] of Object.entries(cloudEngineDefinitions))
      expect(definition.id).toBe(key);
    // What the settings store reads comes from the definitions, not from a list of its own.
    expect(Object.keys(engineSettingsSchemas)).toEqual(cloudEngineIds);
    expect(Object.keys(engineSecretPaths)).toEqual(cloudEngineIds);
    // `tujian emulate` has an emulator for each (main/emulators/ sits above main/engines/).
    expect(Object.keys(emulatorStarters).sort()).toEqual([...cloudEngineIds].sort());
  });

  it('gives each engine a schema, a factory and a settings card whose parts agree', () => {
    for (const definition of definitions) {
      const where = `the ${definition.id} definition`;
      expect(definition.settingsSchema, where).toBeInstanceOf(z.ZodType);
      expect(typeof definition.create, where).toBe('function');
      if (definition.checkConnection !== undefined)
        expect(typeof definition.checkConnection, where).toBe('function');
      const { card } = definition;
      expect(card.credentials.length, where).toBeGreaterThan(0);
      expect(card.defaultRegion === null || card.defaultRegion.length > 0, where).toBe(true);
      // A field the card keeps secret must be a secret path, or it would be written to the
      // catalog in plain text; and a secret path shown on the card must be marked secret.
      for (const field of card.credentials) {
        expect(definition.secretPaths.includes(field.key), `${where}: ${field.key}`).toBe(
          field.secret,
        );
      }
      expect(new Set(card.credentials.map((field) => field.key)).size, where).toBe(
        card.credentials.length,
      );
    }
  });

  it('rejects settings that lack the secret fields the card asks for', () => {
    // The card's secret fields are required by the schema where the engine cannot run
    // without them; an empty configuration is never valid for a cloud engine.
    for (const definition of definitions)
      expect(definition.settingsSchema.safeParse({}).success, definition.id).toBe(false);
  });
});
