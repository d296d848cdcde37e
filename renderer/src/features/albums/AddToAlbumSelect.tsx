// "Add to album…": a menu of the manual albums; choosing one adds the photos (an undoable
// bulk change, reported to the toast). A native <select>, so it works from the keyboard.
import { useState } from 'react';
import type { AlbumInfo, BulkChange } from '../../../../preload/api-contract.ts';
import { useClient } from '../../api/client-context.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { describeError } from '../../lib/errors.ts';

export function AddToAlbumSelect(props: {
  photoIds: readonly number[];
  /** Manual albums (smart ones choose their photos by search). */
  albums: readonly AlbumInfo[];
  /** The album on screen is left out: its photos are in it. */
  exceptAlbumId?: number | null;
  onChange: (change: BulkChange) => void;
  testId?: string;
}) {
  const { t } = useI18n();
  const client = useClient();
  const [error, setError] = useState<string | null>(null);
  const albums = props.albums.filter((a) => a.id !== props.exceptAlbumId);
  if (albums.length === 0) return null;
  return (
    <>
      <select
        className="album-select"
        data-testid={props.testId ?? 'add-to-album'}
        aria-label={t('bulk.addToAlbumLabel')}
        value=""
        onChange={(e) => {
          const id = Number(e.target.value);
          if (!id || props.photoIds.length === 0) return;
          client.api['albums.addPhotos']({ id, photoIds: [...props.photoIds] }).then(
            (change) => {
              setError(null);
              props.onChange(change);
            },
            (err: unknown) => {
              setError(describeError(err, t));
            },
          );
        }}
      >
        <option value="">{t('bulk.addToAlbum')}</option>
        {albums.map((album) => (
          <option key={album.id} value={album.id}>
            {album.name}
          </option>
        ))}
      </select>
      {error && <span className="warn">{error}</span>}
    </>
  );
}
