/**
 * docker-compose.yml cannot run here (no Docker engine), so this test reads
 * it: every service, every variable the code reads, health checks, one
 * published port, one database and two roles per subgraph (the owner
 * migrates once, the subgraph runs as the runtime role), and an image that
 * carries what the containers import and what operators run.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  configVariables,
  DEFAULT_PORTS,
  loadDatabaseConfig,
  loadGatewayConfig,
  loadSubgraphConfig,
  SUBGRAPHS,
  witnessesOf,
} from '../../services/shared/src/env.ts';
import { ROOT } from '../helpers/processes.ts';

interface Service {
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const vars = configVariables();

/** Resolves ${VAR:?msg} and ${VAR:-default} as docker compose would, from `given`. */
function resolve(env: Record<string, string>, given: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([k, v]) => [
      k,
      String(v).replace(
        /\$\{(\w+)(?::([?-])([^}]*))?\}/g,
        (_m, name: string, op?: string, arg?: string) => given[name] ?? (op === '-' ? (arg ?? '') : `<missing ${name}>`),
      ),
    ]),
  );
}

const secrets = {
  HUB_JWT_ISSUER: 'https://login.region.example/',
  HUB_JWKS: JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'prod-1' }] }),
  HUB_GATEWAY_SECRET: randomBytes(32).toString('hex'),
  HUB_PERSON_ID_SECRET: randomBytes(32).toString('hex'),
  HUB_AUDIT_KEY: randomBytes(32).toString('hex'),
  POSTGRES_PASSWORD: 'pg',
  MUNICIPALITY_DB_PASSWORD: 'm',
  PSYCHIATRY_DB_PASSWORD: 'p',
  PROBATION_DB_PASSWORD: 'f',
  CLINICS_DB_PASSWORD: 'c',
  MUNICIPALITY_RUNTIME_DB_PASSWORD: 'm@r/1#',
  PSYCHIATRY_RUNTIME_DB_PASSWORD: 'p@r/2#',
  PROBATION_RUNTIME_DB_PASSWORD: 'f@r/3#',
  CLINICS_RUNTIME_DB_PASSWORD: 'c@r/4#',
};

/** What only the migrate service reads: the owner role's URL and password. */
const migrationOnly = (s: string) => [`${s.toUpperCase()}_MIGRATION_DATABASE_URL`, `${s.toUpperCase()}_MIGRATION_DATABASE_PASSWORD`];

