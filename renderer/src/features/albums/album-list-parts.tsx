// The parts the sidebar's two album lists share (smart albums in Sidebar, manual ones in
// ManualAlbumsSection): the inline form that names a new album, and an album's row with
// open and delete.
import type { ReactNode } from 'react';
import type { AlbumInfo } from '../../../../preload/api-contract.ts';
import { useClient } from '../../api/client-context.tsx';
import { Icon } from '../../components/Icon.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { describeError } from '../../lib/errors.ts';
import { formatCount } from '../../lib/format.ts';

/** Name input with Cancel and Create; Escape cancels. `children` go between the two. */
export function AlbumNameForm(props: {
  value: string;
  onChange: (value: string) => void;
  onCreate: () => void;
  onCancel: () => void;
  inputTestId: string;
  createTestId: string;
  children?: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        props.onCreate();
      }}
    >
      <input
        autoFocus
        data-testid={props.inputTestId}
        value={props.value}
        placeholder={t('albums.namePrompt')}
        onChange={(e) => {
          props.onChange(e.target.value);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') props.onCancel();
        }}
      />
      {props.children}
      <div className="inline-form-actions">
        <button type="button" className="text-button" onClick={props.onCancel}>
          {t('albums.cancel')}
        </button>
        <button type="submit" className="primary-button small" data-testid={props.createTestId}>
          {t('albums.create')}
        </button>
      </div>
    </form>
  );
}

/** An album in a sidebar list: opens it; the bin deletes it after a confirmation. */
export function AlbumRow(props: {
  album: AlbumInfo;
  activeAlbumId: number | null;
  title: string;
  deleteLabel: string;
  /** Mark the open album with aria-current. */
  markCurrent?: boolean;
  onOpenAlbum: (album: AlbumInfo | null) => void;
  onAlbumsChanged: () => void;
  onError: (message: string) => void;
}) {
  const { t, lang } = useI18n();
  const client = useClient();
  const { album } = props;
  const active = props.activeAlbumId === album.id;
  return (
    <li className="side-row">
      <button
        type="button"
        className={`nav-item${active ? ' active' : ''}`}
        title={props.title}
        aria-current={props.markCurrent && active ? 'page' : undefined}
        onClick={() => {
          props.onOpenAlbum(album);
        }}
      >
        <Icon name="album" />
        <span className="nav-label">{album.name}</span>
        {album.count !== null && <span className="count">{formatCount(album.count, lang)}</span>}
      </button>
      <button
        type="button"
        className="row-action"
        title={t('albums.delete')}
        aria-label={props.deleteLabel}
        onClick={() => {
          if (window.confirm(t('albums.deleteConfirm', { name: album.name }))) {
            client.api['albums.delete']({ id: album.id }).then(
              () => {
                if (active) props.onOpenAlbum(null);
                props.onAlbumsChanged();
              },
              (e: unknown) => {
                props.onError(describeError(e, t));
              },
            );
          }
        }}
      >
        <Icon name="trash" size={14} />
      </button>
    </li>
  );
}
