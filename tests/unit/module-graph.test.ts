/**
 * What scripts/run.mjs loads before tsx: the packages an entry's module
 * graph imports, read from the sources (scripts/module-graph.mjs).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { moduleGraph } from '../../scripts/module-graph.mjs';

describe('moduleGraph', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hub-graph-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('follows relative .ts imports, static and dynamic, and lists packages, leaving out node: and type-only imports (typeof import too)', () => {
    writeFileSync(
      join(dir, 'entry.ts'),
      [
        "import express from 'express';",
        "import type { Sql } from 'postgres';",
        "import { type A, b } from './b.ts';",
        'import {',
        '  one,',
        '  two,',
        "} from '@scope/pkg/sub';",
        "import { readFileSync } from 'node:fs';",
        "export * from './c.ts';",
        "const lazy = () => import('./d.ts');",
        "export type { T } from 'types-only';",
        "const sdk = require('cjs-package') as typeof import('cjs-package');",
      ].join('\n'),
    );
    writeFileSync(join(dir, 'b.ts'), "import 'side-effect';\nimport { entry } from './entry.ts';\n");
    writeFileSync(join(dir, 'c.ts'), "export { z } from 'zod';\n");
    writeFileSync(join(dir, 'd.ts'), "const p = await import('dynamic-package');\n");
    expect(moduleGraph(join(dir, 'entry.ts'))).toEqual({
      files: ['b.ts', 'c.ts', 'd.ts', 'entry.ts'].map((f) => join(dir, f)),
      packages: ['@scope/pkg/sub', 'dynamic-package', 'express', 'side-effect', 'zod'],
    });
    // what the entry surely loads: not what only import('…') brings
    expect(moduleGraph(join(dir, 'entry.ts'), { staticOnly: true })).toEqual({
      files: ['b.ts', 'c.ts', 'entry.ts'].map((f) => join(dir, f)),
      packages: ['@scope/pkg/sub', 'express', 'side-effect', 'zod'],
    });
  });

  it("is what npm start runs, in the place of npm's shell (exec), so that SIGTERM to npm reaches it", () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe('exec node scripts/run.mjs --early scripts/databases-worker.ts scripts/start.ts');
  });

  it("keeps npm start's worker light: the databases without Apollo or the gateway; the start with both", () => {
    const worker = moduleGraph('scripts/databases-worker.ts').packages;
    expect(worker).toContain('postgres');
    expect(worker).not.toContain('@apollo/server');
    expect(worker).not.toContain('@graphql-hive/gateway-runtime');
    // a warm start's databases: the server, one query per database and the migrations' hashes; the seeds, drizzle's
    // schemas and the issuer's keys only when there is something to make
    expect(moduleGraph('scripts/databases-worker.ts', { staticOnly: true }).packages).toEqual(['drizzle-orm/migrator', 'postgres', 'zod']);
    const start = moduleGraph('scripts/start.ts').packages;
    expect(start).toContain('@apollo/server');
    expect(start).toContain('@graphql-hive/gateway-runtime');
    // OpenTelemetry's SDK is loaded when tracing is turned on only (services/shared/src/telemetry.ts)
    expect(start).toContain('@opentelemetry/api');
    expect(start.filter((p) => p.startsWith('@opentelemetry/') && p !== '@opentelemetry/api')).toEqual([]);
  });
});
