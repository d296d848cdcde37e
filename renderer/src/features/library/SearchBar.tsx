// The one search box: the full query language, searched as you type (debounced), with
// tag autocomplete (counts) for the word under the caret.
import { useEffect, useRef, useState } from 'react';
import type { TagCount } from '../../../../preload/api-contract.ts';
import { useClient } from '../../api/client-context.tsx';
import { Icon } from '../../components/Icon.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { formatCount } from '../../lib/format.ts';
import { applyCompletion, wordAtCaret, type WordAtCaret } from '../../lib/query-edit.ts';
import { tagLabel } from '../../lib/tag-groups.ts';

const debounceMs = 250;

export function SearchBar({ query, onQuery }: { query: string; onQuery: (q: string) => void }) {
  const client = useClient();
  const { t, lang } = useI18n();
  const [text, setText] = useState(query);
  const [suggestions, setSuggestions] = useState<TagCount[]>([]);
  const [highlight, setHighlight] = useState(-1);
  const [showHelp, setShowHelp] = useState(false);
  const wordRef = useRef<WordAtCaret | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const typedRef = useRef(query);

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
      typedRef.current = text;
      onQuery(text.trim());
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
          type="button"
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
      {showHelp && (
        <div className="search-help" role="note">
          {t('search.helpText')}
        </div>
      )}
    </div>
  );
}
