// The top-bar button that opens the activity panel; shows a ring while work is queued.
import type { ActivityStatus } from '../../../../preload/api-contract.ts';
import { Icon } from '../../components/Icon.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { formatCount } from '../../lib/format.ts';

export function ActivityButton(props: {
  status: ActivityStatus | null;
  active: boolean;
  onClick: () => void;
}) {
  const { t, lang } = useI18n();
  const s = props.status;
  const waiting = s ? s.ingest.queued + s.engines.reduce((n, e) => n + e.queued + e.running, 0) : 0;
  const failed = s ? s.ingest.failed + s.engines.reduce((n, e) => n + e.failed, 0) : 0;
  return (
    <button
      type="button"
      className={`activity-button${props.active ? ' active' : ''}${waiting > 0 ? ' busy' : ''}`}
      data-testid="open-activity"
      title={t('activity.title')}
      onClick={props.onClick}
    >
      <Icon name="activity" />
      <span>{waiting > 0 ? formatCount(waiting, lang) : t('activity.idle')}</span>
      {failed > 0 && <span className="badge">{formatCount(failed, lang)}</span>}
      {s?.diskFull && (
        <span className="badge" data-testid="activity-disk-full-badge" title={s.diskFull}>
          !
        </span>
      )}
    </button>
  );
}
