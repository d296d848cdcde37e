// "Export" beside an album's title: the album's photos and tags as a CSV file (the same
// columns as `tujian export --album`), saved through the browser's download.
import { useState } from 'react';
import type { AlbumInfo } from '../../../../preload/api-contract.ts';
import { useClient } from '../../api/client-context.tsx';
import { Icon } from '../../components/Icon.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { describeError } from '../../lib/errors.ts';

export function AlbumExportButton({ album }: { album: AlbumInfo }) {
  const { t } = useI18n();
  const client = useClient();
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        className="secondary-button small"
        data-testid="album-export"
        onClick={() => {
          client.api['albums.export']({ id: album.id, format: 'csv' }).then(
            (file) => {
              setError(null);
              const url = URL.createObjectURL(new Blob([file.text], { type: file.mediaType }));
              const link = document.createElement('a');
              link.href = url;
              link.download = file.fileName;
              link.click();
              // The download has its own copy once started.
              window.setTimeout(() => {
                URL.revokeObjectURL(url);
              }, 10_000);
            },
            (e: unknown) => {
              setError(describeError(e, t));
            },
          );
        }}
      >
        <Icon name="external" size={14} />
        {t('albums.export')}
      </button>
      {error && <span className="warn">{error}</span>}
    </>
  );
}
