// The application shell: top bar (search, sort, activity, settings, language), the
// sidebar (library, smart albums, folders), the photo grid with its refine panel, and the
// photo view, activity and settings on top. State that several parts share lives here.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type {
  ActivityStatus,
  AlbumInfo,
  AppInfo,
  FolderInfo,
  SearchSort,
  UiLanguage,
} from '../../preload/api-contract.ts';
import { useClient } from './api/client-context.tsx';
import { I18nProvider } from './i18n/i18n.tsx';
import { pickLanguage, translate } from './i18n/translate.ts';
import { describeError, type QuerySyntaxError } from './lib/errors.ts';
import { SearchBar } from './features/library/SearchBar.tsx';
import { Sidebar } from './features/library/Sidebar.tsx';
import { LibraryView } from './features/library/LibraryView.tsx';
import { ActivityPanel } from './features/activity/ActivityPanel.tsx';
import { SettingsView } from './features/settings/SettingsView.tsx';
import { ActivityButton } from './features/activity/ActivityButton.tsx';
import { PeopleView } from './features/people/PeopleView.tsx';
import { DuplicatesView } from './features/duplicates/DuplicatesView.tsx';
import { MapView } from './features/map/MapView.tsx';
import {
  formatMapCamera,
  parseMapCamera,
  queryWithArea,
  worldCamera,
  type MapCamera,
} from './lib/map-view.ts';
import { Icon } from './components/Icon.tsx';
import { resultsVersion } from './lib/results-version.ts';

export interface Versions {
  people: number;
  photos: number;
  folders: number;
  albums: number;
  settings: number;
}

/** What the address bar keeps: the search, the album and the open photo (shareable, Back works). */
interface UrlState {
  readonly query: string;
  readonly albumId: number | null;
  readonly photoId: number | null;
  /** The map's camera while the map is shown (`view=map&at=lat,lon,zoom`), else null. */
  readonly map: MapCamera | null;
}

function readUrlState(): UrlState {
  const params = new URLSearchParams(window.location.search);
  const id = (name: string) => {
    const n = Number(params.get(name));
    return Number.isSafeInteger(n) && n > 0 ? n : null;
  };
  const map =
    params.get('view') === 'map' ? (parseMapCamera(params.get('at')) ?? worldCamera) : null;
  return { query: params.get('q') ?? '', albumId: id('album'), photoId: id('photo'), map };
}

function urlOf(state: UrlState): string {
  const params = new URLSearchParams();
  if (state.query !== '') params.set('q', state.query);
  if (state.albumId !== null) params.set('album', String(state.albumId));
  if (state.photoId !== null) params.set('photo', String(state.photoId));
  if (state.map !== null) {
    params.set('view', 'map');
    params.set('at', formatMapCamera(state.map));
  }
  const search = params.toString();
  return `${window.location.pathname}${search === '' ? '' : `?${search}`}`;
}

