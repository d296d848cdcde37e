// One photo, large: the preview with the tag boxes drawn over it (hover a tag to highlight
// its boxes) and the outlines of the text read in it (PhotoText.tsx: hover a line to see its
// box), the tags grouped by type with confidence and engine, add/remove tags,
// removed tags (restorable), rename or merge a tag (its "⋯" menu), the EXIF facts, and open
// original / show in folder (desktop).
import { PhotoFaces } from '../people/PhotoFaces.tsx';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { PhotoDetails, PhotoSummary } from '../../../../preload/api-contract.ts';
import { useClient } from '../../api/client-context.tsx';
import { EmptyState, Spinner } from '../../components/EmptyState.tsx';
import { Icon } from '../../components/Icon.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { describeError } from '../../lib/errors.ts';
import { baseName, formatBytes, formatConfidence, formatDate } from '../../lib/format.ts';
import { groupTags, tagLabel, type TagEntry } from '../../lib/tag-groups.ts';
import { TagMenu } from '../tags/TagMenu.tsx';
import { engineLabel } from '../../lib/engine-names.ts';
import { PhotoTextSection, TextBoxes } from './PhotoText.tsx';

export function PhotoView(props: {
  photo: PhotoSummary;
  index: number;
  /** False once an edit dropped the photo from the current results. */
  inResults: boolean;
  total: number;
  canOpenFiles: boolean;
  /** The photo's folder is not reachable now (unplugged, moved). */
  folderOffline: boolean;
  version: number;
  onClose: () => void;
  onNavigate: (index: number) => void;
  /** Shows the photo's near-duplicates in the grid (`similar:<id>`). */
  onShowSimilar?: () => void;
  /** Album actions for this photo (add to a manual album, remove from the one on screen). */
  albumActions?: ReactNode;
}) {
  const client = useClient();
  const { t, lang } = useI18n();
  const [details, setDetails] = useState<PhotoDetails | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [hovered, setHovered] = useState<number | null>(null);
  const [hoveredLine, setHoveredLine] = useState<number | null>(null);
  const [newTag, setNewTag] = useState('');
  const [reload, setReload] = useState(0);
  const [previewFailed, setPreviewFailed] = useState(false);
  const { photo, onClose, onNavigate, index } = props;
  // Why the original cannot be opened now, if it cannot (the catalog's view, kept live).
  const unreachable: 'offline' | 'missing' | null = props.folderOffline
    ? 'offline'
    : (details?.photo.status ?? photo.status) === 'missing'
      ? 'missing'
      : null;
  const dialogRef = useRef<HTMLDivElement>(null);

  // A modal viewer: focus moves into it on open and goes back where it was (the grid,
  // whose focused cell is the photo last shown) on close.
  useEffect(() => {
    const before = document.activeElement;
    // preventScroll: focusing an element can scroll an overflow-hidden ancestor (the app
    // shell), which slid the top bar under the page body (seen in CI after closing the viewer).
    dialogRef.current?.focus({ preventScroll: true });
    return () => {
      const grid = document.querySelector<HTMLElement>('[data-testid=photo-grid]');
      const target = before instanceof HTMLElement && before.isConnected ? before : grid;
      target?.focus({ preventScroll: true });
    };
  }, []);

  useEffect(() => {
    let live = true;
    setError(null);
    client.api['photos.details']({ id: photo.id }).then(
      (d) => {
        if (live) setDetails(d);
      },
      (e: unknown) => {
        if (live) setError(e);
      },
    );
    return () => {
      live = false;
    };
  }, [client, photo.id, reload, props.version]);

  useEffect(() => {
    setPreviewFailed(false);
    setHovered(null);
  }, [photo.id]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // Escape closes the viewer from anywhere in it, the tag box too (the box clears its own
      // text on a first Escape and stops it there); arrows in a text box move the caret.
      if (e.key === 'Escape') onClose();
      else if (e.target instanceof HTMLInputElement) return;
      else if (e.key === 'ArrowLeft') onNavigate(index - 1);
      else if (e.key === 'ArrowRight') onNavigate(index + 1);
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
    };
  }, [onClose, onNavigate, index]);

  const current = details?.photo.id === photo.id ? details : null;
  const groups = current ? groupTags(current.tags, lang) : [];
  const boxed = groups.flatMap((g) => g.entries).filter((e) => e.boxes.length > 0);
  const hash = photo.hash;
  const imageSrc = hash ? client.mediaUrl(previewFailed ? 'thumbnail' : 'preview', hash) : null;

  const removeTag = (entry: TagEntry) => {
    client.api['tags.remove']({ photoIds: [photo.id], tagId: entry.tagId }).then(
      () => {
        setReload((r) => r + 1);
      },
      (e: unknown) => {
        setError(e);
      },
    );
  };

  return (
    <div
      className="photo-view"
      role="dialog"
      aria-modal="true"
      aria-label={baseName(photo.relPath)}
      data-testid="photo-view"
      ref={dialogRef}
      tabIndex={-1}
      onKeyDown={(e) => {
        if (e.key === 'Tab') trapTab(e, e.currentTarget);
      }}
    >
      <div className="photo-stage">
        <div className="photo-toolbar">
          <button
            type="button"
            className="icon-button dark"
            aria-label={t('photo.close')}
            title={t('photo.close')}
            data-testid="photo-close"
            onClick={onClose}
          >
            <Icon name="close" />
          </button>
          {props.inResults && (
            <span className="photo-position">
              {index + 1} / {props.total}
            </span>
          )}
          <span className="photo-name">{baseName(photo.relPath)}</span>
          <span className="toolbar-spacer" />
          <button
            type="button"
            className="icon-button dark"
            aria-label={t('photo.previous')}
            title={t('photo.previous')}
            disabled={index === 0}
            onClick={() => {
              onNavigate(index - 1);
            }}
          >
            <Icon name="left" />
          </button>
          <button
            type="button"
            className="icon-button dark"
            aria-label={t('photo.next')}
            title={t('photo.next')}
            disabled={index + 1 >= props.total}
            onClick={() => {
              onNavigate(index + 1);
            }}
          >
            <Icon name="right" />
          </button>
        </div>
        <div className="photo-canvas">
          {imageSrc ? (
            <div className="photo-frame">
              <img
                src={imageSrc}
                alt={baseName(photo.relPath)}
                data-testid="photo-preview"
                onError={() => {
                  if (!previewFailed) setPreviewFailed(true);
                }}
              />
              {boxed.map((entry) =>
                entry.boxes.map((box, i) => (
                  <div
                    key={`${entry.tagId}-${i}`}
                    className={`tag-box ${entry.type}${hovered === entry.tagId ? ' highlight' : ''}${hovered !== null && hovered !== entry.tagId ? ' dim' : ''}${box.y < 0.06 ? ' label-inside' : ''}`}
                    data-testid="tag-box"
                    data-tag={entry.name}
                    style={{
                      left: `${box.x * 100}%`,
                      top: `${box.y * 100}%`,
                      width: `${box.w * 100}%`,
                      height: `${box.h * 100}%`,
                    }}
                  >
                    <span className="tag-box-label">
                      {entry.label} {formatConfidence(box.confidence)}
                    </span>
                  </div>
                )),
              )}
              {current && (
                <TextBoxes text={current.text} hovered={hoveredLine} onHover={setHoveredLine} />
              )}
            </div>
          ) : (
            <EmptyState icon="photos" title={t('photo.noPreview')} />
          )}
        </div>
      </div>
      <aside className="photo-info">
        {error !== null && (
          <div className="inline-error" role="alert">
            <Icon name="warning" size={14} /> {describeError(error, t)}
          </div>
        )}
        {!current && error === null && <Spinner label={t('photo.loading')} />}
        {current && (
          <>
            {props.albumActions}
            <PhotoFaces
              photoId={photo.id}
              version={props.version + reload}
              onChanged={() => {
                setReload((n) => n + 1);
              }}
            />
            <section className="info-section">
              <h2>{t('photo.tags')}</h2>
              <form
                className="add-tag"
                onSubmit={(e) => {
                  e.preventDefault();
                  const name = newTag.trim();
                  if (name === '') return;
                  client.api['tags.add']({ photoIds: [photo.id], name }).then(
                    () => {
                      setNewTag('');
                      setReload((r) => r + 1);
                    },
                    (err: unknown) => {
                      setError(err);
                    },
                  );
                }}
              >
                <input
                  data-testid="add-tag-input"
                  value={newTag}
                  placeholder={t('photo.addTag')}
                  onChange={(e) => {
                    setNewTag(e.target.value);
                  }}
                  onKeyDown={(e) => {
                    if (e.key === 'Escape' && newTag !== '') {
                      e.stopPropagation();
                      setNewTag('');
                    }
                  }}
                />
                <button
                  type="submit"
                  className="primary-button small"
                  disabled={newTag.trim() === ''}
                >
                  {t('photo.add')}
                </button>
              </form>
              {groups.length === 0 && <p className="side-hint">{t('photo.noTags')}</p>}
              {groups.map((group) => (
                <div key={group.type} className="tag-group">
                  <h3>
                    <span className={`type-dot ${group.type}`} aria-hidden="true" />
                    {group.type === 'user' ? t('photo.yourTags') : t(`tagType.${group.type}`)}
                  </h3>
                  <ul className="tag-list" data-testid={`tags-${group.type}`}>
                    {group.entries.map((entry) => (
                      <li
                        key={entry.tagId}
                        className={`tag-row${hovered === entry.tagId ? ' hovered' : ''}`}
                        data-testid="tag-row"
                        data-tag={entry.name}
                        onMouseEnter={() => {
                          setHovered(entry.tagId);
                        }}
                        onMouseLeave={() => {
                          setHovered(null);
                        }}
                      >
                        <div className="tag-main">
                          <span className="tag-name">{entry.label}</span>
                          {entry.alt !== '' && <span className="tag-alt">{entry.alt}</span>}
                          {entry.boxes.length > 0 && (
                            <span
                              className="tag-boxes-count"
                              title={t('photo.boxes', { count: entry.boxes.length })}
                            >
                              ▢ {entry.boxes.length}
                            </span>
                          )}
                        </div>
                        <div className="tag-meta">
                          {group.type !== 'user' && entry.confidence === null && (
                            <span
                              className="confidence-text detected"
                              data-testid="detected"
                              title={t('photo.detectedHint')}
                            >
                              {t('photo.detected')}
                            </span>
                          )}
                          {group.type !== 'user' && entry.confidence !== null && (
                            <>
                              <div
                                className="confidence"
                                data-testid="confidence"
                                aria-label={formatConfidence(entry.confidence)}
                              >
                                <div
                                  className="confidence-fill"
                                  style={{ width: `${entry.confidence}%` }}
                                />
                              </div>
                              <span className="confidence-text">
                                {formatConfidence(entry.confidence)}
                              </span>
                            </>
                          )}
                          <span className="engines">
                            {entry.sources.map((s) => (
                              <span key={s.engine} className={`engine-chip ${s.engine}`}>
                                {engineLabel(s.engine, t)}
                              </span>
                            ))}
                          </span>
                          <TagMenu
                            tag={handleOf(current, entry)}
                            onChanged={() => {
                              setReload((r) => r + 1);
                            }}
                          />
                          <button
                            type="button"
                            className="row-action"
                            data-testid="remove-tag"
                            title={t('photo.removeTag', { name: entry.label })}
                            aria-label={t('photo.removeTag', { name: entry.label })}
                            onClick={() => {
                              removeTag(entry);
                            }}
                          >
                            <Icon name="close" size={12} />
                          </button>
                        </div>
                      </li>
                    ))}
                  </ul>
                </div>
              ))}
              {current.rejected.length > 0 && (
                <div className="rejected">
                  <h3>{t('photo.rejected')}</h3>
                  <ul>
                    {current.rejected.map((r) => (
                      <li key={r.tagId}>
                        <span className="rejected-name">{tagLabel(r, lang)}</span>
                        <button
                          type="button"
                          className="text-button"
                          onClick={() => {
                            client.api['tags.unreject']({
                              photoIds: [photo.id],
                              tagId: r.tagId,
                            }).then(() => {
                              setReload((x) => x + 1);
                            }, setError);
                          }}
                        >
                          {t('photo.restore')}
                        </button>
                      </li>
                    ))}
                  </ul>
                </div>
              )}
            </section>
            <PhotoTextSection text={current.text} hovered={hoveredLine} onHover={setHoveredLine} />
            <section className="info-section">
              <h2>{t('photo.facts')}</h2>
              <dl className="facts" data-testid="photo-facts">
                <Fact label={t('photo.file')} value={current.photo.relPath} />
                <Fact label={t('photo.folder')} value={current.folderPath} />
                <Fact label={t('photo.size')} value={formatBytes(current.size, lang)} />
                {current.photo.width !== null && current.photo.height !== null && (
                  <Fact
                    label={t('photo.dimensions')}
                    value={`${current.photo.width} × ${current.photo.height}`}
                  />
                )}
                {current.photo.takenAt !== null && (
                  <Fact label={t('photo.taken')} value={formatDate(current.photo.takenAt, lang)} />
                )}
                {current.facts.camera && (
                  <Fact label={t('photo.camera')} value={current.facts.camera} />
                )}
                {current.facts.lat !== null && current.facts.lon !== null && (
                  <Fact
                    label={t('photo.location')}
                    value={`${current.facts.lat.toFixed(5)}, ${current.facts.lon.toFixed(5)}`}
                  />
                )}
                {current.facts.format && (
                  <Fact label={t('photo.format')} value={current.facts.format.toUpperCase()} />
                )}
                {current.photo.hash && (
                  <Fact label={t('photo.hash')} value={current.photo.hash.slice(0, 16)} mono />
                )}
              </dl>
              {current.duplicates.length > 0 && (
                <div className="duplicates">
                  <h3>{t('photo.duplicates')}</h3>
                  <ul>
                    {current.duplicates.map((d) => (
                      <li key={d.id}>{d.path}</li>
                    ))}
                  </ul>
                </div>
              )}
              {unreachable && (
                <div className="photo-offline" data-testid="photo-offline" role="status">
                  <span className="offline-badge">
                    {t(unreachable === 'offline' ? 'photo.offline' : 'photo.missing')}
                  </span>
                  <span>
                    {t(unreachable === 'offline' ? 'photo.offlineHint' : 'photo.missingHint')}
                  </span>
                </div>
              )}
              {!unreachable && !props.canOpenFiles && client.originalUrl && (
                <div className="photo-actions">
                  <a
                    className="secondary-button"
                    data-testid="open-original"
                    href={client.originalUrl(photo.id)}
                    target="_blank"
                    rel="noopener noreferrer"
                  >
                    <Icon name="external" size={14} />
                    {t('photo.openOriginal')}
                  </a>
                </div>
              )}
              {!unreachable && props.canOpenFiles && (
                <div className="photo-actions">
                  <button
                    type="button"
                    className="secondary-button"
                    onClick={() => {
                      client.api['photos.openOriginal']({ id: photo.id }).catch(setError);
                    }}
                  >
                    <Icon name="external" size={14} />
                    {t('photo.openOriginal')}
                  </button>
                  <button
                    type="button"
                    className="secondary-button"
                    onClick={() => {
                      client.api['photos.showInFolder']({ id: photo.id }).catch(setError);
                    }}
                  >
                    <Icon name="folder" size={14} />
                    {t('photo.showInFolder')}
                  </button>
                </div>
              )}
              {props.onShowSimilar && (
                <div className="photo-actions">
                  <button
                    type="button"
                    className="secondary-button"
                    data-testid="photo-similar"
                    // Unhashed, the search would show an empty grid with no reason given.
                    disabled={current.similar !== 'ready'}
                    onClick={props.onShowSimilar}
                  >
                    <Icon name="copies" size={14} />
                    {t('photo.similar')}
                  </button>
                  {current.similar !== 'ready' && (
                    <p className="side-hint" data-testid="photo-similar-state">
                      {t(
                        current.similar === 'unreadable'
                          ? 'photo.similarUnreadable'
                          : 'photo.similarNotAnalysed',
                      )}
                    </p>
                  )}
                </div>
              )}
            </section>
          </>
        )}
      </aside>
    </div>
  );
}

