// Moving photos off a retiring engine (Huawei's end of service), as `tujian engines migrate`
// does in the CLI: pick the engine that takes over, optionally narrow with a query, see what it
// would cost, then queue. The old engine's tags stay on the photos.
import { useState } from 'react';
import type {
  EngineId,
  EngineMigrationEstimate,
  EngineSettingsView,
} from '../../../../preload/api-contract.ts';
import { useClient } from '../../api/client-context.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { describeError } from '../../lib/errors.ts';
import { engineLabel } from '../../lib/engine-names.ts';
import { formatCount } from '../../lib/format.ts';

export function EngineMigration(props: { from: EngineId; engines: readonly EngineSettingsView[] }) {
  const { t, lang } = useI18n();
  const client = useClient();
  // Engines that can take over, the ready ones first (set up and on).
  const targets = props.engines
    .filter((e) => e.engine !== props.from)
    .sort((a, b) => Number(isReady(b)) - Number(isReady(a)));
  const [to, setTo] = useState<EngineId | ''>(targets.find(isReady)?.engine ?? '');
  const [query, setQuery] = useState('');
  const [estimate, setEstimate] = useState<EngineMigrationEstimate | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const fromName = engineLabel(props.from, t);
  const toName = to === '' ? '' : engineLabel(to, t);

  const run = <T,>(work: Promise<T>, then: (value: T) => void) => {
    setBusy(true);
    setMessage(null);
    work
      .then(then, (e: unknown) => {
        setMessage({ ok: false, text: describeError(e, t) });
      })
      .finally(() => {
        setBusy(false);
      });
  };

  return (
    <fieldset className="engine-migration" data-testid="engine-migration">
      <legend>{t('migrate.title')}</legend>
      <p className="field-hint">{t('migrate.hint', { engine: fromName })}</p>
      <div className="field-grid">
        <label className="field">
          <span className="field-label">{t('migrate.to')}</span>
          <select
            data-testid="migrate-to"
            value={to}
            onChange={(e) => {
              setTo(e.target.value as EngineId | '');
              setEstimate(null);
            }}
          >
            <option value="">—</option>
            {targets.map((e) => (
              <option key={e.engine} value={e.engine}>
                {engineLabel(e.engine, t)}
                {isReady(e) ? '' : ` ${t('migrate.notReady')}`}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">{t('migrate.query')}</span>
          <input
            data-testid="migrate-query"
            value={query}
            spellCheck={false}
            onChange={(e) => {
              setQuery(e.target.value);
              setEstimate(null);
            }}
          />
        </label>
      </div>
      {estimate && (
        <ul className="migration-estimate" data-testid="migrate-estimate">
          <li>
            {t('migrate.summary', {
              photos: formatCount(estimate.photos, lang),
              contents: formatCount(estimate.contents, lang),
              engine: toName,
              calls: formatCount(estimate.calls, lang),
            })}
          </li>
          {estimate.alreadyAnswered > 0 && (
            <li>
              {t('migrate.answered', {
                engine: toName,
                count: formatCount(estimate.alreadyAnswered, lang),
              })}
            </li>
          )}
          {estimate.alreadyQueued > 0 && (
            <li>
              {t('migrate.alreadyQueued', { count: formatCount(estimate.alreadyQueued, lang) })}
            </li>
          )}
          {estimate.notEnabled > 0 && (
            <li className="warn" data-testid="migrate-not-enabled">
              {t('migrate.notEnabled', {
                engine: toName,
                count: formatCount(estimate.notEnabled, lang),
                folders: estimate.foldersToEnable.join(', '),
              })}
            </li>
          )}
          {estimate.budgetRemaining !== null && (
            <li>{t('migrate.budget', { count: formatCount(estimate.budgetRemaining, lang) })}</li>
          )}
        </ul>
      )}
      <div className="migration-actions">
        {message && (
          <span className={message.ok ? 'ok' : 'warn'} data-testid="migrate-message">
            {message.text}
          </span>
        )}
        <span className="toolbar-spacer" />
        <button
          type="button"
          className="secondary-button"
          data-testid="migrate-estimate-button"
          disabled={busy || to === ''}
          onClick={() => {
            if (to === '') return;
            run(
              client.api['engines.migrationEstimate']({ from: props.from, to, query }),
              setEstimate,
            );
          }}
        >
          {t('migrate.estimate')}
        </button>
        <button
          type="button"
          className="primary-button"
          data-testid="migrate-queue"
          disabled={busy || to === '' || estimate === null || estimate.calls === 0}
          onClick={() => {
            if (to === '') return;
            run(client.api['engines.migrate']({ from: props.from, to, query }), (result) => {
              setEstimate(null);
              setMessage({
                ok: true,
                text: t('migrate.queued', {
                  engine: toName,
                  count: formatCount(result.queued, lang),
                }),
              });
            });
          }}
        >
          {t('migrate.queue', { engine: toName })}
        </button>
      </div>
    </fieldset>
  );
}

function isReady(engine: EngineSettingsView): boolean {
  return engine.enabled && engine.problem === null;
}
