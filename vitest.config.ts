import { defineConfig } from 'vitest/config';

// Tests use real parts (SQLite files, sharp, chokidar, HTTP servers), so they run in
// forked processes with generous timeouts; speed is measured in bench/, not here.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
