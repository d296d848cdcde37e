// The web host's Add folder browser (issue 16 item 6): a browser page cannot open a native
// dialog on the server's disk, so the server lists folders (`folders.browse`, token-protected
// like every call). Starts at the home folder and clicks never leave it; a path typed in the
// box may go anywhere ([Note: The folder browser stays under home unless a path is typed]).
import { useCallback, useEffect, useState } from 'react';
import type { FolderListing } from '../../../../preload/api-contract.ts';
import { useClient } from '../../api/client-context.tsx';
import { Icon } from '../../components/Icon.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { describeError } from '../../lib/errors.ts';

export function FolderBrowser(props: { onChoose: (path: string) => void; onClose: () => void }) {
  const { t } = useI18n();
  const client = useClient();
  const [listing, setListing] = useState<FolderListing | null>(null);
  const [typedPath, setTypedPath] = useState('');
  const [showHidden, setShowHidden] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const open = useCallback(
    (path: string | null, typed: boolean, hidden: boolean) => {
      client.api['folders.browse']({ path, typed, showHidden: hidden }).then(
        (next) => {
          setListing(next);
          setTypedPath(next.path);
          setError(null);
        },
        (e: unknown) => {
          setError(describeError(e, t));
        },
      );
    },
    [client, t],
  );

  useEffect(() => {
    open(null, false, false);
  }, [open]);

  // Clicks keep the typed flag of where the user is: outside home only after typing a path.
  const roaming = listing !== null && !isUnder(listing.path, listing.home);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') props.onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
    };
  }, [props]);

  return (
    <div
      className="modal-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) props.onClose();
      }}
    >
      <div
        className="modal folder-browser"
        role="dialog"
        aria-modal="true"
        aria-label={t('browse.title')}
        data-testid="folder-browser"
      >
        <header className="modal-header">
          <h2>{t('browse.title')}</h2>
          <span className="spacer" />
          <button
            type="button"
            className="icon-button"
            aria-label={t('common.close')}
            onClick={props.onClose}
          >
            <Icon name="close" />
          </button>
        </header>
        <div className="modal-body">
          <form
            className="browse-path"
            onSubmit={(e) => {
              e.preventDefault();
              if (typedPath.trim() !== '') open(typedPath.trim(), true, showHidden);
            }}
          >
            <button
              type="button"
              className="text-button"
              data-testid="browse-up"
              disabled={!listing?.parent}
              onClick={() => {
                if (listing?.parent) open(listing.parent, roaming, showHidden);
              }}
            >
              <Icon name="left" size={14} />
              {t('browse.up')}
            </button>
            <input
              data-testid="browse-path"
              value={typedPath}
              aria-label={t('browse.path')}
              onChange={(e) => {
                setTypedPath(e.target.value);
              }}
            />
            <button type="submit" className="text-button">
              {t('browse.go')}
            </button>
          </form>
          <label className="switch-row">
            <input
              type="checkbox"
              data-testid="browse-hidden"
              checked={showHidden}
              onChange={(e) => {
                setShowHidden(e.target.checked);
                if (listing) open(listing.path, roaming, e.target.checked);
              }}
            />
            <span>{t('browse.showHidden')}</span>
          </label>
          {error && (
            <p className="side-error" role="alert">
              {error}
            </p>
          )}
          <ul className="browse-list" data-testid="browse-list">
            {listing?.folders.length === 0 && <li className="side-hint">{t('browse.empty')}</li>}
            {listing?.folders.map((folder) => (
              <li key={folder.path}>
                <button
                  type="button"
                  className="browse-entry"
                  data-testid="browse-entry"
                  title={folder.path}
                  onClick={() => {
                    open(folder.path, roaming, showHidden);
                  }}
                >
                  <Icon name="folder" size={16} />
                  <span>{folder.name}</span>
                </button>
              </li>
            ))}
          </ul>
          <div className="inline-form-actions">
            <button type="button" className="text-button" onClick={props.onClose}>
              {t('albums.cancel')}
            </button>
            <button
              type="button"
              className="primary-button small"
              data-testid="browse-choose"
              disabled={!listing}
              onClick={() => {
                if (listing) props.onChoose(listing.path);
              }}
            >
              {t('browse.choose')}
            </button>
          </div>
        </div>
      </div>
    </div>
  );
}

function isUnder(path: string, home: string): boolean {
  return (
    path === home ||
    path.startsWith(home.endsWith('/') ? home : `${home}/`) ||
    path.startsWith(`${home}\\`)
  );
}
