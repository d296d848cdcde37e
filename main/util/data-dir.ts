// Where Tujian keeps its catalog, thumbnails and previews: the user's data folder,
// never the photo share. `--data DIR` and TUJIAN_DATA override the per-OS default.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface DataDirInputs {
  readonly flag?: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
  readonly platform?: NodeJS.Platform;
  readonly home?: string;
}

export function resolveDataDir(inputs: DataDirInputs = {}): string {
  const env = inputs.env ?? process.env;
  if (inputs.flag) return resolve(inputs.flag);
  const fromEnv = env.TUJIAN_DATA;
  if (fromEnv) return resolve(fromEnv);
  const home = inputs.home ?? homedir();
  const platform = inputs.platform ?? process.platform;
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'tujian');
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'tujian');
  return join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'tujian');
}

export interface DataPaths {
  readonly root: string;
  readonly catalog: string;
  readonly thumbnails: string;
  readonly previews: string;
  readonly settings: string;
  readonly backups: string;
}

export function dataPaths(root: string): DataPaths {
  return {
    root,
    catalog: join(root, 'catalog.sqlite'),
    thumbnails: join(root, 'thumbnails'),
    previews: join(root, 'previews'),
    settings: join(root, 'settings.json'),
    backups: join(root, 'backups'),
  };
}
