import { defineConfig } from 'vitest/config';

// Units (`*.test.ts`) sit beside the code; end-to-end runs through the gateway (`*.e2e.ts`)
// each boot the whole stack on their own fresh database.
export default defineConfig({
  test: {
    maxWorkers: 2,
    projects: [
      { test: { name: 'unit', include: ['{gateway,subgraphs,packages,schema}/**/*.test.ts'], benchmark: { include: [] } } },
      {
        test: {
          name: 'e2e',
          include: ['{gateway,subgraphs,packages,schema}/**/*.e2e.ts'],
          // `pnpm bench`: measured through the gateway like the e2e tests, never timed inside a test.
          benchmark: { include: ['{gateway,subgraphs,packages,schema}/**/*.bench.ts'] },
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
