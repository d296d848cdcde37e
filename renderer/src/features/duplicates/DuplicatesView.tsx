// The Duplicates review page: groups of near-duplicate photos side by side (thumbnail, file
// name, folder, dimensions, size, date), the one most worth keeping first. "Keep this one"
// marks the others; they are moved only after a confirmation that names every file, to the
// OS trash or the folder's .tujian-trash, never deleted ([Note: Keep this one never deletes]
// in main/app/duplicate-handlers.ts). "Not duplicates" is remembered.
import { useCallback, useEffect, useState } from 'react';
import type { DuplicateGroups, DuplicatePhotoView } from '../../../../preload/api-contract.ts';
import { useClient } from '../../api/client-context.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { describeError } from '../../lib/errors.ts';
import { baseName, formatBytes, formatDate } from '../../lib/format.ts';

/** A group's decision while the user makes it: which photo is kept (the others are marked). */
type Kept = ReadonlyMap<number, number>;

function groupKey(photos: readonly DuplicatePhotoView[]): number {
  return photos[0]?.photoId ?? 0;
}

/**
 * Where the file is, short enough for a card: the library folder's name and the folders inside
 * it (two copies in one library differ there); the full path is the tooltip.
 */
function folderLabel(photo: DuplicatePhotoView): string {
  const folderName = photo.folderPath.split(/[/\\]/).filter(Boolean).at(-1) ?? photo.folderPath;
  const slash = photo.relPath.lastIndexOf('/');
  return slash < 0 ? folderName : `${folderName}/${photo.relPath.slice(0, slash)}`;
}

function ConfirmTrash(props: {
  files: readonly DuplicatePhotoView[];
  kept: DuplicatePhotoView;
  busy: boolean;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const { t } = useI18n();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') props.onCancel();
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
        if (e.target === e.currentTarget) props.onCancel();
      }}
    >
      <div
        className="modal duplicates-confirm"
        role="alertdialog"
        aria-modal="true"
        aria-label={t('duplicates.confirmTitle', { count: props.files.length })}
        data-testid="duplicates-confirm"
      >
        <header className="modal-header">
          <h2>{t('duplicates.confirmTitle', { count: props.files.length })}</h2>
        </header>
        <div className="modal-body">
          <p>{t('duplicates.confirmWhere')}</p>
          <ul className="duplicates-confirm-files" data-testid="duplicates-confirm-files">
            {props.files.map((file) => (
              <li key={file.photoId}>
                <code>{file.absolutePath}</code>
              </li>
            ))}
          </ul>
          <p className="duplicates-confirm-kept">
            {t('duplicates.confirmKept')} <code>{props.kept.absolutePath}</code>
          </p>
          <div className="duplicates-confirm-actions">
            <button
              type="button"
              className="secondary-button"
              data-testid="duplicates-confirm-cancel"
              autoFocus
              onClick={props.onCancel}
            >
              {t('duplicates.cancel')}
            </button>
            <button
              type="button"
              className="primary-button danger"
              data-testid="duplicates-confirm-move"
              disabled={props.busy}
              onClick={props.onConfirm}
            >
              {t('duplicates.confirmMove', { count: props.files.length })}
            </button>
          </div>
        </div>
      </div>
    </div>
  );
}

