// The Electron main entry (package.json "main"). Registers tsx so the TypeScript sources run
// as they are, like the CLI (bin/tujian.js): the local engine's worker threads find their
// sources next to them, which a bundled main would break. Then hands electron to the app.
import { register } from 'tsx/esm/api';
import * as electron from 'electron';

register();
const { runDesktopApp } = await import('./desktop-main.ts');
runDesktopApp(electron);
