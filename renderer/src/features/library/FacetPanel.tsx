// The refine panel: facet counts of the current results (tags, years, folders, engines).
// A click adds the matching term to the query; clicking an active one takes it out. A tag's
// "⋯" menu renames it or merges it into another (features/tags).
import type { SearchFacets, TagCount, TagType } from '../../../../preload/api-contract.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { formatCount } from '../../lib/format.ts';
import { hasTerm, quoteTerm, refineQuery, removeTerm } from '../../lib/query-edit.ts';
import { tagLabel } from '../../lib/tag-groups.ts';
import { replaceTagTerms } from '../../lib/tag-query.ts';
import type { TagChange } from '../tags/TagDialog.tsx';
import { TagMenu } from '../tags/TagMenu.tsx';
import { engineLabel } from '../../lib/engine-names.ts';

interface FacetItem {
  key: string;
  label: string;
  term: string;
  count: number;
  type?: TagType;
  tag?: TagCount;
}

export function FacetPanel(props: {
  facets: SearchFacets | null;
  query: string;
  onQuery: (q: string) => void;
}) {
  const { t, lang } = useI18n();
  const f = props.facets;
  if (!f) return <aside className="facets" aria-label={t('facets.title')} />;

  const groups: { title: string; items: FacetItem[]; testId: string }[] = [
    {
      title: t('facets.tags'),
      testId: 'facet-tags',
      items: f.tags.map((tag) => ({
        key: `${tag.type}:${tag.name}`,
        label: tagLabel(tag, lang),
        term: quoteTerm(tagLabel(tag, lang)),
        count: tag.count,
        type: tag.type,
        tag,
      })),
    },
    {
      title: t('facets.years'),
      testId: 'facet-years',
      items: f.years.map((y) => ({
        key: String(y.year),
        label: String(y.year),
        term: `date:${y.year}`,
        count: y.count,
      })),
    },
    {
      title: t('facets.folders'),
      testId: 'facet-folders',
      items: f.folders.map((x) => ({
        key: String(x.id),
        label: x.path.split(/[\\/]/).filter(Boolean).pop() ?? x.path,
        term: `folder:${quoteTerm(x.path)}`,
        count: x.count,
      })),
    },
    {
      title: t('facets.engines'),
      testId: 'facet-engines',
      items: f.engines.map((e) => ({
        key: e.engine,
        label: engineLabel(e.engine, t),
        term: `engine:${e.engine}`,
        count: e.count,
      })),
    },
  ];
  const visible = groups.filter((g) => g.items.length > 0);
  // The search box follows a renamed or merged tag (its old display names stop matching).
  const followTagChange = (change: TagChange) => {
    const [before, after] =
      change.kind === 'renamed' ? [change.before, change.after] : [change.from, change.into];
    const next = replaceTagTerms(props.query, before, after);
    if (next !== props.query) props.onQuery(next);
  };

  return (
    <aside className="facets" aria-label={t('facets.title')} data-testid="facets">
      <h2 className="facets-title">{t('facets.title')}</h2>
      {visible.length === 0 && <p className="side-hint">{t('facets.none')}</p>}
      {visible.map((group) => (
        <section key={group.title} className="facet-group" data-testid={group.testId}>
          <h3>{group.title}</h3>
          <ul>
            {group.items.map((item) => {
              const active = hasTerm(props.query, item.term);
              return (
                <li
                  key={item.key}
                  className={item.tag ? 'facet-row' : undefined}
                  data-tag={item.tag?.name}
                >
                  <button
                    type="button"
                    className={`facet${active ? ' active' : ''}`}
                    aria-pressed={active}
                    title={item.term}
                    onClick={() => {
                      props.onQuery(
                        active
                          ? removeTerm(props.query, item.term)
                          : refineQuery(props.query, item.term),
                      );
                    }}
                  >
                    {item.type && <span className={`type-dot ${item.type}`} aria-hidden="true" />}
                    <span className="facet-label">{item.label}</span>
                    <span className="count">{formatCount(item.count, lang)}</span>
                  </button>
                  {item.tag && <TagMenu tag={item.tag} onChanged={followTagChange} />}
                </li>
              );
            })}
          </ul>
        </section>
      ))}
    </aside>
  );
}