const focusableSelector =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** Keeps Tab and Shift+Tab inside the viewer (wrapping at either end). */
function trapTab(e: React.KeyboardEvent, container: HTMLElement): void {
  const focusable = [...container.querySelectorAll<HTMLElement>(focusableSelector)].filter(
    (el) => el.offsetParent !== null,
  );
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  if (!first || !last) {
    e.preventDefault();
    return;
  }
  const active = document.activeElement;
  if (e.shiftKey && (active === first || active === container)) {
    e.preventDefault();
    last.focus({ preventScroll: true });
  } else if (!e.shiftKey && active === last) {
    e.preventDefault();
    first.focus({ preventScroll: true });
  }
}

function Fact({ label, value, mono = false }: { label: string; value: string; mono?: boolean }) {
  return (
    <>
      <dt>{label}</dt>
      <dd className={mono ? 'mono' : undefined} title={value}>
        {value}
      </dd>
    </>
  );
}

/** The names a tag menu needs, from the photo's tag rows. */
function handleOf(details: PhotoDetails, entry: TagEntry) {
  const row = details.tags.find((t) => t.tagId === entry.tagId);
  return {
    tagId: entry.tagId,
    name: entry.name,
    type: entry.type,
    zh: row?.zh ?? entry.label,
    en: row?.en ?? entry.label,
  };
}
