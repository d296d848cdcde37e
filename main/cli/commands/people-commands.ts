// `tujian people`: the persons found in the photos (main/people) and the user's decisions
// about them, which no re-clustering or re-tagging undoes ([Note: People decisions are
// constraints] in catalog/migrations/0013-people.ts):
//   people [list] [--all]                 persons, named first (--all: hidden ones too)
//   people show <id>                      one person: names, faces, photos
//   people name <id> <name> [--en <name>] name a person (<name> is the Chinese/main name)
//   people merge <from> <into>            one person is another
//   people move <face> <person|new>       a face belongs to another (or a new) person
//   people reject <face> [<person>]       "not this person" (the face's own by default)
//   people hide|unhide <id>               keep a person out of the People view
//   people recluster                      run the full pass now
//   people import-regions                 read other tools' face names (MWG regions) of the
//                                         photos already in the catalog
import type { Catalog } from '../../catalog/catalog-connection.ts';
import {
  FaceNotFoundError,
  listPhotoPlacesOfContents,
  getPerson,
  listPersonFaces,
  listPersons,
  mergePersons,
  moveFace,
  namePerson,
  PersonNotFoundError,
  rejectFace,
  requestRecluster,
  setPersonHidden,
  type AssignedBy,
  type PersonSummary,
} from '../../catalog/people.ts';
import { countImportedFaceRegions } from '../../catalog/imported-face-regions.ts';
import { importLibraryFaceRegions } from '../../library/mwg-face-regions.ts';
import { createXmpTool } from '../../library/xmp-sidecars.ts';
import { reclusterCatalog } from '../../people/people-sync.ts';
import { escapeTerminalLines } from '../../util/terminal-text.ts';
import { type CliCommand, type CliInvocation, flagOption, stringOption } from '../cli-command.ts';
import { openCliContext } from '../cli-context.ts';
import { ExitCode, UsageError } from '../cli-errors.ts';
import { startCliSidecars } from '../cli-sidecars.ts';

function idArgument(text: string | undefined, what: string): number {
  if (text === undefined || !/^\d+$/.test(text)) throw new UsageError(`${what} must be a number`);
  return Number(text);
}

function nameOf(p: Pick<PersonSummary, 'id' | 'zh' | 'en'>): string {
  if (p.zh === null && p.en === null) return `(unnamed #${String(p.id)})`;
  return p.zh === p.en || p.en === null ? (p.zh ?? '') : `${p.zh ?? ''} / ${p.en}`;
}

function personLine(p: PersonSummary): string {
  const counts = `${String(p.faces)} face${p.faces === 1 ? '' : 's'}, ${String(p.photos)} photo${p.photos === 1 ? '' : 's'}`;
  return `#${String(p.id)}  ${nameOf(p)}  (${counts})${p.hidden ? '  [hidden]' : ''}`;
}

const assignedByLabel: Record<AssignedBy, string> = {
  user: '(yours)',
  auto: '(found)',
  imported: '(named by another tool)',
};

/** What `people show` prints or returns. */
function showPerson(db: Catalog, id: number, json: boolean): string {
  const person = getPerson(db, id);
  if (!person) throw new PersonNotFoundError(id);
  const faces = listPersonFaces(db, person.id);
  const places = listPhotoPlacesOfContents(
    db,
    faces.map((f) => f.contentId),
  );
  if (json) {
    return JSON.stringify({
      person,
      faces: faces.map((f) => ({
        id: f.id,
        contentId: f.contentId,
        box: f.box,
        assignedBy: f.assignedBy,
      })),
      photos: places,
    });
  }
  return [
    personLine(person),
    ...faces.map(
      (f) =>
        `  face #${String(f.id)} ${assignedByLabel[f.assignedBy ?? 'auto']} in ` +
        places
          .filter((p) => p.contentId === f.contentId)
          .map((p) => p.path)
          .join(', '),
    ),
  ].join('\n');
}

