// The text read in a photo (the on-device `text` engine): its lines as outlines over the
// preview (`TextBoxes`, inside the photo frame) and as a list beside it (`PhotoTextSection`)
// that can be selected and copied. Hovering a line outlines its box and dims the others;
// hovering a box marks its line. The boxes are quadrilaterals (text can be slanted), so
// they are drawn as SVG polygons in the frame's 0–100 space.
import { useState } from 'react';
import type { PhotoDetails } from '../../../../preload/api-contract.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { formatConfidence } from '../../lib/format.ts';

type PhotoText = PhotoDetails['text'];

export function TextBoxes(props: {
  text: PhotoText;
  hovered: number | null;
  onHover: (line: number | null) => void;
}) {
  const { text, hovered, onHover } = props;
  if (text.lines.length === 0) return null;
  return (
    <svg
      className="text-boxes"
      data-testid="text-boxes"
      viewBox="0 0 100 100"
      preserveAspectRatio="none"
      aria-hidden="true"
    >
      {text.lines.map((line, i) => (
        <polygon
          key={i}
          data-testid="text-box"
          data-line={i}
          className={`text-box${hovered === i ? ' highlight' : ''}${hovered !== null && hovered !== i ? ' dim' : ''}`}
          points={line.box.map(([x, y]) => `${x * 100},${y * 100}`).join(' ')}
          vectorEffect="non-scaling-stroke"
          onMouseEnter={() => {
            onHover(i);
          }}
          onMouseLeave={() => {
            onHover(null);
          }}
        />
      ))}
    </svg>
  );
}

export function PhotoTextSection(props: {
  text: PhotoText;
  hovered: number | null;
  onHover: (line: number | null) => void;
}) {
  const { t } = useI18n();
  const { text, hovered, onHover } = props;
  const [copied, setCopied] = useState(false);
  const all = text.lines.map((line) => line.text).join('\n');
  return (
    <section className="info-section" data-testid="photo-text">
      <h2>{t('photo.text')}</h2>
      {text.state === 'not-read' && <p className="side-hint">{t('photo.textNotRead')}</p>}
      {text.state === 'no-text' && <p className="side-hint">{t('photo.textNone')}</p>}
      {text.state === 'text' && (
        <>
          <div className="text-toolbar">
            <span className="side-hint">{t('photo.textLines', { count: text.lines.length })}</span>
            <button
              type="button"
              className="text-button"
              data-testid="copy-text"
              onClick={() => {
                navigator.clipboard.writeText(all).then(
                  () => {
                    setCopied(true);
                  },
                  () => {
                    // No clipboard permission: the lines stay selectable by hand.
                    setCopied(false);
                  },
                );
              }}
            >
              {copied ? t('photo.textCopied') : t('photo.copyText')}
            </button>
          </div>
          <ol className="text-lines">
            {text.lines.map((line, i) => (
              <li
                key={i}
                data-testid="text-line"
                data-line={i}
                lang={line.language === 'zh' ? 'zh' : line.language === 'en' ? 'en' : undefined}
                className={`text-line${hovered === i ? ' hovered' : ''}`}
                title={formatConfidence(line.confidence)}
                onMouseEnter={() => {
                  onHover(i);
                }}
                onMouseLeave={() => {
                  onHover(null);
                }}
              >
                {line.text}
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
