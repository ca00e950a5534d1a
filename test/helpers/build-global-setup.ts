import { randomUUID } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { buildOnce } from './build.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Names this `vitest run` for buildOnce: the first test file that needs dist/ builds it, the others reuse it. */
    heraldBuildRun: string;
  }
}

/**
 * The pg and e2e projects' run id, the same for both in one run (the main
 * process's environment), new for each rerun in watch mode. The e2e project
 * builds here, server and web app, since every one of its files needs both;
 * a pg file builds the server on first use (buildHerald).
 */
export default async function setup(project: TestProject) {
  process.env.HERALD_TEST_RUN ??= randomUUID();
  project.provide('heraldBuildRun', process.env.HERALD_TEST_RUN);
  project.onTestsRerun(() => {
    process.env.HERALD_TEST_RUN = randomUUID();
    project.provide('heraldBuildRun', process.env.HERALD_TEST_RUN);
  });
  if (project.name === 'e2e') await buildOnce(process.env.HERALD_TEST_RUN, { web: true });
}
