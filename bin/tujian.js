#!/usr/bin/env node
// The `tujian` command. Registers tsx so the TypeScript sources run as they are
// (no build step between an edit and a run), then hands over to the CLI.
import { register } from 'tsx/esm/api';

register();
await import('../main/cli/cli-program.ts');