export function App() {
  const client = useClient();
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [fatal, setFatal] = useState<unknown>(null);
  const [lang, setLang] = useState<UiLanguage>(() => pickLanguage(null, navigator.languages));
  const [initialUrl] = useState(readUrlState);
  const [query, setQuery] = useState(initialUrl.query);
  const [typing, setTyping] = useState(false);
  const [photoId, setPhotoId] = useState<number | null>(initialUrl.photoId);
  const [sort, setSort] = useState<SearchSort>('taken-desc');
  const [albumId, setAlbumId] = useState<number | null>(initialUrl.albumId);
  const [panel, setPanel] = useState<'activity' | 'settings' | null>(null);
  const [view, setView] = useState<'library' | 'people' | 'duplicates' | 'map'>(
    initialUrl.map !== null ? 'map' : 'library',
  );
  const [mapCamera, setMapCamera] = useState<MapCamera>(initialUrl.map ?? worldCamera);
  // Bumped when Back brings a map camera from the URL: the map view starts again there.
  const [mapRestored, setMapRestored] = useState(0);
  // Panning and zooming replace the map's history entry instead of adding one per move.
  const [mapMoving, setMapMoving] = useState(false);
  const [versions, setVersions] = useState<Versions>({
    people: 0,
    photos: 0,
    folders: 0,
    albums: 0,
    settings: 0,
  });
  const [folders, setFolders] = useState<FolderInfo[] | null>(null);
  const [albums, setAlbums] = useState<AlbumInfo[] | null>(null);
  const offlineFolderIds = useMemo(
    () => new Set((folders ?? []).filter((f) => f.status === 'offline').map((f) => f.id)),
    [folders],
  );
  const [activity, setActivity] = useState<ActivityStatus | null>(null);
  // Bumped by the empty library's button: the sidebar opens its add-folder flow.
  const [addFolderSignal, setAddFolderSignal] = useState(0);
  const [syntaxError, setSyntaxError] = useState<QuerySyntaxError | null>(null);

  useEffect(() => {
    client.api['app.info']({}).then(
      (value) => {
        setInfo(value);
        setLang(pickLanguage(value.uiLanguage, navigator.languages));
      },
      (error: unknown) => {
        setFatal(error);
      },
    );
    client.api['activity.status']({}).then(setActivity, () => undefined);
    return client.onEvent((event) => {
      switch (event.type) {
        case 'progress':
          setActivity(event.status);
          break;
        case 'catalog-changed':
          setVersions((v) => {
            switch (event.scope) {
              case 'photos':
              case 'tags':
                // New answers bring new faces: the People view follows tag changes too.
                return {
                  ...v,
                  photos: v.photos + 1,
                  albums: v.albums + 1,
                  folders: v.folders + 1,
                  people: v.people + 1,
                };
              case 'people':
                return { ...v, people: v.people + 1 };
              case 'folders':
                return { ...v, folders: v.folders + 1, photos: v.photos + 1 };
              case 'albums':
                return { ...v, albums: v.albums + 1 };
              case 'settings':
                return { ...v, settings: v.settings + 1 };
            }
          });
          break;
      }
    });
  }, [client]);

  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = `${translate(lang, 'app.name')} · Tujian`;
  }, [lang]);

  // The address bar follows the state: a new history entry per committed change (Back
  // undoes it), replaced in place while typing; Back/Forward bring the state back.
  const urlMap = view === 'map' ? mapCamera : null;
  useEffect(() => {
    const next = urlOf({ query, albumId, photoId, map: urlMap });
    const current = `${window.location.pathname}${window.location.search}`;
    if (next === current) return;
    const shown = readUrlState();
    const onlyTyped = typing && shown.albumId === albumId && shown.photoId === photoId;
    const onlyMoved = mapMoving && shown.map !== null && urlMap !== null && shown.query === query;
    if (onlyTyped || onlyMoved) window.history.replaceState(null, '', next);
    else window.history.pushState(null, '', next);
  }, [query, albumId, photoId, typing, urlMap, mapMoving]);
  useEffect(() => {
    const onPop = () => {
      const state = readUrlState();
      setQuery(state.query);
      setTyping(false);
      setAlbumId(state.albumId);
      setPhotoId(state.photoId);
      // Back from the grid a map cluster opened returns to the map where it was.
      setMapMoving(false);
      if (state.map !== null) {
        setMapCamera(state.map);
        setMapRestored((n) => n + 1);
      }
      setView((v) => (state.map !== null ? 'map' : v === 'map' ? 'library' : v));
    };
    window.addEventListener('popstate', onPop);
    return () => {
      window.removeEventListener('popstate', onPop);
    };
  }, []);

  const reloadFolders = useCallback(() => {
    client.api['folders.list']({}).then(setFolders, () => undefined);
  }, [client]);
  const reloadAlbums = useCallback(() => {
    client.api['albums.list']({}).then(setAlbums, () => undefined);
  }, [client]);
  useEffect(reloadFolders, [reloadFolders, versions.folders]);
  useEffect(reloadAlbums, [reloadAlbums, versions.albums]);

  const changeLanguage = useCallback(
    (next: UiLanguage | null) => {
      setLang(pickLanguage(next, navigator.languages));
      setInfo((i) => (i ? { ...i, uiLanguage: next } : i));
      client.api['app.setUiLanguage']({ language: next }).catch(() => undefined);
    },
    [client],
  );

  const runQuery = useCallback((next: string, isTyping = false) => {
    // On the map the search box narrows the map ("dog" photos on the map).
    setView((v) => (v === 'map' ? 'map' : 'library'));
    setMapMoving(false);
    setQuery(next);
    setTyping(isTyping);
    setAlbumId(null);
  }, []);
  const openAlbum = useCallback((album: AlbumInfo | null) => {
    setView('library');
    setAlbumId(album?.id ?? null);
    setQuery(album?.query ?? '');
    setTyping(false);
  }, []);

  const activeAlbum = useMemo(
    () => albums?.find((a) => a.id === albumId) ?? null,
    [albums, albumId],
  );
  const manualAlbums = useMemo(() => albums?.filter((a) => a.kind === 'manual') ?? [], [albums]);

  if (fatal !== null) {
    return (
      <I18nProvider lang={lang}>
        <div className="fatal">
          <div className="fatal-card">
            <div className="brand-mark large">图</div>
            <h1>{translate(lang, 'app.name')}</h1>
            <p>{describeError(fatal, (key, params) => translate(lang, key, params))}</p>
          </div>
        </div>
      </I18nProvider>
    );
  }

  return (
    <I18nProvider lang={lang}>
      <div className="app">
        <header className="topbar">
          <div className="brand">
            <div className="brand-mark">图</div>
            <div className="brand-text">
              <span className="brand-name">{translate(lang, 'app.name')}</span>
              <span className="brand-sub">{lang === 'zh' ? 'Tujian' : '图鉴'}</span>
            </div>
          </div>
          <SearchBar query={query} onQuery={runQuery} syntaxError={syntaxError} />
          <div className="topbar-actions">
            <ActivityButton
              status={activity}
              active={panel === 'activity'}
              onClick={() => {
                setPanel((p) => (p === 'activity' ? null : 'activity'));
              }}
            />
            <button
              type="button"
              className={`icon-button${panel === 'settings' ? ' active' : ''}`}
              title={translate(lang, 'nav.settings')}
              aria-label={translate(lang, 'nav.settings')}
              data-testid="open-settings"
              onClick={() => {
                setPanel((p) => (p === 'settings' ? null : 'settings'));
              }}
            >
              <Icon name="settings" />
            </button>
            <button
              type="button"
              className="lang-switch"
              data-testid="lang-switch"
              title={translate(lang, 'settings.uiLanguage')}
              onClick={() => {
                changeLanguage(lang === 'zh' ? 'en' : 'zh');
              }}
            >
              {lang === 'zh' ? 'EN' : '中'}
            </button>
          </div>
        </header>
        <div className="body">
          <Sidebar
            folders={folders}
            albums={albums}
            activeAlbumId={albumId}
            query={query}
            canPickFolder={info?.canPickFolder ?? false}
            addFolderSignal={addFolderSignal}
            onOpenAlbum={openAlbum}
            peopleActive={view === 'people'}
            onOpenPeople={() => {
              setView('people');
            }}
            duplicatesActive={view === 'duplicates'}
            onOpenDuplicates={() => {
              setView('duplicates');
            }}
            mapActive={view === 'map'}
            onOpenMap={() => {
              setMapMoving(false);
              setAlbumId(null);
              setPhotoId(null);
              setView('map');
            }}
            onQuery={runQuery}
            onFoldersChanged={reloadFolders}
            onAlbumsChanged={reloadAlbums}
            onAlbumCreated={(album) => {
              reloadAlbums();
              setAlbumId(album.id);
            }}
          />
          {view === 'map' ? (
            <MapView
              key={mapRestored}
              query={query}
              typing={typing}
              onSyntaxError={setSyntaxError}
              initialCamera={mapCamera}
              version={versions.photos}
              onCamera={(camera) => {
                // The first report is where the view started: nothing moved yet.
                if (camera === mapCamera) return;
                setMapMoving(true);
                setMapCamera(camera);
              }}
              onOpenArea={(box) => {
                // A new history entry: Back returns to the map.
                setMapMoving(false);
                setView('library');
                setAlbumId(null);
                setTyping(false);
                setQuery(queryWithArea(query, box));
              }}
            />
          ) : view === 'duplicates' ? (
            <DuplicatesView
              version={versions.photos}
              onChanged={() => {
                setVersions((v) => ({ ...v, photos: v.photos + 1, albums: v.albums + 1 }));
              }}
              onShowPhoto={(q, id) => {
                runQuery(q);
                setPhotoId(id);
              }}
            />
          ) : view === 'people' ? (
            <PeopleView
              version={versions.people}
              onChanged={() => {
                setVersions((v) => ({ ...v, photos: v.photos + 1, albums: v.albums + 1 }));
              }}
              onShowPhotos={(q, id) => {
                runQuery(q);
                setPhotoId(id);
              }}
            />
          ) : (
            <LibraryView
              query={query}
              typing={typing}
              photoId={photoId}
              onPhotoId={setPhotoId}
              sort={sort}
              onSort={setSort}
              onQuery={runQuery}
              version={resultsVersion(versions, { query, albumKind: activeAlbum?.kind ?? null })}
              title={activeAlbum?.name ?? null}
              album={activeAlbum}
              manualAlbums={manualAlbums}
              libraryEmpty={folders !== null && folders.length === 0}
              canOpenFiles={info?.canOpenFiles ?? false}
              offlineFolderIds={offlineFolderIds}
              onAddFolder={() => {
                setAddFolderSignal((n) => n + 1);
              }}
              onSyntaxError={setSyntaxError}
            />
          )}
        </div>
        {panel === 'activity' && (
          <ActivityPanel
            status={activity}
            onClose={() => {
              setPanel(null);
            }}
          />
        )}
        {panel === 'settings' && info && (
          <SettingsView
            info={info}
            version={versions.settings}
            onLanguage={changeLanguage}
            onClose={() => {
              setPanel(null);
            }}
          />
        )}
      </div>
    </I18nProvider>
  );
}
