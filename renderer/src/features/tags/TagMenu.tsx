// The small "⋯" menu on a tag (in the refine panel and the photo view's tag list): Rename…
// and Merge into…, each opening the TagDialog. The menu is placed with fixed coordinates
// from its button so a scrolling panel never clips it.
import { useEffect, useRef, useState } from 'react';
import { Icon } from '../../components/Icon.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { tagLabel } from '../../lib/tag-groups.ts';
import { TagDialog, type TagChange, type TagDialogMode, type TagHandle } from './TagDialog.tsx';

const menuWidth = 180;

export function TagMenu(props: {
  tag: TagHandle;
  onChanged?: (change: TagChange) => void;
  /** Extra class for the button (e.g. dark surfaces). */
  className?: string;
}) {
  const { t, lang } = useI18n();
  const [menuAt, setMenuAt] = useState<{ left: number; top: number } | null>(null);
  const [dialog, setDialog] = useState<TagDialogMode | null>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!menuAt) return;
    const close = (e: Event) => {
      if (e.target instanceof Node && menuRef.current?.contains(e.target)) return;
      if (e.target instanceof Node && buttonRef.current?.contains(e.target)) return;
      setMenuAt(null);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        setMenuAt(null);
      }
    };
    document.addEventListener('mousedown', close);
    window.addEventListener('keydown', onKey, true);
    window.addEventListener('resize', close);
    window.addEventListener('scroll', close, true);
    return () => {
      document.removeEventListener('mousedown', close);
      window.removeEventListener('keydown', onKey, true);
      window.removeEventListener('resize', close);
      window.removeEventListener('scroll', close, true);
    };
  }, [menuAt]);

  const open = (mode: TagDialogMode) => {
    setMenuAt(null);
    setDialog(mode);
  };
  const name = tagLabel(props.tag, lang);

  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        className={`row-action tag-menu-button${props.className ? ` ${props.className}` : ''}${menuAt ? ' open' : ''}`}
        data-testid="tag-menu"
        aria-haspopup="menu"
        aria-expanded={menuAt !== null}
        title={t('tags.menu', { name })}
        aria-label={t('tags.menu', { name })}
        onClick={(e) => {
          e.stopPropagation();
          if (menuAt) {
            setMenuAt(null);
            return;
          }
          const rect = e.currentTarget.getBoundingClientRect();
          setMenuAt({
            left: Math.max(8, Math.min(rect.right - menuWidth, window.innerWidth - menuWidth - 8)),
            top: Math.min(rect.bottom + 4, window.innerHeight - 96),
          });
        }}
      >
        <Icon name="more" size={14} />
      </button>
      {menuAt && (
        <div
          ref={menuRef}
          className="tag-menu"
          role="menu"
          data-testid="tag-menu-items"
          style={{ left: menuAt.left, top: menuAt.top, width: menuWidth }}
        >
          <button
            type="button"
            role="menuitem"
            autoFocus
            data-testid="tag-menu-rename"
            onClick={() => {
              open('rename');
            }}
          >
            <Icon name="edit" size={14} />
            {t('tags.rename')}
          </button>
          <button
            type="button"
            role="menuitem"
            data-testid="tag-menu-merge"
            onClick={() => {
              open('merge');
            }}
          >
            <Icon name="merge" size={14} />
            {t('tags.mergeInto')}
          </button>
        </div>
      )}
      {dialog && (
        <TagDialog
          tag={props.tag}
          mode={dialog}
          onClose={() => {
            setDialog(null);
          }}
          {...(props.onChanged ? { onChanged: props.onChanged } : {})}
        />
      )}
    </>
  );
}