describe('docker-compose.yml', () => {
  it('runs PostgreSQL, the four subgraphs and the gateway, each its own container', () => {
    expect(Object.keys(services).sort()).toEqual(['clinics', 'gateway', 'migrate', 'municipality', 'postgres', 'probation', 'psychiatry']);
  });

  it('publishes only the gateway port', () => {
    const published = Object.entries(services)
      .filter(([, s]) => s.ports?.length)
      .map(([n, s]) => [n, s.ports]);
    expect(published).toEqual([['gateway', ['4000:4000']]]);
  });

  it('gives every service a health check on its own port, and starts each after what it needs is healthy', () => {
    for (const s of SUBGRAPHS) {
      expect(services[s]!.healthcheck!.test.join(' ')).toContain(`http://127.0.0.1:${DEFAULT_PORTS[s]}/health`);
      expect(services[s]!.depends_on).toEqual({ postgres: { condition: 'service_healthy' }, migrate: { condition: 'service_completed_successfully' } });
    }
    expect(services.gateway!.healthcheck!.test.join(' ')).toContain('http://127.0.0.1:4000/health');
    expect(services.postgres!.healthcheck!.test.join(' ')).toContain('pg_isready');
    expect(services.gateway!.depends_on).toEqual(Object.fromEntries(SUBGRAPHS.map((s) => [s, { condition: 'service_healthy' }])));
  });

  it.each(SUBGRAPHS)('names every variable the %s subgraph reads, and nothing else: not the owner role', (s) => {
    expect(Object.keys(services[s]!.environment!).sort()).toEqual(vars.subgraphs[s].filter((v) => !migrationOnly(s).includes(v)).sort());
    expect(services[s]!.environment!.HUB_MIGRATE_ON_START).toBe('false');
  });

  it('migrates once, as each database owner role, before the subgraphs start', () => {
    const migrate = services.migrate!;
    expect(migrate.command).toEqual(['node', '--import', 'tsx', 'scripts/migrate.ts']);
    expect(migrate.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(Object.keys(migrate.environment!).sort()).toEqual(
      SUBGRAPHS.flatMap((s) => [`${s.toUpperCase()}_DATABASE_URL`, `${s.toUpperCase()}_DATABASE_PASSWORD`, ...migrationOnly(s)]).sort(),
    );
    const env = resolve(migrate.environment!, secrets);
    for (const s of SUBGRAPHS) {
      const db = loadDatabaseConfig(s, env);
      expect(db.runtimeRole).toBe(`hub_${s}_runtime`);
      const owner = new URL(db.migrationDatabaseUrl);
      expect([owner.username, decodeURIComponent(owner.password), owner.host, owner.pathname]).toEqual([
        `hub_${s}`,
        secrets[`${s.toUpperCase()}_DB_PASSWORD` as keyof typeof secrets],
        'postgres:5432',
        `/hub_${s}`,
      ]);
    }
  });

  it('names every variable the gateway reads, and nothing else', () => {
    expect(Object.keys(services.gateway!.environment!).sort()).toEqual([...vars.gateway].sort());
  });

  it.each(SUBGRAPHS)('gives the %s subgraph a valid production configuration over its own database and role', (s) => {
    const config = loadSubgraphConfig(s, resolve(services[s]!.environment!, secrets));
    expect(config.mode).toBe('production');
    expect(config.port).toBe(DEFAULT_PORTS[s]);
    const url = new URL(config.databaseUrl);
    expect([url.username, decodeURIComponent(url.password), url.host, url.pathname]).toEqual([
      `hub_${s}_runtime`,
      secrets[`${s.toUpperCase()}_RUNTIME_DB_PASSWORD` as keyof typeof secrets],
      'postgres:5432',
      `/hub_${s}`,
    ]);
    // its audit head goes to the other subgraphs, by service name
    expect(config.witnessUrls).toEqual(Object.fromEntries(witnessesOf(s).map((o) => [o, `http://${o}:${DEFAULT_PORTS[o]}/graphql`])));
    expect(config.auditWitnessIntervalMs).toBe(10_000);
    // the running subgraph holds no owner credentials: nothing to migrate as
    expect(config.runtimeRole).toBeNull();
    expect(config.migrateOnStart).toBe(false);
  });

  it('gives the gateway a valid production configuration that reaches each subgraph by service name', () => {
    const config = loadGatewayConfig(resolve(services.gateway!.environment!, secrets));
    expect(config.mode).toBe('production');
    expect(config.subgraphUrls).toEqual(Object.fromEntries(SUBGRAPHS.map((s) => [s, `http://${s}:${DEFAULT_PORTS[s]}/graphql`])));
  });

  it('initialises one database and login role per subgraph', () => {
    const init = readFileSync(join(ROOT, 'deploy/postgres-init.sh'), 'utf8');
    expect(init).toContain('for s in municipality psychiatry probation clinics; do');
    expect(init).toContain('CREATE DATABASE hub_$s OWNER hub_$s;');
    expect(init).toContain("CREATE ROLE hub_$s LOGIN PASSWORD :'pw';");
    expect(init).toContain("CREATE ROLE hub_${s}_runtime LOGIN PASSWORD :'rpw';");
    expect(services.postgres!.environment).toMatchObject(
      Object.fromEntries(
        SUBGRAPHS.flatMap((s) => [`${s.toUpperCase()}_DB_PASSWORD`, `${s.toUpperCase()}_RUNTIME_DB_PASSWORD`]).map((v) => [v, expect.any(String)]),
      ),
    );
  });

  it('runs commands whose entry files exist', () => {
    for (const [name, s] of Object.entries(services)) {
      if (name === 'postgres') continue;
      const entry = s.command!.at(-1)!;
      expect(existsSync(join(ROOT, entry)), `${name}: ${entry}`).toBe(true);
    }
  });
});

/** Whether an npm `engines` range of plain comparators (">=20.19 <21 || >=22.15") allows `version`. */
function allows(range: string, version: number[]): boolean {
  const compare = (a: number[], b: number[]) => a.map((x, i) => x - (b[i] ?? 0)).find((d) => d !== 0) ?? 0;
  return range.split('||').some((alternative) =>
    alternative
      .trim()
      .split(/\s+/)
      .every((comparator) => {
        const [, op, v] = /^(>=|<=|>|<)(\d+(?:\.\d+){0,2})$/.exec(comparator) ?? [];
        if (!op) throw new Error(`engines comparator "${comparator}" not understood`);
        const c = compare(version, v!.split('.').map(Number));
        return op === '>=' ? c >= 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c < 0;
      }),
  );
}

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

  function sources(dir: string): string[] {
    return readdirSync(dir).flatMap((f) => {
      const p = join(dir, f);
      // drizzle.config.ts files serve migration generation (drizzle-kit, a dev tool), never a container.
      return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') && !p.endsWith('drizzle.config.ts') ? [p] : [];
    });
  }

  it('builds on a supported Node.js LTS that package.json allows', () => {
    const from = /^FROM node:(\d+)-(\S+)$/m.exec(dockerfile);
    expect(from, 'FROM node:<major>-<variant>').not.toBeNull();
    // Even majors are the LTS lines; 24 (Active LTS until October 2026, then maintenance until April 2028) or later.
    const major = Number(from![1]);
    expect(major % 2).toBe(0);
    expect(major).toBeGreaterThanOrEqual(24);
    expect(from![2]).toBe('bookworm-slim');
    const engines = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    expect(allows(engines, [major, 0, 0]), `engines.node "${engines}" allows Node ${major}.0.0`).toBe(true);
  });

  it('installs production dependencies only and copies what the containers run', () => {
    expect(dockerfile).toContain('RUN npm ci --omit=dev');
    for (const dir of ['schema', 'services', 'gateway', 'scripts']) expect(dockerfile).toContain(`COPY ${dir} ./${dir}`);
  });

  it('runs as the non-root node user', () => {
    expect(
      dockerfile
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('USER ')),
    ).toEqual(['USER node']);
    expect(dockerfile.indexOf('USER node')).toBeGreaterThan(dockerfile.indexOf('COPY scripts ./scripts'));
  });

  it('carries what operators run: npm run migrate and npm run audit:verify, importing production dependencies only', () => {
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const copied = ['schema', 'services', 'gateway', 'scripts'].filter((d) => dockerfile.includes(`COPY ${d} ./${d}`));
    for (const script of ['migrate', 'audit:verify']) {
      const [runner, entry] = scripts[script]!.split(' ');
      expect(runner, script).toBe('tsx');
      // every file the script loads, following relative imports (static ones: what runs when it starts)
      const seen = new Set<string>();
      const packages = new Set<string>();
      const visit = (file: string) => {
        if (seen.has(file)) return;
        seen.add(file);
        expect(copied, `${file} is in the image`).toContain(file.split('/')[0]);
        const source = readFileSync(join(ROOT, file), 'utf8');
        for (const m of source.matchAll(/^import (?!type)[^'"]*['"]([^'"]+)['"]/gm)) {
          const spec = m[1]!;
          if (spec.startsWith('.')) visit(join(dirname(file), spec));
          else if (!spec.startsWith('node:')) packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
        }
      };
      visit(entry!);
      expect(
        [...packages].filter((p) => !(p in pkg.dependencies)),
        script,
      ).toEqual([]);
    }
  });

  it('every package the containers import is a production dependency', () => {
    const imported = new Set<string>();
    for (const file of [...sources(join(ROOT, 'services')), ...sources(join(ROOT, 'gateway'))]) {
      for (const m of readFileSync(file, 'utf8').matchAll(/^import (?!type)[^'"]*['"]([^'".][^'"]*)['"]/gm)) {
        const spec = m[1]!;
        if (spec.startsWith('node:')) continue;
        imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
    imported.add('tsx'); // the containers' loader
    const missing = [...imported].filter((p) => !(p in pkg.dependencies));
    expect(missing).toEqual([]);
  });
});
