// Shown when photos are selected: how many; a tag to add to all of them or remove from all
// of them; "Add to album…". In a manual album also: move the photos earlier or later in the
// album's order (keyboard-reachable buttons) and remove them from the album. Tag and album
// additions are undoable bulk changes, reported to the toast (features/albums).
import { useState } from 'react';
import type { AlbumInfo, BulkChange } from '../../../../preload/api-contract.ts';
import { useClient } from '../../api/client-context.tsx';
import { Icon } from '../../components/Icon.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { describeError } from '../../lib/errors.ts';
import { formatCount } from '../../lib/format.ts';
import { AddToAlbumSelect } from '../albums/AddToAlbumSelect.tsx';
import { moveTarget, type AlbumOrder } from '../../lib/album-order.ts';

export function SelectionBar({
  selected,
  onClear,
  manualAlbums,
  albumOrder,
  onBulkChange,
}: {
  selected: number[];
  onClear: () => void;
  manualAlbums: readonly AlbumInfo[];
  /** Set while a manual album is on screen. */
  albumOrder: AlbumOrder | null;
  onBulkChange: (change: BulkChange) => void;
}) {
  const { t, lang } = useI18n();
  const client = useClient();
  const [tag, setTag] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const fail = (error: unknown) => {
    setMessage(describeError(error, t));
  };
  const done = (change: BulkChange) => {
    setTag('');
    setMessage(null);
    onBulkChange(change);
  };
  const name = tag.trim();
  const ordered = albumOrder
    ? [...selected].sort((a, b) => albumOrder.ids.indexOf(a) - albumOrder.ids.indexOf(b))
    : selected;
  const move = (direction: 'earlier' | 'later') => {
    if (!albumOrder) return;
    const target = moveTarget(albumOrder, selected, direction);
    if (!target) return;
    client.api['albums.movePhotos']({
      id: albumOrder.albumId,
      photoIds: ordered,
      beforePhotoId: target.beforePhotoId,
    }).then(() => {
      setMessage(null);
    }, fail);
  };
  return (
    <div className="selection-bar" data-testid="selection-bar">
      <span className="selection-count">
        {t('grid.selected', { count: formatCount(selected.length, lang) })}
      </span>
      <form
        className="selection-tag"
        onSubmit={(e) => {
          e.preventDefault();
          if (name === '') return;
          client.api['bulk.addTag']({ photoIds: selected, name }).then(done, fail);
        }}
      >
        <Icon name="tag" size={14} />
        <input
          value={tag}
          placeholder={t('bulk.tagPlaceholder')}
          aria-label={t('bulk.tagPlaceholder')}
          onChange={(e) => {
            setTag(e.target.value);
          }}
        />
        <button type="submit" className="primary-button small" disabled={name === ''}>
          {t('photo.add')}
        </button>
        <button
          type="button"
          className="secondary-button small"
          data-testid="bulk-remove-tag"
          disabled={name === ''}
          onClick={() => {
            client.api['bulk.removeTag']({ photoIds: selected, tag: name }).then(done, fail);
          }}
        >
          {t('bulk.removeTag')}
        </button>
      </form>
      <AddToAlbumSelect
        photoIds={ordered}
        albums={manualAlbums}
        exceptAlbumId={albumOrder?.albumId ?? null}
        onChange={(change) => {
          setMessage(null);
          onBulkChange(change);
        }}
      />
      {albumOrder && (
        <div className="album-order-actions" role="group" aria-label={t('albumPhotos.orderHint')}>
          <button
            type="button"
            className="secondary-button small"
            data-testid="album-move-earlier"
            disabled={!moveTarget(albumOrder, selected, 'earlier')}
            onClick={() => {
              move('earlier');
            }}
          >
            <Icon name="left" size={14} />
            {t('albumPhotos.moveEarlier')}
          </button>
          <button
            type="button"
            className="secondary-button small"
            data-testid="album-move-later"
            disabled={!moveTarget(albumOrder, selected, 'later')}
            onClick={() => {
              move('later');
            }}
          >
            {t('albumPhotos.moveLater')}
            <Icon name="right" size={14} />
          </button>
          <button
            type="button"
            className="secondary-button small"
            data-testid="album-remove-photos"
            onClick={() => {
              client.api['albums.removePhotos']({
                id: albumOrder.albumId,
                photoIds: selected,
              }).then((change) => {
                setMessage(null);
                onClear();
                onBulkChange(change);
              }, fail);
            }}
          >
            <Icon name="trash" size={14} />
            {t('albumPhotos.remove')}
          </button>
        </div>
      )}
      {message && <span className="warn">{message}</span>}
      <button type="button" className="text-button" onClick={onClear}>
        {t('grid.clearSelection')}
      </button>
    </div>
  );
}
