// The toast under the grid that says what a bulk change did ("Tagged 12 photos ‘beach’ ·
// Undo") and disappears after a while (not while the pointer or focus is on it, so Undo can
// be reached). The live region is always in the page, so screen readers announce each new
// message (role=status: polite).
import { useEffect, useState } from 'react';
import { Icon } from '../../components/Icon.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { describeBulkChange } from '../../lib/bulk-change-text.ts';
import { describeError } from '../../lib/errors.ts';
import type { BulkToastState } from './use-bulk-toast.ts';

const visibleMs = 8000;

export function BulkToast(props: {
  toast: BulkToastState | null;
  onUndo: () => void;
  onDismiss: () => void;
}) {
  const { t, lang } = useI18n();
  const [held, setHeld] = useState(false);
  const { toast, onDismiss } = props;
  useEffect(() => {
    if (!toast || held) return;
    const timer = window.setTimeout(onDismiss, visibleMs);
    return () => {
      window.clearTimeout(timer);
    };
  }, [toast, held, onDismiss]);

  let text = '';
  if (toast) {
    const what = describeBulkChange(toast.change, t, lang);
    text = toast.undone ? t('toast.undone', { what }) : what;
  }
  return (
    <div className="toast-region" role="status" aria-live="polite" data-testid="toast-region">
      {toast && (
        <div
          className="toast"
          data-testid="toast"
          onMouseEnter={() => {
            setHeld(true);
          }}
          onMouseLeave={() => {
            setHeld(false);
          }}
          onFocus={() => {
            setHeld(true);
          }}
          onBlur={() => {
            setHeld(false);
          }}
        >
          <Icon name={toast.undone ? 'refresh' : 'check'} size={16} />
          <span className="toast-text" data-testid="toast-text">
            {text}
          </span>
          {toast.error !== null && <span className="warn">{describeError(toast.error, t)}</span>}
          {!toast.undone && toast.error === null && (
            <>
              <span aria-hidden="true">·</span>
              <button
                type="button"
                className="toast-action"
                data-testid="toast-undo"
                onClick={props.onUndo}
              >
                {t('toast.undo')}
              </button>
            </>
          )}
          <button
            type="button"
            className="toast-close"
            aria-label={t('toast.dismiss')}
            title={t('toast.dismiss')}
            onClick={onDismiss}
          >
            <Icon name="close" size={14} />
          </button>
        </div>
      )}
    </div>
  );
}
