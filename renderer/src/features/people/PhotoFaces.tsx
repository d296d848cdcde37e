// The faces of the photo shown in the photo view: each as a crop with its person's name,
// and "Who is this?" on a face whose person has no name (or that has none): the name typed
// either joins the person who already has it or names the face's person.
import { useEffect, useState } from 'react';
import type { FaceView } from '../../../../preload/api-contract.ts';
import { useClient } from '../../api/client-context.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { describeError } from '../../lib/errors.ts';
import { FaceCrop, personName } from './PeopleView.tsx';

export function PhotoFaces(props: { photoId: number; version: number; onChanged: () => void }) {
  const { t, lang } = useI18n();
  const client = useClient();
  const [faces, setFaces] = useState<FaceView[]>([]);
  const [asking, setAsking] = useState<number | null>(null);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    client.api['photos.faces']({ id: props.photoId }).then(setFaces, (e: unknown) => {
      setError(describeError(e, t));
    });
  }, [client, props.photoId, props.version, reload, t]);

  if (faces.length === 0) return null;
  const save = (face: FaceView) => {
    const typed = name.trim();
    if (typed === '') return;
    client.api['people.nameFace']({ faceId: face.id, name: typed }).then(
      () => {
        setAsking(null);
        setName('');
        setError(null);
        setReload((n) => n + 1);
        props.onChanged();
      },
      (e: unknown) => {
        setError(describeError(e, t));
      },
    );
  };
  return (
    <section className="info-section" data-testid="photo-faces">
      <h2>{t('people.inThisPhoto')}</h2>
      {error && <p className="form-error">{error}</p>}
      <ul className="photo-faces">
        {faces.map((face) => {
          const named = personName(face, lang);
          return (
            <li key={face.id} className="photo-face">
              <FaceCrop face={face} size={48} />
              {named !== null ? (
                <span className="photo-face-name" data-testid="face-name">
                  {named}
                </span>
              ) : asking === face.id ? (
                <form
                  className="inline-form"
                  onSubmit={(e) => {
                    e.preventDefault();
                    save(face);
                  }}
                >
                  <input
                    autoFocus
                    data-testid="who-is-this-name"
                    value={name}
                    placeholder={t('people.namePlaceholder')}
                    aria-label={t('people.namePlaceholder')}
                    onChange={(e) => {
                      setName(e.target.value);
                    }}
                  />
                </form>
              ) : (
                <button
                  type="button"
                  className="mini-text-button"
                  data-testid="who-is-this"
                  onClick={() => {
                    setAsking(face.id);
                    setName('');
                  }}
                >
                  {t('people.whoIsThis')}
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
