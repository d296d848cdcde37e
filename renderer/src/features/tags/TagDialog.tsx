// Managing one tag as a whole: rename it (both display names), or merge it into another tag
// picked with the tag autocomplete, after a confirmation that says what will happen (the tag
// disappears, its photos get the target, its names and future engine answers land on the
// target; see [Note: Merged tags stay merged] in main/catalog/migrations/0006). The views
// refresh from the `catalog-changed` event the service sends.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type {
  TagCount,
  TagInfo,
  TagMergePreview,
  TagType,
} from '../../../../preload/api-contract.ts';
import { useClient } from '../../api/client-context.tsx';
import { Spinner } from '../../components/EmptyState.tsx';
import { Icon } from '../../components/Icon.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { describeError } from '../../lib/errors.ts';
import { formatCount } from '../../lib/format.ts';
import { tagLabel } from '../../lib/tag-groups.ts';
import type { Translate } from '../../i18n/translate.ts';

/** What a tag menu knows about its tag. */
export interface TagHandle {
  readonly tagId: number;
  readonly name: string;
  readonly type: TagType;
  readonly zh: string;
  readonly en: string;
}

export type TagChange =
  | { readonly kind: 'renamed'; readonly before: TagHandle; readonly after: TagHandle }
  | { readonly kind: 'merged'; readonly from: TagHandle; readonly into: TagHandle };

export type TagDialogMode = 'rename' | 'merge';

/** "1 photo" / "12 photos" in the current language. */
function photoCount(count: number, t: Translate, lang: 'zh' | 'en'): string {
  return count === 1
    ? t('tags.photoCountOne')
    : t('tags.photoCount', { count: formatCount(count, lang) });
}

const handleOf = (t: TagInfo): TagHandle => ({
  tagId: t.tagId,
  name: t.name,
  type: t.type,
  zh: t.zh,
  en: t.en,
});

