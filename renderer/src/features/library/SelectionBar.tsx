// Shown when several photos are selected: how many, and a tag to add to all of them.
import { useState } from 'react';
import { useClient } from '../../api/client-context.tsx';
import { Icon } from '../../components/Icon.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { describeError } from '../../lib/errors.ts';
import { formatCount } from '../../lib/format.ts';

export function SelectionBar({ selected, onClear }: { selected: number[]; onClear: () => void }) {
  const { t, lang } = useI18n();
  const client = useClient();
  const [tag, setTag] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  return (
    <div className="selection-bar" data-testid="selection-bar">
      <span className="selection-count">
        {t('grid.selected', { count: formatCount(selected.length, lang) })}
      </span>
      <form
        className="selection-tag"
        onSubmit={(e) => {
          e.preventDefault();
          const name = tag.trim();
          if (name === '') return;
          client.api['tags.add']({ photoIds: selected, name }).then(
            () => {
              setTag('');
              setMessage(null);
            },
            (error: unknown) => {
              setMessage(describeError(error, t));
            },
          );
        }}
      >
        <Icon name="tag" size={14} />
        <input
          value={tag}
          placeholder={t('grid.addTagToSelected')}
          onChange={(e) => {
            setTag(e.target.value);
          }}
        />
        <button type="submit" className="primary-button small" disabled={tag.trim() === ''}>
          {t('photo.add')}
        </button>
      </form>
      {message && <span className="warn">{message}</span>}
      <button type="button" className="text-button" onClick={onClear}>
        {t('grid.clearSelection')}
      </button>
    </div>
  );
}
