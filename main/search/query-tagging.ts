// Tagging the photos a search finds (`tujian tag add|rm <query> <tag>`): the catalog's tag
// edits (main/catalog/tag-editing.ts) run on SQL that the search planner, which lives above the
// catalog, makes from the query. The planner is handed in as a function, so the query is
// planned inside the edit's transaction, at the same point as the photo-id selection is read.
import type { Catalog } from '../catalog/catalog-connection.ts';
import type { TagSelection } from '../catalog/tag-editing.ts';
import { planQueryText } from './search-service.ts';

/** Photos to edit: explicit ids, or every photo a query finds. */
export type TagTarget = { readonly photoIds: readonly number[] } | { readonly query: string };

/**
 * The catalog's selection for a target. A query that does not parse throws `QueryParseError`
 * when the edit runs, before anything changes.
 */
export function selectionFor(db: Catalog, target: TagTarget): TagSelection {
  if ('photoIds' in target) return target;
  const { query } = target;
  return {
    planSearch: () => {
      const plan = planQueryText(db, query);
      return { from: plan.from, where: plan.where, params: plan.params };
    },
  };
}
