// The engine a tag, a failure or a facet names, as the UI shows it. The engine ids come from
// the API contract, so a new engine needs only its `engine.<id>` message (the typecheck asks
// for it); an id this build does not know (a newer catalog) is shown as it is.
import { engineIds, type EngineId } from '../../../preload/api-contract.ts';
import type { Translate } from '../i18n/translate.ts';

export function isEngineName(engine: string): engine is EngineId | 'user' {
  return engine === 'user' || (engineIds as readonly string[]).includes(engine);
}

/** The engine's display name in the UI language. */
export function engineLabel(engine: string, t: Translate): string {
  return isEngineName(engine) ? t(`engine.${engine}`) : engine;
}
