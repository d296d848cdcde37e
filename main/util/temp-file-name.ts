// The names of Tujian's temporary files. Renditions (writeAtomically in
// main/library/library-files.ts) and the secrets file are written to `<name>.<pid>-<random>.tmp`
// or `<name>.<pid>.tmp` and renamed into place, so the name tells which process writes it:
// both the start-up sweep (main/library/abandoned-work.ts) and `tujian check --fix-orphans`
// (main/catalog/catalog-check.ts) must leave a live writer's file alone.

/** `<name>.<pid>.tmp` or `<name>.<pid>-<random>.tmp`: the pid of the process writing it. */
const tempFileName = /\.(\d+)(?:-[0-9a-z]+)?\.tmp$/;

/** The writer's pid a temporary file's name carries, if it is one of ours. */
export function tempFileWriterPid(name: string): number | undefined {
  const match = tempFileName.exec(name);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
