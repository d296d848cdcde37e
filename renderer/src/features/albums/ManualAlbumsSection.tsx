// The sidebar's "My albums": manual albums (photos the user picks, in the user's order),
// listed apart from smart albums, with "New album" and delete.
import { useState } from 'react';
import type { AlbumInfo } from '../../../../preload/api-contract.ts';
import { useClient } from '../../api/client-context.tsx';
import { Icon } from '../../components/Icon.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { describeError } from '../../lib/errors.ts';
import { formatCount } from '../../lib/format.ts';

export function ManualAlbumsSection(props: {
  albums: readonly AlbumInfo[] | null;
  activeAlbumId: number | null;
  onOpenAlbum: (album: AlbumInfo | null) => void;
  onAlbumsChanged: () => void;
  onAlbumCreated: (album: AlbumInfo) => void;
}) {
  const { t, lang } = useI18n();
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
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            create();
          }}
        >
          <input
            autoFocus
            data-testid="manual-album-name"
            value={name}
            placeholder={t('albums.namePrompt')}
            onChange={(e) => {
              setName(e.target.value);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setNaming(false);
            }}
          />
          <div className="inline-form-actions">
            <button
              type="button"
              className="text-button"
              onClick={() => {
                setNaming(false);
              }}
            >
              {t('albums.cancel')}
            </button>
            <button
              type="submit"
              className="primary-button small"
              data-testid="manual-album-create"
            >
              {t('albums.create')}
            </button>
          </div>
        </form>
      )}
      {error && <p className="side-hint warn">{error}</p>}
      {props.albums?.length === 0 && !naming && (
        <p className="side-hint">{t('manualAlbums.empty')}</p>
      )}
      <ul className="side-list" data-testid="manual-album-list">
        {props.albums?.map((album) => (
          <li key={album.id} className="side-row">
            <button
              type="button"
              className={`nav-item${props.activeAlbumId === album.id ? ' active' : ''}`}
              title={t('manualAlbums.manual')}
              aria-current={props.activeAlbumId === album.id ? 'page' : undefined}
              onClick={() => {
                props.onOpenAlbum(album);
              }}
            >
              <Icon name="album" />
              <span className="nav-label">{album.name}</span>
              {album.count !== null && (
                <span className="count">{formatCount(album.count, lang)}</span>
              )}
            </button>
            <button
              type="button"
              className="row-action"
              title={t('albums.delete')}
              aria-label={`${t('albums.delete')} ${album.name}`}
              onClick={() => {
                if (window.confirm(t('albums.deleteConfirm', { name: album.name }))) {
                  client.api['albums.delete']({ id: album.id }).then(
                    () => {
                      if (props.activeAlbumId === album.id) props.onOpenAlbum(null);
                      props.onAlbumsChanged();
                    },
                    (e: unknown) => {
                      setError(describeError(e, t));
                    },
                  );
                }
              }}
            >
              <Icon name="trash" size={14} />
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
