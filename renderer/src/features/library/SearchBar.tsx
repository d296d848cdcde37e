// The one search box: the full query language, searched as you type (debounced), with
// tag autocomplete (counts) for the word under the caret.
import { useEffect, useRef, useState } from 'react';
import type { TagCount } from '../../../../preload/api-contract.ts';
import { useClient } from '../../api/client-context.tsx';
import { Icon } from '../../components/Icon.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { QuerySyntaxError } from '../../lib/errors.ts';
import { formatCount } from '../../lib/format.ts';
import { applyCompletion, wordAtCaret, type WordAtCaret } from '../../lib/query-edit.ts';
import { tagLabel } from '../../lib/tag-groups.ts';

const debounceMs = 250;

export function SearchBar({
  query,
  onQuery,
  syntaxError,
}: {
  query: string;
  /** `typing`: sent by the debounce while typing, so the last word is a prefix. */
  onQuery: (q: string, typing?: boolean) => void;
  syntaxError: QuerySyntaxError | null;
}) {
  const client = useClient();
  const { t, lang } = useI18n();
  const [text, setText] = useState(query);
  const [suggestions, setSuggestions] = useState<TagCount[]>([]);
  const [highlight, setHighlight] = useState(-1);
  const [showHelp, setShowHelp] = useState(false);
  const wordRef = useRef<WordAtCaret | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const typedRef = useRef(query);
  const helpRef = useRef<HTMLDivElement>(null);
  const helpButtonRef = useRef<HTMLButtonElement>(null);

  // The help popover closes on Escape (wherever focus is) and on a click outside it.
  useEffect(() => {
    if (!showHelp) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        setShowHelp(false);
        helpButtonRef.current?.focus();
      }
    };
    const onPointer = (e: MouseEvent) => {
      const target = e.target as Node;
      if (!helpRef.current?.contains(target) && !helpButtonRef.current?.contains(target)) {
        setShowHelp(false);
      }
    };
    document.addEventListener('keydown', onKey, true);
    document.addEventListener('mousedown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey, true);
      document.removeEventListener('mousedown', onPointer);
    };
  }, [showHelp]);

  // A query set from outside (facet click, album) replaces what is in the box.
  useEffect(() => {
    if (query !== typedRef.current) {
      typedRef.current = query;
      setText(query);
    }
  }, [query]);

  useEffect(() => {
    if (text === typedRef.current) return;
    const timer = setTimeout(() => {
      // Enter (or a completion) may have sent this text already.
      if (text === typedRef.current) return;
      typedRef.current = text;
      // Trailing space kept out of the query, but it ends the word: no prefix then.
      onQuery(text.trim(), !/\s$/.test(text));
    }, debounceMs);
    return () => {
      clearTimeout(timer);
    };
  }, [text, onQuery]);

  const suggest = (value: string, caret: number) => {
    const at = wordAtCaret(value, caret);
    wordRef.current = at;
    if (!at) {
      setSuggestions([]);
      return;
    }
    client.api['photos.autocomplete']({ prefix: at.word, limit: 8 }).then(
      (list) => {
        if (wordRef.current === at) {
          setSuggestions(list);
          // Nothing is highlighted until the arrows are used: Enter searches what was typed.
          setHighlight(-1);
        }
      },
      () => {
        setSuggestions([]);
      },
    );
  };

  const accept = (tag: TagCount) => {
    const at = wordRef.current;
    if (!at) return;
    const completion = applyCompletion(text, at, tagLabel(tag, lang));
    setText(completion.query);
    setSuggestions([]);
    wordRef.current = null;
    typedRef.current = completion.query;
    onQuery(completion.query.trim());
    requestAnimationFrame(() => {
      inputRef.current?.setSelectionRange(completion.caret, completion.caret);
    });
  };

  return (
    <div className="search">
      <div className="search-box">
        <Icon name="search" />
        <input
          ref={inputRef}
          type="search"
          data-testid="search-input"
          value={text}
          placeholder={t('search.placeholder')}
          spellCheck={false}
          autoComplete="off"
          aria-label={t('search.placeholder')}
          aria-autocomplete="list"
          aria-expanded={suggestions.length > 0}
          onChange={(e) => {
            setText(e.target.value);
            suggest(e.target.value, e.target.selectionStart ?? e.target.value.length);
          }}
          onBlur={() => {
            setTimeout(() => {
              setSuggestions([]);
            }, 150);
          }}
          onKeyDown={(e) => {
            const current =
              suggestions[highlight] ?? (e.key === 'Tab' ? suggestions[0] : undefined);
            if (suggestions.length > 0 && e.key === 'ArrowDown') {
              e.preventDefault();
              setHighlight((h) => (h + 1) % suggestions.length);
            } else if (suggestions.length > 0 && e.key === 'ArrowUp') {
              e.preventDefault();
              setHighlight((h) => (h - 1 + suggestions.length) % suggestions.length);
            } else if (current && (e.key === 'Tab' || e.key === 'Enter')) {
              e.preventDefault();
              accept(current);
            } else if (e.key === 'Enter') {
              setSuggestions([]);
              wordRef.current = null;
              typedRef.current = text;
              onQuery(text.trim());
            } else if (e.key === 'Escape') {
              if (suggestions.length > 0) setSuggestions([]);
              else setText('');
            }
          }}
        />
        {text !== '' && (
          <button
            type="button"
            className="search-clear"
            aria-label={t('search.clear')}
            title={t('search.clear')}
            onClick={() => {
              setText('');
              typedRef.current = '';
              onQuery('');
            }}
          >
            <Icon name="close" size={14} />
          </button>
        )}
        <button
          ref={helpButtonRef}
          type="button"
          data-testid="search-help-button"
          aria-expanded={showHelp}
          className={`search-help-button${showHelp ? ' active' : ''}`}
          aria-label={t('search.help')}
          title={t('search.help')}
          onClick={() => {
            setShowHelp((s) => !s);
          }}
        >
          ?
        </button>
      </div>
      {suggestions.length > 0 && (
        <ul className="suggestions" role="listbox" data-testid="suggestions">
          {suggestions.map((s, i) => (
            <li
              key={`${s.name}-${s.type}`}
              role="option"
              aria-selected={i === highlight}
              className={i === highlight ? 'highlight' : ''}
              onMouseDown={(e) => {
                e.preventDefault();
                accept(s);
              }}
              onMouseEnter={() => {
                setHighlight(i);
              }}
            >
              <span className="suggestion-label">{tagLabel(s, lang)}</span>
              <span className="suggestion-alt">{lang === 'zh' ? s.en : s.zh}</span>
              <span className="suggestion-type">{t(`tagType.${s.type}`)}</span>
              <span className="count">{formatCount(s.count, lang)}</span>
            </li>
          ))}
        </ul>
      )}
      {syntaxError && !showHelp && suggestions.length === 0 && (
        <div className="search-syntax-hint" role="status" data-testid="search-syntax-hint">
          <span>{t('search.syntaxHint', { position: syntaxError.start + 1 })}</span>
          <code>
            {syntaxError.query.slice(0, syntaxError.start)}
            <mark>
              {syntaxError.query.slice(syntaxError.start, syntaxError.start + syntaxError.length) ||
                '\u00a0'}
            </mark>
            {syntaxError.query.slice(syntaxError.start + syntaxError.length)}
          </code>
          {lang === 'en' && <span className="search-syntax-detail">{syntaxError.message}</span>}
        </div>
      )}
      {showHelp && (
        <div className="search-help" role="note" ref={helpRef} data-testid="search-help">
          {t('search.helpText')}
        </div>
      )}
    </div>
  );
}
