// What a cloud engine declares about itself beyond its profile (engine-profile.ts): how its
// settings are validated and stored, how it is built from them, how a connection is checked,
// and what the settings card asks for. Each engine keeps its definition in its own folder
// (`<engine>/<engine>-engine-definition.ts`) and is filed by one line in engine-definitions.ts;
// the engine set (engine-registry.ts), the settings store (engine-settings.ts) and the app's
// settings view (main/app/catalog-engine-settings.ts) loop over that registry instead of naming
// engines. The emulator `tujian emulate` starts is the one part kept elsewhere: emulators sit in
// the hosts' layer (main/emulators/emulator-registry.ts), which engines may not import.
//
// [Note: Engine definitions load the engine lazily]
// `create` and `checkConnection` import the engine's code when called. The settings store
// reads the definitions (schemas, secret paths), and the engines' own code imports the
// settings store (`redact`); importing the engine modules eagerly here would make that a
// circle. It also keeps `tujian search` from loading every engine's client.
import type { z } from 'zod';
import type { TaggingEngine } from './engine.ts';

/** One credential field of the settings card; `key` is a dot path in the engine's settings. */
export interface CredentialFieldSpec {
  readonly key: string;
  readonly label: string;
  /** Kept in the SecretStore, never in the catalog: must be one of the `secretPaths`. */
  readonly secret: boolean;
  /** An endpoint the engine will call: only an http(s) URL is stored. */
  readonly url?: true;
  /** The values allowed (a choice, not free text). */
  readonly choices?: readonly string[];
  /**
   * An option of the engine rather than a credential (Tencent's `action`): the card shows it
   * under "Options" with its help text, and leaving it empty keeps the schema's default.
   */
  readonly option?: true;
}

/** The card's optional fields an engine's settings may take (region and endpoint all take). */
export type CardField = 'threshold' | 'language' | 'limit' | 'scenes';

export interface CloudEngineDefinition<Id extends string, Schema extends z.ZodType = z.ZodType> {
  /** The registry key it is filed under (checked by test/engines/engine-definitions.test.ts). */
  readonly id: Id;
  /** The zod schema of its full settings (`<engine>-settings.ts`). */
  readonly settingsSchema: Schema;
  /**
   * Dot paths of the secret fields ([Note: Secrets never in plain text]); absent ones are
   * skipped. They are stored under `<engine>.<path>` in the SecretStore.
   */
  readonly secretPaths: readonly string[];
  /** Builds the engine from validated settings (loaded lazily, see the note above). */
  create(settings: z.output<Schema>): Promise<TaggingEngine>;
  /**
   * A quick check that the settings reach the service and are accepted ("Test connection").
   * Absent: the first tagging call is the check (the job runner probes once).
   */
  checkConnection?(settings: z.output<Schema>): Promise<{ ok: boolean; detail: string }>;
  /** The settings card: what it asks for, and how its fields become the settings. */
  readonly card: {
    readonly credentials: readonly CredentialFieldSpec[];
    /** The region shown when the user has not chosen one (null: the engine has none). */
    readonly defaultRegion: string | null;
    /** Which optional card fields go into the settings (the schema rejects the others). */
    readonly takes: readonly CardField[];
    /** Settings the card does not ask for but the schema needs (Huawei's `auth.kind`). */
    readonly fixed?: Readonly<Record<string, string>>;
    /**
     * True when the endpoint the card points at is off this machine, so photos leave it
     * (the card warns). Absent: the engine is a cloud service, which the card says anyway.
     */
    endpointOffMachine?(card: {
      readonly plain: Readonly<Record<string, string>>;
      readonly endpoint: string | null;
    }): boolean;
  };
}
