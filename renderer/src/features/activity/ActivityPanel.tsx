// The activity drawer: per engine a progress bar with rate and ETA, pause/resume, budget
// use; the failures list with reasons and retry.
import { useCallback, useEffect, useState } from 'react';
import type {
  ActivityStatus,
  EngineActivity,
  JobFailure,
} from '../../../../preload/api-contract.ts';
import { useClient } from '../../api/client-context.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Icon } from '../../components/Icon.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { describeError } from '../../lib/errors.ts';
import { formatCount, formatDate, formatDuration } from '../../lib/format.ts';
import { engineLabel } from '../../lib/engine-names.ts';

export function ActivityPanel({
  status,
  onClose,
}: {
  status: ActivityStatus | null;
  onClose: () => void;
}) {
  const { t, lang } = useI18n();
  const client = useClient();
  const [failures, setFailures] = useState<JobFailure[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const loadFailures = useCallback(() => {
    client.api['activity.failures']({ limit: 100 }).then(setFailures, (e: unknown) => {
      setError(describeError(e, t));
    });
  }, [client, t]);
  const failedCount = status
    ? status.ingest.failed + status.engines.reduce((n, e) => n + e.failed, 0)
    : 0;
  useEffect(loadFailures, [loadFailures, failedCount]);

  const act = (p: Promise<unknown>) => {
    p.then(loadFailures, (e: unknown) => {
      setError(describeError(e, t));
    });
  };
  const allPaused =
    status !== null && status.engines.length > 0 && status.engines.every((e) => e.paused);

  return (
    <aside className="drawer" aria-label={t('activity.title')} data-testid="activity-panel">
      <header className="drawer-header">
        <h2>{t('activity.title')}</h2>
        <button
          type="button"
          className="secondary-button small"
          onClick={() => {
            act(client.api['activity.pause']({ engine: null, paused: !allPaused }));
          }}
        >
          <Icon name={allPaused ? 'play' : 'pause'} size={14} />
          {allPaused ? t('activity.resumeAll') : t('activity.pauseAll')}
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label={t('common.close')}
          onClick={onClose}
        >
          <Icon name="close" />
        </button>
      </header>
      <div className="drawer-body">
        {error && (
          <div className="inline-error" role="alert">
            {error}
          </div>
        )}
        {status?.diskFull && (
          <div className="inline-error" role="alert" data-testid="activity-disk-full">
            {t('activity.diskFull', { detail: status.diskFull })}
          </div>
        )}
        {status && (
          <div className="activity-row" data-testid="activity-ingest">
            <div className="activity-title">
              <span>{t('activity.ingest')}</span>
              {status.ingest.paused && (
                <span className="pill" data-testid="ingest-paused">
                  {t('activity.paused')}
                </span>
              )}
              <span className="muted">
                {status.ingest.queued > 0
                  ? t('activity.queued', { count: formatCount(status.ingest.queued, lang) })
                  : t('activity.done', { count: formatCount(status.ingest.photos, lang) })}
              </span>
            </div>
            <Progress done={status.ingest.photos} remaining={status.ingest.queued} />
          </div>
        )}
        {status?.engines.length === 0 && <p className="side-hint">{t('activity.noEngines')}</p>}
        {status?.engines.map((engine) => (
          <EngineRow
            key={engine.engine}
            engine={engine}
            onPause={(paused) => {
              act(client.api['activity.pause']({ engine: engine.engine, paused }));
            }}
          />
        ))}
        <section className="failures">
          <div className="failures-header">
            <h3>{t('activity.failures')}</h3>
            {failures !== null && failures.length > 0 && (
              <button
                type="button"
                className="text-button"
                onClick={() => {
                  act(client.api['activity.retry']({ jobIds: null }));
                }}
              >
                <Icon name="refresh" size={14} />
                {t('activity.retryAll')}
              </button>
            )}
          </div>
          {failures?.length === 0 && <EmptyState icon="check" title={t('activity.noFailures')} />}
          <ul className="failure-list">
            {failures?.map((f) => (
              <li key={f.jobId} className="failure">
                <div className="failure-main">
                  <span className="failure-path" title={f.path ?? ''}>
                    {f.path ?? `#${f.jobId}`}
                  </span>
                  <span className="failure-reason">
                    {f.code && <code>{f.code}</code>} {f.reason}
                  </span>
                  <span className="muted small">
                    {f.engine ? `${engineLabel(f.engine, t)} · ` : ''}
                    {t('activity.attempts', { count: f.attempts })} ·{' '}
                    {formatDate(f.updatedAt, lang)}
                  </span>
                </div>
                <button
                  type="button"
                  className="secondary-button small"
                  onClick={() => {
                    act(client.api['activity.retry']({ jobIds: [f.jobId] }));
                  }}
                >
                  {t('activity.retry')}
                </button>
              </li>
            ))}
          </ul>
        </section>
      </div>
    </aside>
  );
}

function EngineRow({
  engine,
  onPause,
}: {
  engine: EngineActivity;
  onPause: (paused: boolean) => void;
}) {
  const { t, lang } = useI18n();
  const remaining = engine.queued + engine.running;
  return (
    <div className="activity-row" data-testid={`activity-${engine.engine}`}>
      <div className="activity-title">
        <span>{t(`engine.${engine.engine}`)}</span>
        {engine.paused && <span className="pill">{t('activity.paused')}</span>}
        <span className="toolbar-spacer" />
        <button
          type="button"
          className="icon-button small"
          aria-label={engine.paused ? t('activity.resume') : t('activity.pause')}
          title={engine.paused ? t('activity.resume') : t('activity.pause')}
          onClick={() => {
            onPause(!engine.paused);
          }}
        >
          <Icon name={engine.paused ? 'play' : 'pause'} size={14} />
        </button>
      </div>
      <Progress done={engine.done} remaining={remaining} />
      <div className="activity-stats muted small">
        <span>{t('activity.done', { count: formatCount(engine.done, lang) })}</span>
        {remaining > 0 && (
          <span>{t('activity.queued', { count: formatCount(remaining, lang) })}</span>
        )}
        {engine.ratePerMinute > 0 && (
          <span>
            {engine.ratePerMinute === 1
              ? t('activity.rateOne')
              : t('activity.rate', { rate: formatCount(engine.ratePerMinute, lang) })}
          </span>
        )}
        {remaining > 0 && !engine.paused && engine.etaSeconds !== null && (
          <span>{t('activity.eta', { time: formatDuration(engine.etaSeconds, lang) })}</span>
        )}
        {engine.failed > 0 && (
          <span className="warn">
            {t('activity.failed', { count: formatCount(engine.failed, lang) })}
          </span>
        )}
      </div>
      {engine.stoppedReason && (
        <div className="inline-error">
          {t('activity.stopped', { reason: engine.stoppedReason })}
        </div>
      )}
      {engine.budget && (
        <div className="muted small">
          {engine.budget.limit !== null
            ? t('activity.budget', {
                used: formatCount(engine.budget.used, lang),
                limit: formatCount(engine.budget.limit, lang),
              })
            : t('activity.budgetNoLimit', { used: formatCount(engine.budget.used, lang) })}
        </div>
      )}
    </div>
  );
}

function Progress({ done, remaining }: { done: number; remaining: number }) {
  const total = done + remaining;
  const share = total === 0 ? 1 : done / total;
  return (
    <div
      className="progress"
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={done}
    >
      <div className="progress-fill" style={{ width: `${Math.round(share * 1000) / 10}%` }} />
    </div>
  );
}
