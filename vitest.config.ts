import { defineConfig } from 'vitest/config';

// Four projects: `unit` needs nothing; `pg` (files named *.pg.test.ts) needs a
// PostgreSQL server — the embedded one by default, TEST_DATABASE_URL when set;
// `web` renders the web app's components in happy-dom; `e2e` (*.e2e.test.ts)
// drives Debian's Chromium against a built Herald, and skips with a notice when
// /usr/bin/chromium is missing (fails instead with HERALD_E2E_REQUIRED=1).
// The pg and e2e projects build dist/ once per run (test/helpers/build.ts).
export default defineConfig({
  test: {
    // Two cores: more forks than that only make each test slower.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/*.pg.test.ts', '**/*.e2e.test.ts', 'node_modules/**'],
        },
      },
      {
        test: {
          name: 'pg',
          include: ['src/**/*.pg.test.ts', 'test/**/*.pg.test.ts'],
          globalSetup: ['test/helpers/pg-global-setup.ts', 'test/helpers/build-global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        esbuild: { jsx: 'automatic' },
        test: {
          name: 'web',
          include: ['web/**/*.test.tsx', 'web/**/*.test.ts'],
          environment: 'happy-dom',
          setupFiles: ['web/src/test-setup.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.test.ts'],
          globalSetup: ['test/helpers/build-global-setup.ts'],
          // Generous: on a loaded two-core machine a test waits on several deliveries of up to a minute.
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