export function DuplicatesView(props: {
  version: number;
  /** Files moved or decisions made: the library's views refresh. */
  onChanged: () => void;
  /** Opens a photo in the library, among its similar photos. */
  onShowPhoto: (query: string, photoId: number) => void;
}) {
  const { t, lang } = useI18n();
  const client = useClient();
  const [data, setData] = useState<DuplicateGroups | null>(null);
  const [kept, setKept] = useState<Kept>(new Map());
  const [confirming, setConfirming] = useState<readonly DuplicatePhotoView[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(() => {
    client.api['duplicates.list']({}).then(setData, (e: unknown) => {
      setError(describeError(e, t));
    });
  }, [client, t]);
  useEffect(reload, [reload, props.version]);

  const keep = (group: readonly DuplicatePhotoView[], photoId: number | null) => {
    setKept((current) => {
      const next = new Map(current);
      if (photoId === null) next.delete(groupKey(group));
      else next.set(groupKey(group), photoId);
      return next;
    });
  };

  const moveToTrash = (group: readonly DuplicatePhotoView[]) => {
    const keepId = kept.get(groupKey(group));
    const others = group.filter((p) => p.photoId !== keepId);
    if (keepId === undefined || others.length === 0) return;
    setBusy(true);
    client.api['duplicates.trash']({
      keepPhotoId: keepId,
      photoIds: others.map((p) => p.photoId),
      confirmed: true,
    }).then(
      (result) => {
        setBusy(false);
        setConfirming(null);
        keep(group, null);
        setNote(
          result.failed.length === 0
            ? t('duplicates.moved', { count: result.moved.length })
            : t('duplicates.movedSome', {
                count: result.moved.length,
                failed: result.failed.map((f) => `${f.path}: ${f.message}`).join('; '),
              }),
        );
        setError(null);
        props.onChanged();
        reload();
      },
      (e: unknown) => {
        setBusy(false);
        setConfirming(null);
        setError(describeError(e, t));
      },
    );
  };

  const dismiss = (group: readonly DuplicatePhotoView[]) => {
    client.api['duplicates.dismiss']({ photoIds: group.map((p) => p.photoId) }).then(
      () => {
        keep(group, null);
        setNote(t('duplicates.dismissed'));
        setError(null);
        reload();
      },
      (e: unknown) => {
        setError(describeError(e, t));
      },
    );
  };

  const groups = data?.groups ?? [];
  const confirmingGroup =
    confirming === null
      ? null
      : (groups.find((g) => g.photos.some((p) => p.photoId === confirming[0]?.photoId)) ?? null);
  const confirmingKept =
    confirmingGroup === null
      ? undefined
      : confirmingGroup.photos.find(
          (p) => p.photoId === kept.get(groupKey(confirmingGroup.photos)),
        );

  return (
    <main className="duplicates-view" data-testid="duplicates-view">
      <div className="duplicates-header">
        <h1>{t('duplicates.title')}</h1>
        {data && (
          <span className="duplicates-count" data-testid="duplicates-count">
            {t('duplicates.count', { count: groups.length })}
          </span>
        )}
        {data && data.pending > 0 && (
          <span className="duplicates-pending" role="status">
            {t('duplicates.pending', { count: data.pending })}
          </span>
        )}
      </div>
      <p className="duplicates-hint">{t('duplicates.hint')}</p>
      {note && (
        <p className="duplicates-note" role="status" data-testid="duplicates-note">
          {note}
        </p>
      )}
      {error && <p className="form-error">{error}</p>}
      {data && groups.length === 0 && (
        <p className="duplicates-empty" data-testid="duplicates-empty">
          {t('duplicates.empty')}
        </p>
      )}
      {groups.map((group) => {
        const key = groupKey(group.photos);
        const keptId = kept.get(key);
        const marked = keptId === undefined ? [] : group.photos.filter((p) => p.photoId !== keptId);
        return (
          <section key={key} className="duplicate-group" data-testid="duplicate-group">
            <div className="duplicate-photos">
              {group.photos.map((photo, index) => {
                const isKept = keptId === photo.photoId;
                const isMarked = keptId !== undefined && !isKept;
                return (
                  <figure
                    key={photo.photoId}
                    className={`duplicate-card${isKept ? ' kept' : ''}${isMarked ? ' marked' : ''}`}
                    data-testid="duplicate-photo"
                  >
                    <button
                      type="button"
                      className="duplicate-thumb"
                      title={photo.absolutePath}
                      onClick={() => {
                        props.onShowPhoto(`similar:${String(photo.photoId)}`, photo.photoId);
                      }}
                    >
                      <img
                        src={client.mediaUrl('thumbnail', photo.hash)}
                        alt={baseName(photo.relPath)}
                      />
                      {isKept && (
                        <span className="duplicate-badge kept">{t('duplicates.kept')}</span>
                      )}
                      {isMarked && (
                        <span className="duplicate-badge marked">{t('duplicates.marked')}</span>
                      )}
                    </button>
                    <figcaption>
                      <strong className="duplicate-name" title={photo.relPath}>
                        {baseName(photo.relPath)}
                      </strong>
                      <span className="duplicate-folder" title={photo.absolutePath}>
                        {folderLabel(photo)}
                      </span>
                      <span className="duplicate-facts">
                        {photo.width !== null && photo.height !== null
                          ? `${String(photo.width)} × ${String(photo.height)}`
                          : t('common.none')}
                        {' · '}
                        {formatBytes(photo.size, lang)}
                      </span>
                      <span className="duplicate-facts">
                        {photo.takenAt !== null
                          ? formatDate(photo.takenAt, lang)
                          : t('duplicates.modified', { date: formatDate(photo.mtimeMs, lang) })}
                      </span>
                      <span className="duplicate-facts">
                        {group.photos.some((p) => p !== photo && p.hash === photo.hash)
                          ? t('duplicates.sameFile')
                          : index === 0
                            ? t('duplicates.mostPixels')
                            : t('duplicates.distance', { bits: photo.distance })}
                        {!photo.folderOnline && ` · ${t('duplicates.offline')}`}
                      </span>
                      <button
                        type="button"
                        className={isKept ? 'secondary-button small' : 'text-button'}
                        data-testid="duplicate-keep"
                        aria-pressed={isKept}
                        onClick={() => {
                          keep(group.photos, isKept ? null : photo.photoId);
                        }}
                      >
                        {isKept ? t('duplicates.undoKeep') : t('duplicates.keep')}
                      </button>
                    </figcaption>
                  </figure>
                );
              })}
            </div>
            <div className="duplicate-actions">
              {marked.length > 0 && (
                <button
                  type="button"
                  className="primary-button danger small"
                  data-testid="duplicate-move"
                  onClick={() => {
                    setConfirming(marked);
                  }}
                >
                  {t('duplicates.move', { count: marked.length })}
                </button>
              )}
              <button
                type="button"
                className="text-button"
                data-testid="duplicate-dismiss"
                onClick={() => {
                  dismiss(group.photos);
                }}
              >
                {t('duplicates.notDuplicates')}
              </button>
            </div>
          </section>
        );
      })}
      {confirming && confirmingGroup && confirmingKept && (
        <ConfirmTrash
          files={confirming}
          kept={confirmingKept}
          busy={busy}
          onCancel={() => {
            setConfirming(null);
          }}
          onConfirm={() => {
            moveToTrash(confirmingGroup.photos);
          }}
        />
      )}
    </main>
  );
}