function runPeopleAction(db: Catalog, inv: CliInvocation): string {
  const [action = 'list', first, second] = inv.positionals;
  const json = inv.global.json;
  const now = Date.now();
  switch (action) {
    case 'list': {
      const persons = listPersons(db, { includeHidden: flagOption(inv, 'all') });
      // Names other tools gave to faces that no detected face matches (yet): shown, not lost.
      const importedRegions = countImportedFaceRegions(db);
      if (json) return JSON.stringify({ persons, importedRegions });
      const waiting =
        importedRegions.unmatched === 0
          ? []
          : [
              `${String(importedRegions.unmatched)} face name${importedRegions.unmatched === 1 ? '' : 's'} from other tools match no face found: ` +
                importedRegions.unmatchedByName
                  .map((n) => `${n.name} (${String(n.photos)} photo${n.photos === 1 ? '' : 's'})`)
                  .join(', '),
            ];
      if (persons.length === 0) {
        return ['No persons yet (faces are grouped as photos are tagged).', ...waiting].join('\n');
      }
      return [...persons.map(personLine), ...waiting].join('\n');
    }
    case 'show':
      return showPerson(db, idArgument(first, 'the person id'), json);
    case 'name': {
      const id = idArgument(first, 'the person id');
      const name = inv.positionals.slice(2).join(' ').trim();
      const en = stringOption(inv, 'en');
      if (name === '' && (en ?? '') === '') {
        throw new UsageError('people name needs a name (and --en <name> for the English one)');
      }
      namePerson(db, id, { zh: name, en }, now);
      const person = getPerson(db, id);
      if (json) return JSON.stringify({ person });
      return person ? `Named ${personLine(person)}` : `Named #${String(id)}`;
    }
    case 'merge': {
      const from = idArgument(first, 'the person to merge');
      const into = idArgument(second, 'the person to merge into');
      mergePersons(db, from, into, now);
      const person = getPerson(db, into);
      if (json) return JSON.stringify({ merged: from, person });
      return `Merged #${String(from)} into ${person ? personLine(person) : `#${String(into)}`}`;
    }
    case 'move': {
      const face = idArgument(first, 'the face id');
      const target = second === 'new' ? null : idArgument(second, 'the person id (or "new")');
      const person = moveFace(db, face, target, now);
      if (json) return JSON.stringify({ face, person });
      return `Face #${String(face)} is now in person #${String(person)}`;
    }
    case 'reject': {
      const face = idArgument(first, 'the face id');
      const person = rejectFace(
        db,
        face,
        second === undefined ? null : idArgument(second, 'the person id'),
        now,
      );
      if (json) return JSON.stringify({ face, rejected: person });
      return person === null
        ? `Face #${String(face)} belongs to no person: nothing to reject`
        : `Face #${String(face)} is not person #${String(person)} (remembered)`;
    }
    case 'hide':
    case 'unhide': {
      const id = idArgument(first, 'the person id');
      setPersonHidden(db, id, action === 'hide');
      if (json) return JSON.stringify({ person: id, hidden: action === 'hide' });
      return `Person #${String(id)} ${action === 'hide' ? 'hidden' : 'shown again'}`;
    }
    default:
      throw new UsageError(`unknown people action "${action}"`);
  }
}

export const peopleCommand: CliCommand = {
  name: 'people',
  summary:
    'Persons found in your photos: list, show <id>, name <id> <name> [--en <name>], merge, move, reject, hide, recluster, import-regions',
  usage:
    'tujian people [list [--all]] | show <id> | name <id> <name> [--en <name>] | merge <from> <into> | move <face> <person|new> | reject <face> [<person>] | hide|unhide <id> | recluster | import-regions  [--json]',
  options: { en: { type: 'string' }, all: { type: 'boolean' } },
  async run(inv) {
    const ctx = openCliContext(inv);
    try {
      if (inv.positionals[0] === 'import-regions') {
        const tool = createXmpTool();
        try {
          const done = await importLibraryFaceRegions(ctx.db, tool);
          const counts = countImportedFaceRegions(ctx.db);
          if (inv.global.json) inv.io.printJson({ ...done, importedRegions: counts });
          else
            inv.io.print(
              `Looked at ${String(done.photos)} photos (${String(done.unreachable)} not reachable): ` +
                `${String(done.regions)} new face names; ${String(counts.matched)} of ` +
                `${String(counts.total)} name a face found.`,
            );
        } finally {
          await tool.end();
        }
      } else if (inv.positionals[0] === 'recluster') {
        requestRecluster(ctx.db, Date.now());
        const done = await reclusterCatalog(ctx.db);
        if (inv.global.json) inv.io.printJson(done);
        else
          inv.io.print(
            `Re-clustered ${String(done.faces)} faces in ${done.ms.toFixed(0)} ms: ` +
              `${String(done.changed)} moved, ${String(done.created)} new persons; your decisions kept.`,
          );
      } else {
        let text: string;
        try {
          text = runPeopleAction(ctx.db, inv);
        } catch (error) {
          if (error instanceof PersonNotFoundError || error instanceof FaceNotFoundError) {
            inv.io.stderr.write(`${error.message}\n`);
            return ExitCode.failure;
          }
          throw error;
        }
        inv.io.stdout.write(`${inv.global.json ? text : escapeTerminalLines(text)}\n`);
      }
      // Person tags are keywords: their sidecars follow before exiting (when XMP writing is on).
      await startCliSidecars(ctx.db, ctx.log).finish(inv.io.print);
      return ExitCode.ok;
    } finally {
      ctx.close();
    }
  },
};
