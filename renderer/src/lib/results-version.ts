// Which catalog changes the library's current results follow (the `version` LibraryView
// searches again on). Tag jobs and edits bump `photos`; album edits bump `albums`; the
// background matcher, which puts new faces into persons with no job or API call, sends only
// `people` (main/app/app-context.ts). A face put into "Mum" gives its photo Mum's person tag,
// so a search for Mum finds one more photo: a search with words (any word may be a person's
// name) or a smart album follows `people` too. All photos and a manual album do not, so a
// long matcher run does not reload them for nothing.

export interface ResultVersions {
  readonly photos: number;
  readonly albums: number;
  readonly people: number;
}

export function resultsVersion(
  versions: ResultVersions,
  view: { readonly query: string; readonly albumKind: 'smart' | 'manual' | null },
): number {
  // A manual album's photos change with album edits too (scope 'albums').
  if (view.albumKind === 'manual') return versions.photos + versions.albums;
  const mayNamePerson = view.albumKind === 'smart' || view.query.trim() !== '';
  return mayNamePerson ? versions.photos + versions.people : versions.photos;
}
