// The sidebar's "My albums": manual albums (photos the user picks, in the user's order),
// listed apart from smart albums, with "New album" and delete.
import { useState } from 'react';
import type { AlbumInfo } from '../../../../preload/api-contract.ts';
import { useClient } from '../../api/client-context.tsx';
import { Icon } from '../../components/Icon.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { describeError } from '../../lib/errors.ts';
import { AlbumNameForm, AlbumRow } from './album-list-parts.tsx';

export function ManualAlbumsSection(props: {
  albums: readonly AlbumInfo[] | null;
  activeAlbumId: number | null;
  onOpenAlbum: (album: AlbumInfo | null) => void;
  onAlbumsChanged: () => void;
  onAlbumCreated: (album: AlbumInfo) => void;
}) {
  const { t } = useI18n();
  const client = useClient();
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);

  const create = () => {
    const clean = name.trim();
    if (clean === '') return;
    client.api['albums.createManual']({ name: clean }).then(
      (album) => {
        setNaming(false);
        setName('');
        setError(null);
        props.onAlbumCreated(album);
      },
      (e: unknown) => {
        setError(describeError(e, t));
      },
    );
  };

  return (
    <section className="side-section" data-testid="manual-albums">
      <div className="side-heading">
        <span>{t('manualAlbums.title')}</span>
        <button
          type="button"
          className="mini-button"
          data-testid="new-manual-album"
          title={t('manualAlbums.new')}
          aria-label={t('manualAlbums.new')}
          onClick={() => {
            setNaming(true);
          }}
        >
          <Icon name="plus" size={14} />
        </button>
      </div>
      {naming && (
        <AlbumNameForm
          value={name}
          onChange={setName}
          onCreate={create}
          onCancel={() => {
            setNaming(false);
          }}
          inputTestId="manual-album-name"
          createTestId="manual-album-create"
        />
      )}
      {error && <p className="side-hint warn">{error}</p>}
      {props.albums?.length === 0 && !naming && (
        <p className="side-hint">{t('manualAlbums.empty')}</p>
      )}
      <ul className="side-list" data-testid="manual-album-list">
        {props.albums?.map((album) => (
          <AlbumRow
            key={album.id}
            album={album}
            activeAlbumId={props.activeAlbumId}
            title={t('manualAlbums.manual')}
            deleteLabel={`${t('albums.delete')} ${album.name}`}
            markCurrent
            onOpenAlbum={props.onOpenAlbum}
            onAlbumsChanged={props.onAlbumsChanged}
            onError={setError}
          />
        ))}
      </ul>
    </section>
  );
}
