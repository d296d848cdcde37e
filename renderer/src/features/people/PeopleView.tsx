// The People view: every person found in the photos as a face crop with its counts and an
// inline name; merge by the ⋯ menu or by dragging one person onto another; a person's page
// with their faces ("Not this person" on each) and a way to their photos. Names are tags of
// type person, so a named person's photos are a search (`person:"name"`).
import { useCallback, useEffect, useState, type DragEvent } from 'react';
import type { FaceView, PersonView } from '../../../../preload/api-contract.ts';
import { useClient } from '../../api/client-context.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { describeError } from '../../lib/errors.ts';
import { faceCropStyle, faceCropWindow } from './face-window.ts';

/**
 * The face cut out of the content's thumbnail by CSS, with some room around it: a square of
 * the photo's pixels, so the face is never stretched (face-window.ts).
 */
export function FaceCrop(props: {
  face: Pick<FaceView, 'hash' | 'box' | 'aspect'>;
  size?: number;
}) {
  const client = useClient();
  const size = props.size ?? 120;
  return (
    <div
      className="face-crop"
      style={{
        width: size,
        height: size,
        backgroundImage: `url("${client.mediaUrl('thumbnail', props.face.hash)}")`,
        ...faceCropStyle(faceCropWindow(props.face.box, props.face.aspect), size),
      }}
    />
  );
}

export function personName(
  p: { zh: string | null; en: string | null },
  lang: 'zh' | 'en',
): string | null {
  return (lang === 'zh' ? (p.zh ?? p.en) : (p.en ?? p.zh)) ?? null;
}

/** A text field that saves on Enter or when it loses focus, if the text changed. */
function NameField(props: { value: string; testId: string; onSave: (name: string) => void }) {
  const { t } = useI18n();
  const [text, setText] = useState(props.value);
  useEffect(() => {
    setText(props.value);
  }, [props.value]);
  const save = () => {
    const name = text.trim();
    if (name !== '' && name !== props.value) props.onSave(name);
  };
  return (
    <input
      className="person-name"
      data-testid={props.testId}
      value={text}
      placeholder={t('people.namePlaceholder')}
      aria-label={t('people.namePlaceholder')}
      onChange={(e) => {
        setText(e.target.value);
      }}
      onBlur={save}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          save();
        }
      }}
    />
  );
}