export function TagDialog(props: {
  tag: TagHandle;
  mode: TagDialogMode;
  onClose: () => void;
  onChanged?: (change: TagChange) => void;
}) {
  const client = useClient();
  const { t, lang } = useI18n();
  const [mode, setMode] = useState<TagDialogMode>(props.mode);
  const [info, setInfo] = useState<TagInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Rename
  const [zh, setZh] = useState(props.tag.zh);
  const [en, setEn] = useState(props.tag.en);
  const [sameName, setSameName] = useState<(TagHandle & { photos: number })[]>([]);
  // Merge
  const [text, setText] = useState('');
  const [suggestions, setSuggestions] = useState<TagCount[] | null>(null);
  const [highlight, setHighlight] = useState(0);
  const [preview, setPreview] = useState<TagMergePreview | null>(null);
  const { tag, onClose, onChanged } = props;

  useEffect(() => {
    client.api['tags.info']({ tagId: tag.tagId }).then(setInfo, (e: unknown) => {
      setError(describeError(e, t));
    });
  }, [client, tag.tagId, t]);

  // Suggestions for the merge target, without the tag itself.
  const typedRef = useRef('');
  useEffect(() => {
    typedRef.current = text;
    if (mode !== 'merge' || text.trim() === '') {
      setSuggestions(null);
      return;
    }
    const timer = setTimeout(() => {
      client.api['photos.autocomplete']({ prefix: text.trim(), limit: 8 }).then(
        (list) => {
          if (typedRef.current !== text) return;
          setSuggestions(list.filter((s) => s.tagId !== tag.tagId));
          setHighlight(0);
        },
        (e: unknown) => {
          setError(describeError(e, t));
        },
      );
    }, 120);
    return () => {
      clearTimeout(timer);
    };
  }, [client, text, mode, tag.tagId, t]);

  const label = tagLabel(info ?? tag, lang);

  const pickTarget = (target: { tagId: number }) => {
    setBusy(true);
    setError(null);
    client.api['tags.previewMerge']({ fromId: tag.tagId, intoId: target.tagId }).then(
      (p) => {
        setBusy(false);
        setPreview(p);
      },
      (e: unknown) => {
        setBusy(false);
        setError(describeError(e, t));
      },
    );
  };

  const rename = () => {
    const nextZh = zh.trim();
    const nextEn = en.trim();
    const changes = {
      ...(nextZh !== tag.zh ? { zh: nextZh } : {}),
      ...(nextEn !== tag.en ? { en: nextEn } : {}),
    };
    if (Object.keys(changes).length === 0) {
      onClose();
      return;
    }
    setBusy(true);
    setError(null);
    client.api['tags.rename']({ tagId: tag.tagId, ...changes }).then(
      (result) => {
        setBusy(false);
        setInfo(result.tag);
        onChanged?.({ kind: 'renamed', before: tag, after: handleOf(result.tag) });
        // A clash with another tag's name is worth a merge: offer it instead of closing.
        if (result.sameName.length > 0) setSameName(result.sameName);
        else onClose();
      },
      (e: unknown) => {
        setBusy(false);
        setError(describeError(e, t));
      },
    );
  };

  const merge = () => {
    if (!preview) return;
    setBusy(true);
    setError(null);
    client.api['tags.merge']({ fromId: preview.from.tagId, intoId: preview.into.tagId }).then(
      (result) => {
        setBusy(false);
        onChanged?.({ kind: 'merged', from: tag, into: handleOf(result.into) });
        onClose();
      },
      (e: unknown) => {
        setBusy(false);
        setError(describeError(e, t));
      },
    );
  };

  let body: ReactNode;
  let actions: ReactNode;
  if (mode === 'rename') {
    body = (
      <form
        id="tag-rename-form"
        className="tag-dialog-form"
        onSubmit={(e) => {
          e.preventDefault();
          rename();
        }}
      >
        <label className="field">
          <span className="field-label">{t('tags.nameZh')}</span>
          <input
            autoFocus
            data-testid="tag-rename-zh"
            value={zh}
            maxLength={100}
            onChange={(e) => {
              setZh(e.target.value);
            }}
          />
        </label>
        <label className="field">
          <span className="field-label">{t('tags.nameEn')}</span>
          <input
            data-testid="tag-rename-en"
            value={en}
            maxLength={100}
            onChange={(e) => {
              setEn(e.target.value);
            }}
          />
        </label>
        <p className="field-hint">{t('tags.renameHint')}</p>
        {sameName.map((other) => (
          <div key={other.tagId} className="tag-dialog-note" role="status">
            <Icon name="warning" size={14} />
            <span>
              {t('tags.sameName', {
                name: `${tagLabel(other, lang)} · ${t(`tagType.${other.type}`)}`,
                photos: photoCount(other.photos, t, lang),
              })}
            </span>
            <button
              type="button"
              className="text-button"
              data-testid="tag-merge-same-name"
              onClick={() => {
                setSameName([]);
                setMode('merge');
                pickTarget(other);
              }}
            >
              {t('tags.mergeIntoOther', { name: tagLabel(other, lang) })}
            </button>
          </div>
        ))}
      </form>
    );
    actions = (
      <>
        <button type="button" className="secondary-button small" onClick={onClose}>
          {sameName.length > 0 ? t('common.close') : t('tags.cancel')}
        </button>
        {sameName.length === 0 && (
          <button
            type="submit"
            form="tag-rename-form"
            className="primary-button small"
            data-testid="tag-rename-save"
            disabled={busy || zh.trim() === '' || en.trim() === ''}
          >
            {t('tags.save')}
          </button>
        )}
      </>
    );
  } else if (!preview) {
    body = (
      <div className="tag-dialog-form">
        <label className="field">
          <span className="field-label">{t('tags.pickTarget', { name: label })}</span>
          <input
            autoFocus
            type="search"
            data-testid="tag-merge-target"
            value={text}
            placeholder={t('tags.pickPlaceholder')}
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => {
              setText(e.target.value);
            }}
            onKeyDown={(e) => {
              const list = suggestions ?? [];
              if (e.key === 'ArrowDown' && list.length > 0) {
                e.preventDefault();
                setHighlight((h) => (h + 1) % list.length);
              } else if (e.key === 'ArrowUp' && list.length > 0) {
                e.preventDefault();
                setHighlight((h) => (h - 1 + list.length) % list.length);
              } else if (e.key === 'Enter') {
                e.preventDefault();
                const chosen = list[highlight];
                if (chosen) pickTarget(chosen);
              }
            }}
          />
        </label>
        {suggestions?.length === 0 && <p className="side-hint">{t('tags.noMatch')}</p>}
        {suggestions && suggestions.length > 0 && (
          <ul className="tag-targets" role="listbox" data-testid="tag-merge-suggestions">
            {suggestions.map((s, i) => (
              <li
                key={s.tagId}
                role="option"
                aria-selected={i === highlight}
                className={i === highlight ? 'highlight' : ''}
                data-tag={s.name}
                onMouseEnter={() => {
                  setHighlight(i);
                }}
                onMouseDown={(e) => {
                  e.preventDefault();
                  pickTarget(s);
                }}
              >
                <span className={`type-dot ${s.type}`} aria-hidden="true" />
                <span className="suggestion-label">{tagLabel(s, lang)}</span>
                <span className="suggestion-alt">{lang === 'zh' ? s.en : s.zh}</span>
                <span className="suggestion-type">{t(`tagType.${s.type}`)}</span>
                <span className="count">{formatCount(s.count, lang)}</span>
              </li>
            ))}
          </ul>
        )}
        {busy && <Spinner label={t('photo.loading')} />}
      </div>
    );
    actions = (
      <button type="button" className="secondary-button small" onClick={onClose}>
        {t('tags.cancel')}
      </button>
    );
  } else {
    const from = tagLabel(preview.from, lang);
    const into = tagLabel(preview.into, lang);
    const names = [preview.from, ...preview.from.aliases]
      .map((n) => (n.zh === n.en ? `“${n.zh}”` : `“${n.zh}” “${n.en}”`))
      .join(lang === 'zh' ? '、' : ', ');
    body = (
      <div className="tag-merge-confirm" data-testid="tag-merge-confirm">
        <h3>{t('tags.confirmTitle', { from, into })}</h3>
        <div className="tag-merge-pair">
          <TagSummary tag={preview.from} gone />
          <Icon name="right" size={16} />
          <TagSummary tag={preview.into} />
        </div>
        <ul className="tag-merge-effects">
          <li>
            {t('tags.confirmGone', {
              from,
              into,
              photos: photoCount(preview.from.photos, t, lang),
              gained: formatCount(preview.gainedPhotos, lang),
            })}
          </li>
          <li>{t('tags.confirmNames', { names, into })}</li>
          <li>{t('tags.confirmEngines', { from, into })}</li>
          {preview.lostPhotos > 0 && (
            <li className="warn">
              {t('tags.confirmLost', {
                photos: photoCount(preview.lostPhotos, t, lang),
                from,
                into,
              })}
            </li>
          )}
        </ul>
        <p className="field-hint">{t('tags.confirmFinal')}</p>
      </div>
    );
    actions = (
      <>
        <button
          type="button"
          className="secondary-button small"
          onClick={() => {
            setPreview(null);
          }}
        >
          {t('tags.back')}
        </button>
        <button
          type="button"
          autoFocus
          className="primary-button small danger"
          data-testid="tag-merge-confirm-button"
          disabled={busy}
          onClick={merge}
        >
          <Icon name="merge" size={14} />
          {t('tags.merge')}
        </button>
      </>
    );
  }

  return (
    <div
      className="modal-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <div
        className="modal tag-dialog"
        role="dialog"
        aria-modal="true"
        aria-label={t(mode === 'rename' ? 'tags.renameTitle' : 'tags.mergeTitle')}
        data-testid="tag-dialog"
        onKeyDown={(e) => {
          // Keys stay in the dialog: the photo view behind it listens for Escape and arrows.
          e.stopPropagation();
          if (e.key === 'Escape') onClose();
        }}
      >
        <header className="modal-header">
          <h2>{t(mode === 'rename' ? 'tags.renameTitle' : 'tags.mergeTitle')}</h2>
          <span className="toolbar-spacer" />
          <button
            type="button"
            className="icon-button"
            aria-label={t('common.close')}
            onClick={onClose}
          >
            <Icon name="close" />
          </button>
        </header>
        <div className="modal-body">
          {!preview && <TagSummary tag={info ?? tag} />}
          {error && (
            <div className="inline-error" role="alert">
              <Icon name="warning" size={14} /> {error}
            </div>
          )}
          {body}
        </div>
        <footer className="tag-dialog-actions">{actions}</footer>
      </div>
    </div>
  );
}

/** A tag as a small card: both names, type, photo count and the names merged into it. */
function TagSummary({ tag, gone = false }: { tag: TagHandle | TagInfo; gone?: boolean }) {
  const { t, lang } = useI18n();
  const other = lang === 'zh' ? tag.en : tag.zh;
  return (
    <div className={`tag-summary${gone ? ' gone' : ''}`} data-testid="tag-summary">
      <div className="tag-summary-names">
        <span className={`type-dot ${tag.type}`} aria-hidden="true" />
        <span className="tag-name">{tagLabel(tag, lang)}</span>
        {other !== tagLabel(tag, lang) && <span className="tag-alt">{other}</span>}
      </div>
      <div className="tag-summary-meta">
        {t(`tagType.${tag.type}`)}
        {'photos' in tag && ` · ${photoCount(tag.photos, t, lang)}`}
      </div>
      {'aliases' in tag && tag.aliases.length > 0 && (
        <div className="tag-summary-meta">
          {t('tags.alsoKnownAs', {
            names: tag.aliases.map((a) => tagLabel(a, lang)).join(lang === 'zh' ? '、' : ', '),
          })}
        </div>
      )}
    </div>
  );
}
