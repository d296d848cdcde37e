// The left column: the whole library, smart albums (saved searches; create one from the
// current search), and the folders with their online state, counts and engine switches.
import { useEffect, useRef, useState } from 'react';
import {
  engineIds,
  type AlbumInfo,
  type EngineId,
  type FolderInfo,
} from '../../../../preload/api-contract.ts';
import { useClient } from '../../api/client-context.tsx';
import { Icon } from '../../components/Icon.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { describeError } from '../../lib/errors.ts';
import { formatCount } from '../../lib/format.ts';
import { FolderBrowser } from './FolderBrowser.tsx';
import { AlbumNameForm, AlbumRow } from '../albums/album-list-parts.tsx';
import { ManualAlbumsSection } from '../albums/ManualAlbumsSection.tsx';

export function Sidebar(props: {
  folders: FolderInfo[] | null;
  albums: AlbumInfo[] | null;
  activeAlbumId: number | null;
  query: string;
  canPickFolder: boolean;
  addFolderSignal: number;
  onOpenAlbum: (album: AlbumInfo | null) => void;
  peopleActive: boolean;
  onOpenPeople: () => void;
  duplicatesActive: boolean;
  onOpenDuplicates: () => void;
  mapActive: boolean;
  onOpenMap: () => void;
  onQuery: (query: string) => void;
  onFoldersChanged: () => void;
  onAlbumsChanged: () => void;
  onAlbumCreated: (album: AlbumInfo) => void;
}) {
  const { t, lang } = useI18n();
  const client = useClient();
  const [naming, setNaming] = useState(false);
  const [albumName, setAlbumName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [addingPath, setAddingPath] = useState<string | null>(null);
  const [browsing, setBrowsing] = useState(false);
  const [expanded, setExpanded] = useState<number | null>(null);
  const [rescanning, setRescanning] = useState<number | null>(null);
  // Kept untranslated, so a language switch re-renders it in the new language.
  const [rescanNote, setRescanNote] = useState<Parameters<typeof t> | null>(null);

  const startRef = useRef<() => void>(() => undefined);
  useEffect(() => {
    if (props.addFolderSignal > 0) startRef.current();
  }, [props.addFolderSignal]);

  const allActive =
    !props.peopleActive &&
    !props.duplicatesActive &&
    !props.mapActive &&
    props.activeAlbumId === null &&
    props.query === '';
  // Manual albums have their own section below (ManualAlbumsSection).
  const smartAlbums = props.albums?.filter((a) => a.kind === 'smart') ?? null;

  const createAlbum = () => {
    const name = albumName.trim();
    if (name === '') return;
    client.api['albums.create']({ name, query: props.query }).then(
      (album) => {
        setNaming(false);
        setAlbumName('');
        setError(null);
        props.onAlbumCreated(album);
      },
      (e: unknown) => {
        setError(describeError(e, t));
      },
    );
  };

  const addFolder = (path: string) => {
    client.api['folders.add']({ path }).then(
      () => {
        setAddingPath(null);
        setError(null);
        props.onFoldersChanged();
      },
      (e: unknown) => {
        setError(describeError(e, t));
      },
    );
  };

  const startAddFolder = () => {
    if (props.canPickFolder) {
      client.api['folders.pick']({}).then(
        ({ path }) => {
          if (path) addFolder(path);
        },
        (e: unknown) => {
          setError(describeError(e, t));
        },
      );
    } else {
      setAddingPath('');
    }
  };

  startRef.current = startAddFolder;

  const toggleEngine = (folder: FolderInfo, engine: EngineId) => {
    const engines = folder.engines.includes(engine)
      ? folder.engines.filter((e) => e !== engine)
      : [...folder.engines, engine];
    client.api['folders.setEngines']({ id: folder.id, engines }).then(
      props.onFoldersChanged,
      (e: unknown) => {
        setError(describeError(e, t));
      },
    );
  };

  return (
    <nav className="sidebar" aria-label={t('nav.library')}>
      <button
        type="button"
        className={`nav-item${allActive ? ' active' : ''}`}
        data-testid="nav-all"
        onClick={() => {
          props.onOpenAlbum(null);
        }}
      >
        <Icon name="photos" />
        <span className="nav-label">{t('nav.library')}</span>
      </button>
      <button
        type="button"
        className={`nav-item${props.peopleActive ? ' active' : ''}`}
        data-testid="nav-people"
        onClick={props.onOpenPeople}
      >
        <Icon name="photos" />
        <span className="nav-label">{t('nav.people')}</span>
      </button>
      <button
        type="button"
        className={`nav-item${props.duplicatesActive ? ' active' : ''}`}
        data-testid="nav-duplicates"
        onClick={props.onOpenDuplicates}
      >
        <Icon name="copies" />
        <span className="nav-label">{t('nav.duplicates')}</span>
      </button>
      <button
        type="button"
        className={`nav-item${props.mapActive ? ' active' : ''}`}
        data-testid="nav-map"
        aria-current={props.mapActive ? 'page' : undefined}
        onClick={props.onOpenMap}
      >
        <Icon name="pin" />
        <span className="nav-label">{t('nav.map')}</span>
      </button>

      <section className="side-section">
        <div className="side-heading">
          <span>{t('nav.albums')}</span>
          <button
            type="button"
            className="mini-button"
            data-testid="save-album"
            disabled={props.query.trim() === ''}
            title={t('albums.saveSearch')}
            aria-label={t('albums.saveSearch')}
            onClick={() => {
              setNaming(true);
            }}
          >
            <Icon name="plus" size={14} />
          </button>
        </div>
        {naming && (
          <AlbumNameForm
            value={albumName}
            onChange={setAlbumName}
            onCreate={createAlbum}
            onCancel={() => {
              setNaming(false);
            }}
            inputTestId="album-name"
            createTestId="album-create"
          >
            <div className="inline-form-query" title={props.query}>
              {props.query}
            </div>
          </AlbumNameForm>
        )}
        {smartAlbums?.length === 0 && !naming && <p className="side-hint">{t('albums.empty')}</p>}
        <ul className="side-list" data-testid="album-list">
          {smartAlbums?.map((album) => (
            <AlbumRow
              key={album.id}
              album={album}
              activeAlbumId={props.activeAlbumId}
              title={album.query}
              deleteLabel={t('albums.delete')}
              onOpenAlbum={props.onOpenAlbum}
              onAlbumsChanged={props.onAlbumsChanged}
              onError={setError}
            />
          ))}
        </ul>
      </section>
      <ManualAlbumsSection
        albums={props.albums?.filter((a) => a.kind === 'manual') ?? null}
        activeAlbumId={props.activeAlbumId}
        onOpenAlbum={props.onOpenAlbum}
        onAlbumsChanged={props.onAlbumsChanged}
        onAlbumCreated={props.onAlbumCreated}
      />

      <section className="side-section">
        <div className="side-heading">
          <span>{t('nav.folders')}</span>
          <button
            type="button"
            className="mini-button"
            data-testid="add-folder"
            title={t('folders.add')}
            aria-label={t('folders.add')}
            onClick={startAddFolder}
          >
            <Icon name="plus" size={14} />
          </button>
        </div>
        {addingPath !== null && (
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (addingPath.trim() !== '') addFolder(addingPath.trim());
            }}
          >
            <input
              autoFocus
              data-testid="folder-path"
              value={addingPath}
              placeholder={t('folders.addPrompt')}
              onChange={(e) => {
                setAddingPath(e.target.value);
              }}
              onKeyDown={(e) => {
                if (e.key === 'Escape') setAddingPath(null);
              }}
            />
            <div className="inline-form-actions">
              <button
                type="button"
                className="text-button"
                data-testid="folder-browse"
                onClick={() => {
                  setBrowsing(true);
                }}
              >
                {t('folders.browse')}
              </button>
              <button
                type="button"
                className="text-button"
                onClick={() => {
                  setAddingPath(null);
                }}
              >
                {t('albums.cancel')}
              </button>
              <button type="submit" className="primary-button small">
                {t('folders.add')}
              </button>
            </div>
          </form>
        )}
        {props.folders?.length === 0 && addingPath === null && (
          <p className="side-hint">{t('folders.empty')}</p>
        )}
        <ul className="side-list" data-testid="folder-list">
          {props.folders?.map((folder) => (
            <li key={folder.id} className="folder">
              <button
                type="button"
                className="folder-main"
                title={folder.path}
                aria-expanded={expanded === folder.id}
                onClick={() => {
                  setExpanded((x) => (x === folder.id ? null : folder.id));
                }}
              >
                <span
                  className={`status-dot ${folder.status}`}
                  title={t(folder.status === 'online' ? 'folders.online' : 'folders.offline')}
                />
                <span className="folder-name">{folderName(folder.path)}</span>
                <span className="count">{formatCount(folder.photoCount, lang)}</span>
              </button>
              {expanded === folder.id && (
                <div className="folder-detail">
                  <div className="folder-path">{folder.path}</div>
                  <div className="folder-stats">
                    <span>
                      {t('folders.photos', { count: formatCount(folder.photoCount, lang) })}
                    </span>
                    {folder.pendingCount > 0 && (
                      <span>
                        {t('folders.pending', { count: formatCount(folder.pendingCount, lang) })}
                      </span>
                    )}
                    {folder.brokenCount > 0 && (
                      <span className="warn">
                        {t('folders.broken', { count: formatCount(folder.brokenCount, lang) })}
                      </span>
                    )}
                    {folder.status === 'offline' && (
                      <span className="warn">{t('folders.offline')}</span>
                    )}
                  </div>
                  <div className="folder-engines" aria-label={t('folders.engines')}>
                    {engineIds.map((engine) => (
                      <label key={engine} className="switch-row">
                        <input
                          type="checkbox"
                          checked={folder.engines.includes(engine)}
                          onChange={() => {
                            toggleEngine(folder, engine);
                          }}
                        />
                        <span>{t(`engine.${engine}`)}</span>
                      </label>
                    ))}
                  </div>
                  <div className="folder-actions">
                    <button
                      type="button"
                      className="text-button"
                      onClick={() => {
                        props.onQuery(`folder:${quoteFolder(folder.path)}`);
                      }}
                    >
                      <Icon name="search" size={14} />
                      {t('nav.library')}
                    </button>
                    <button
                      type="button"
                      className="text-button"
                      data-testid="folder-rescan"
                      disabled={rescanning === folder.id}
                      onClick={() => {
                        // Feedback while the scan starts; the dot and counts follow by events.
                        setRescanning(folder.id);
                        setRescanNote(null);
                        client.api['folders.rescan']({ id: folder.id })
                          .then(
                            ({ status, found }) => {
                              const name = folderName(folder.path);
                              setRescanNote(
                                status === 'offline'
                                  ? ['folders.rescanOffline', { name }]
                                  : found
                                    ? ['folders.rescanDone', { name, ...found }]
                                    : ['folders.rescanOnline', { name }],
                              );
                              // The dot follows the answer now, not at the next poll.
                              props.onFoldersChanged();
                            },
                            (e: unknown) => {
                              setError(describeError(e, t));
                            },
                          )
                          .finally(() => {
                            setRescanning(null);
                          });
                      }}
                    >
                      <Icon name="refresh" size={14} />
                      {rescanning === folder.id ? t('folders.rescanning') : t('folders.rescan')}
                    </button>
                    <button
                      type="button"
                      className="text-button danger"
                      onClick={() => {
                        if (window.confirm(t('folders.removeConfirm', { path: folder.path }))) {
                          client.api['folders.remove']({ id: folder.id }).then(
                            props.onFoldersChanged,
                            (e: unknown) => {
                              setError(describeError(e, t));
                            },
                          );
                        }
                      }}
                    >
                      <Icon name="trash" size={14} />
                      {t('folders.remove')}
                    </button>
                  </div>
                </div>
              )}
            </li>
          ))}
        </ul>
        {rescanNote && (
          <p className="side-hint" role="status" data-testid="rescan-note">
            {t(...rescanNote)}
          </p>
        )}
      </section>
      {browsing && (
        <FolderBrowser
          onChoose={(path) => {
            setBrowsing(false);
            addFolder(path);
          }}
          onClose={() => {
            setBrowsing(false);
          }}
        />
      )}
      {error && (
        <div className="side-error" role="alert">
          <Icon name="warning" size={14} />
          <span>{error}</span>
          <button
            type="button"
            className="row-action"
            aria-label={t('common.close')}
            onClick={() => {
              setError(null);
            }}
          >
            <Icon name="close" size={12} />
          </button>
        </div>
      )}
    </nav>
  );
}

function folderName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}

function quoteFolder(path: string): string {
  return /[\s"]/.test(path) ? `"${path.replace(/"/g, '')}"` : path;
}
