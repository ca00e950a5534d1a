import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs nothing; `pg` (files named *.pg.test.ts) needs a
// PostgreSQL server — the embedded one by default, TEST_DATABASE_URL when set.
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
          globalSetup: ['test/helpers/pg-global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
