// Moving photos off a retiring engine from its settings card — the UI of
// `tujian engines migrate <from> --to <engine> [query]` (main/app/engine-migration.ts): pick
// the engine to move to, optionally narrow with a search query, see the estimate (photos,
// paid calls, folders where the target is off, budget left), then queue them. The queued
// jobs run like any other: per-folder enable, budget, pause and never-pay-twice apply.
import { useState } from 'react';
import type { EngineId, EngineMigrationEstimate } from '../../../../preload/api-contract.ts';
import { useClient } from '../../api/client-context.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { describeError } from '../../lib/errors.ts';

export function EngineMigrationPanel(props: { from: EngineId; targets: readonly EngineId[] }) {
  const { t } = useI18n();
  const client = useClient();
  const [to, setTo] = useState<EngineId | ''>(props.targets[0] ?? '');
  const [query, setQuery] = useState('');
  const [estimate, setEstimate] = useState<EngineMigrationEstimate | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const ask = (queue: boolean) => {
    if (to === '') return;
    setBusy(true);
    setMessage(null);
    client.api['settings.migrateEngine']({
      from: props.from,
      to,
      queue,
      ...(query.trim() === '' ? {} : { query }),
    })
      .then(
        (r) => {
          setEstimate(r.estimate);
          if (queue)
            setMessage({
              ok: true,
              text: t('settings.migrateQueued', {
                queued: r.queued,
                to: t(`engine.${to}`),
              }),
            });
        },
        (e: unknown) => {
          setMessage({ ok: false, text: describeError(e, t) });
        },
      )
      .finally(() => {
        setBusy(false);
      });
  };

  if (props.targets.length === 0) {
    return (
      <div className="engine-migration" data-testid="engine-migration">
        <p className="field-hint">{t('settings.migrateNoTargets')}</p>
      </div>
    );
  }
  const toName = to === '' ? '' : t(`engine.${to}`);
  return (
    <div className="engine-migration" data-testid="engine-migration">
      <h4>{t('settings.migrateTitle')}</h4>
      <div className="field-grid">
        <label className="field">
          <span className="field-label">{t('settings.migrateTo')}</span>
          <select
            data-testid="migration-target"
            value={to}
            onChange={(e) => {
              setTo(props.targets.find((id) => id === e.target.value) ?? '');
              setEstimate(null);
            }}
          >
            {props.targets.map((id) => (
              <option key={id} value={id}>
                {t(`engine.${id}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">{t('settings.migrateQuery')}</span>
          <input
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
        <p className="field-hint" data-testid="migration-estimate">
          {t('settings.migrateSummary', {
            photos: estimate.photos,
            contents: estimate.contents,
            from: t(`engine.${estimate.from}`),
            to: toName,
            calls: estimate.calls,
            answered: estimate.alreadyAnswered,
            queued: estimate.alreadyQueued,
          })}
          {estimate.notEnabled > 0 &&
            ` ${t('settings.migrateNotEnabled', {
              count: estimate.notEnabled,
              to: toName,
              folders: estimate.foldersToEnable.join(', '),
            })}`}
          {estimate.budgetRemaining !== null &&
            ` ${t('settings.migrateBudget', { remaining: estimate.budgetRemaining })}`}
        </p>
      )}
      {/* Not `.engine-actions`: that is the card's own row, which tests and styles address. */}
      <div className="migration-actions">
        {message && <span className={message.ok ? 'ok' : 'warn'}>{message.text}</span>}
        <span className="toolbar-spacer" />
        <button
          type="button"
          className="secondary-button"
          data-testid="migration-estimate-button"
          disabled={busy}
          onClick={() => {
            ask(false);
          }}
        >
          {t('settings.migrateEstimate')}
        </button>
        <button
          type="button"
          className="primary-button"
          data-testid="migration-queue"
          disabled={busy || estimate === null || estimate.calls === 0}
          onClick={() => {
            ask(true);
          }}
        >
          {t('settings.migrateQueue', { calls: estimate?.calls ?? 0 })}
        </button>
      </div>
    </div>
  );
}
