// An engine whose vendor has announced its end: the dates, where they come from, and what the
// app says about them. The dates live in the engine's profile (`retirement`, e.g.
// huawei/huawei-profile.ts) — the one place — and everything that shows or acts on them
// (`tujian engines`/`status`, the settings card, the engine's stop after the date) reads them
// through here.
//
// [Note: A retired engine stops once]
// After the announced end of service, the vendor's host may stop resolving, refuse
// connections, or its gateway may answer that the API no longer exists (Huawei: APIG.0101,
// AIS.0005). Classified as usual, a network failure is `retry`: every photo would back off and
// try again, run after run, and the user would see hundreds of "connection refused" errors and
// no reason. So once the date has passed, those failures (and only those: a throttle or a bad
// image is still what it says) become ONE `stop-engine` error that names the retirement; the
// runner stops the engine's lane once, persistently, and tells how to move the photos to
// another engine. A stop is cleared when the engine's settings change (a new endpoint), so a
// user whose region lives on can go on.
import { EngineError } from './engine.ts';
import type { EngineId } from './tag-model.ts';

export interface EngineRetirement {
  /** The vendor's announced end of sale (ISO date, UTC). */
  readonly endOfSale: string;
  /** The announced end of service (ISO date, UTC); "around" this date per the vendor. */
  readonly endOfService: string;
  /** Where the dates were announced. */
  readonly source: string;
  /** Error codes of the engine that, after the end of service, mean "the service is gone". */
  readonly goneCodes: readonly string[];
}

export type RetirementPhase = 'announced' | 'end-of-sale' | 'retired';

export interface RetirementStatus {
  readonly phase: RetirementPhase;
  readonly endOfSale: string;
  readonly endOfService: string;
  /** One line for `tujian engines`/`status` and the settings card (English; the UI translates). */
  readonly notice: string;
}

function dayStart(isoDate: string): number {
  return Date.parse(`${isoDate}T00:00:00Z`);
}

/** Where an engine stands against its announced dates at `now`. */
export function retirementStatus(
  engine: EngineId,
  retirement: EngineRetirement,
  now: number,
): RetirementStatus {
  const phase: RetirementPhase =
    now >= dayStart(retirement.endOfService)
      ? 'retired'
      : now >= dayStart(retirement.endOfSale)
        ? 'end-of-sale'
        : 'announced';
  const migrate = `move its photos with: tujian engines migrate ${engine} --to <engine>`;
  const notice =
    phase === 'retired'
      ? `${engine}: the vendor announced the end of service around ${retirement.endOfService}; tags already made stay searchable — ${migrate}`
      : phase === 'end-of-sale'
        ? `${engine}: no longer sold since ${retirement.endOfSale}; the service ends around ${retirement.endOfService} — ${migrate}`
        : `${engine}: the vendor announced the end of sale on ${retirement.endOfSale} and of service around ${retirement.endOfService}`;
  return {
    phase,
    endOfSale: retirement.endOfSale,
    endOfService: retirement.endOfService,
    notice,
  };
}

/** Whether a failure means the retired service is gone: see [Note: A retired engine stops once]. */
export function isGoneAfterRetirement(
  error: EngineError,
  retirement: EngineRetirement,
  now: number,
): boolean {
  return now >= dayStart(retirement.endOfService) && retirement.goneCodes.includes(error.code);
}

/** The one stop-engine error that names the retirement (the original reason kept after it). */
export function retiredEngineError(error: EngineError, retirement: EngineRetirement): EngineError {
  return new EngineError(
    error.engine,
    'engine.retired',
    `${error.engine} cannot be reached and its service was announced to end around ${retirement.endOfService} (${retirement.source}). The engine is stopped; its tags stay searchable. Move its photos with: tujian engines migrate ${error.engine} --to <engine>. (Last error: ${error.code}: ${error.message})`,
    'stop-engine',
  );
}
