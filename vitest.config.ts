import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

/**
 * Two projects. "hub": every test file gets databases and a stack of its own
 * (tests/setup/file-hub.ts), over one PostgreSQL server and templates that
 * globalSetup prepares once. "unit": the files that need no hub (pure
 * functions, the repository's own files, or processes they start
 * themselves) pay for none; hub() refuses to answer there.
 */
const HUB_FREE = [
  'tests/unit/**/*.test.ts',
  'tests/platform/composition.test.ts',
  'tests/platform/deployment.test.ts',
  'tests/platform/kubernetes.test.ts',
  'tests/start.test.ts',
  'tests/fresh-clone.test.ts',
];

export default defineConfig({
  resolve: {
    // One graphql-js, as under Node in production: Vite would give the tests graphql's ESM build
    // (its "module" field) while Hive Gateway's packages load the CommonJS one, and errors made by
    // one copy are not `instanceof` the other's GraphQLError.
    alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }],
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Test files run in parallel, each over databases of its own.
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      // tests/setup/english.ts: messages made outside a request in English, in which the tests are written
      { extends: true, test: { name: 'unit', include: HUB_FREE, setupFiles: ['tests/setup/english.ts'] } },
      {
        extends: true,
        test: {
          name: 'hub',
          // One worker imports the stack's modules once and reuses them for its files; every file still starts its own stack over its own databases.
          isolate: false,
          include: ['tests/**/*.test.ts'],
          exclude: HUB_FREE,
          globalSetup: ['tests/setup/global.ts'],
          setupFiles: ['tests/setup/english.ts', 'tests/setup/file-hub.ts'],
        },
      },
    ],
  },
});