export function PeopleView(props: {
  version: number;
  onChanged: () => void;
  /** Shows photos in the library: a query and, optionally, the photo to open. */
  onShowPhotos: (query: string, photoId: number | null) => void;
}) {
  const { t, lang } = useI18n();
  const client = useClient();
  const [persons, setPersons] = useState<PersonView[] | null>(null);
  const [showHidden, setShowHidden] = useState(false);
  const [openId, setOpenId] = useState<number | null>(null);
  const [opened, setOpened] = useState<{ person: PersonView; faces: FaceView[] } | null>(null);
  const [merging, setMerging] = useState<number | null>(null);
  const [dragged, setDragged] = useState<number | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(() => {
    client.api['people.list']({ includeHidden: showHidden }).then(setPersons, (e: unknown) => {
      setError(describeError(e, t));
    });
  }, [client, showHidden, t]);
  useEffect(reload, [reload, props.version]);
  useEffect(() => {
    if (openId === null) {
      setOpened(null);
      return;
    }
    client.api['people.get']({ id: openId }).then(setOpened, (e: unknown) => {
      setError(describeError(e, t));
    });
  }, [client, openId, props.version, t]);

  const act = (work: Promise<unknown>, done?: () => void) => {
    work.then(
      () => {
        setError(null);
        done?.();
        props.onChanged();
        reload();
      },
      (e: unknown) => {
        setError(describeError(e, t));
      },
    );
  };
  const rename = (person: PersonView, name: string) => {
    act(
      client.api['people.name'](
        lang === 'zh' ? { id: person.id, zh: name } : { id: person.id, en: name },
      ),
    );
  };
  const merge = (from: PersonView, into: PersonView) => {
    act(client.api['people.merge']({ fromId: from.id, intoId: into.id }), () => {
      setNote(
        t('people.mergeDone', {
          from: personName(from, lang) ?? t('people.unnamed'),
          into: personName(into, lang) ?? t('people.unnamed'),
        }),
      );
      if (openId === from.id) setOpenId(into.id);
    });
  };
  const searchOf = (person: PersonView) => {
    const name = personName(person, lang);
    return name === null ? '' : `person:"${name.replace(/"/g, '')}"`;
  };

  if (opened && openId !== null) {
    const { person, faces } = opened;
    const name = personName(person, lang);
    return (
      <main className="people-view" data-testid="person-page">
        <div className="people-header">
          <button
            type="button"
            className="text-button"
            data-testid="people-back"
            onClick={() => {
              setOpenId(null);
            }}
          >
            ← {t('people.back')}
          </button>
          <FaceCrop face={person.cover} size={64} />
          <NameField
            value={name ?? ''}
            testId="person-page-name"
            onSave={(n) => {
              rename(person, n);
            }}
          />
          <span className="people-count">
            {t('people.count', { faces: person.faces, photos: person.photos })}
          </span>
          {name !== null && (
            <button
              type="button"
              className="text-button"
              data-testid="person-photos"
              onClick={() => {
                props.onShowPhotos(searchOf(person), null);
              }}
            >
              {t('people.showPhotos')}
            </button>
          )}
          <button
            type="button"
            className="text-button"
            onClick={() => {
              act(client.api['people.setHidden']({ id: person.id, hidden: !person.hidden }));
            }}
          >
            {person.hidden ? t('people.show') : t('people.hide')}
          </button>
        </div>
        {error && <p className="form-error">{error}</p>}
        <div className="face-grid">
          {faces.map((face) => (
            <figure key={face.id} className="face-card" data-testid="person-face">
              <button
                type="button"
                className="face-open"
                onClick={() => {
                  props.onShowPhotos(searchOf(person), face.photoId);
                }}
              >
                <FaceCrop face={face} />
              </button>
              <button
                type="button"
                className="mini-text-button"
                data-testid="not-this-person"
                onClick={() => {
                  act(client.api['people.rejectFace']({ faceId: face.id, personId: person.id }));
                }}
              >
                {t('people.notThisPerson')}
              </button>
            </figure>
          ))}
        </div>
      </main>
    );
  }

  return (
    <main className="people-view" data-testid="people-view">
      <div className="people-header">
        <h1 className="album-title">{t('people.title')}</h1>
        <label className="people-hidden-toggle">
          <input
            type="checkbox"
            checked={showHidden}
            onChange={(e) => {
              setShowHidden(e.target.checked);
            }}
          />
          {t('people.showHidden')}
        </label>
        <span className="people-hint">{t('people.dragHint')}</span>
      </div>
      {note && <p className="people-note">{note}</p>}
      {error && <p className="form-error">{error}</p>}
      {persons?.length === 0 && <p className="people-empty">{t('people.empty')}</p>}
      <div className="person-grid">
        {(persons ?? []).map((person) => (
          <figure
            key={person.id}
            className={`person-card${dragged === person.id ? ' dragging' : ''}${person.hidden ? ' hidden-person' : ''}`}
            data-testid="person-card"
            data-person-id={person.id}
            draggable
            onDragStart={(e: DragEvent) => {
              e.dataTransfer.setData('text/x-tujian-person', String(person.id));
              setDragged(person.id);
            }}
            onDragEnd={() => {
              setDragged(null);
            }}
            onDragOver={(e: DragEvent) => {
              if (dragged !== null && dragged !== person.id) e.preventDefault();
            }}
            onDrop={(e: DragEvent) => {
              e.preventDefault();
              const from = (persons ?? []).find(
                (p) => p.id === Number(e.dataTransfer.getData('text/x-tujian-person')),
              );
              setDragged(null);
              if (from && from.id !== person.id) merge(from, person);
            }}
          >
            <button
              type="button"
              className="face-open"
              data-testid="open-person"
              onClick={() => {
                setOpenId(person.id);
              }}
            >
              <FaceCrop face={person.cover} />
            </button>
            <NameField
              value={personName(person, lang) ?? ''}
              testId="person-name"
              onSave={(name) => {
                rename(person, name);
              }}
            />
            <figcaption className="people-count">
              {t('people.count', { faces: person.faces, photos: person.photos })}
            </figcaption>
            {merging === person.id ? (
              <select
                data-testid="merge-target"
                aria-label={t('people.mergeInto')}
                defaultValue=""
                onChange={(e) => {
                  const into = (persons ?? []).find((p) => p.id === Number(e.target.value));
                  setMerging(null);
                  if (into) merge(person, into);
                }}
              >
                <option value="" disabled>
                  {t('people.mergeInto')}
                </option>
                {(persons ?? [])
                  .filter((p) => p.id !== person.id)
                  .map((p) => (
                    <option key={p.id} value={p.id}>
                      {personName(p, lang) ?? `${t('people.unnamed')} #${String(p.id)}`}
                    </option>
                  ))}
              </select>
            ) : (
              <button
                type="button"
                className="mini-text-button"
                data-testid="merge-person"
                onClick={() => {
                  setMerging(person.id);
                }}
              >
                {t('people.mergeInto')}
              </button>
            )}
          </figure>
        ))}
      </div>
    </main>
  );
}
