/**
 * The Kubernetes manifests (deploy/k8s/base, kustomize) cannot be applied
 * here (no cluster), so this test reads them against the code: ports,
 * variable names, probe paths the servers answer, commands whose files exist
 * and match docker-compose.yml and package.json, the migrate Job, security
 * contexts, disruption budgets, network policies that let only the gateway
 * (and municipality's linked-record checks) reach the subgraphs, and Secrets
 * referenced by name, never committed. Each workload's environment, with its
 * config map and secret files filled in, is a valid production configuration.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import {
  configVariables,
  DEFAULT_PORTS,
  LINKED_SUBGRAPHS,
  witnessesOf,
  loadDatabaseConfig,
  loadGatewayConfig,
  loadSubgraphConfig,
  secretVariables,
  SUBGRAPHS,
} from '../../services/shared/src/env.ts';
import { ROOT } from '../helpers/processes.ts';

type Manifest = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; spec: any; data?: Record<string, string> };

const BASE = join(ROOT, 'deploy/k8s/base');
const kustomization = parse(readFileSync(join(BASE, 'kustomization.yaml'), 'utf8')) as { resources: string[]; images: Array<{ name: string }> };
const manifests: Manifest[] = kustomization.resources.flatMap((f) => parseAllDocuments(readFileSync(join(BASE, f), 'utf8')).map((d) => d.toJSON() as Manifest));
const find = (kind: string, name: string) => {
  const m = manifests.find((x) => x.kind === kind && x.metadata.name === name);
  if (!m) throw new Error(`no ${kind} ${name}`);
  return m;
};
const config = find('ConfigMap', 'hub-config').data!;
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, { command: string[] }> };
const vars = configVariables();
const secrets = new Set(secretVariables());

const COMPONENTS = ['gateway', ...SUBGRAPHS] as const;
type Component = (typeof COMPONENTS)[number];

/** The routes a server answers with GET, read from its source. */
function getRoutes(file: string): string[] {
  const source = readFileSync(join(ROOT, file), 'utf8');
  return [...source.matchAll(/app\.get\((\[[^\]]*\]|'[^']*')/g)].flatMap((m) => [...m[1]!.matchAll(/'([^']*)'/g)].map((p) => p[1]!));
}

const tmp = mkdtempSync(join(tmpdir(), 'hub-k8s-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * A container's environment as Kubernetes would give it: config map keys resolved (optional
 * missing ones left out), and every secret file written under a temporary directory (with fresh
 * secrets) so that X_FILE can be read.
 */
function environment(container: any, pod: any): Record<string, string> {
  const env: Record<string, string> = {};
  const mounts = container.volumeMounts as Array<{ name: string; mountPath: string }>;
  for (const e of container.env as Array<{
    name: string;
    value?: string;
    valueFrom?: { configMapKeyRef: { name: string; key: string; optional?: boolean } };
  }>) {
    if (e.valueFrom) {
      const ref = e.valueFrom.configMapKeyRef;
      expect(ref.name).toBe('hub-config');
      if (ref.key in config) env[e.name] = config[ref.key]!;
      else expect(ref.optional, `${e.name}: hub-config has no ${ref.key}`).toBe(true);
      continue;
    }
    let value = e.value!;
    if (e.name.endsWith('_FILE')) {
      const mount = mounts.find((m) => value.startsWith(`${m.mountPath}/`));
      expect(mount, `${e.name}: ${value} is on a mounted volume`).toBeDefined();
      const volume = (pod.volumes as Array<{ name: string; secret?: { secretName: string } }>).find((v) => v.name === mount!.name)!;
      expect(volume.secret?.secretName, `${e.name} is read from a Secret`).toMatch(/^hub-/);
      const path = join(tmp, container.name, value);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, e.name.includes('PASSWORD') ? 'p@ss/w#rd\n' : `${randomBytes(32).toString('hex')}\n`);
      value = path;
    }
    env[e.name] = value;
  }
  return env;
}

describe('deploy/k8s/base', () => {
  it('lists every manifest in its kustomization, and sets the image by name', () => {
    const files = readdirSync(BASE)
      .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
      .sort();
    expect([...kustomization.resources].sort()).toEqual(files);
    expect(kustomization.images.map((i) => i.name)).toEqual(['coordination-hub']);
  });

  it('commits no Secret: every secret is referenced by name', () => {
    expect(manifests.filter((m) => m.kind === 'Secret')).toEqual([]);
    const referenced = new Set(
      manifests.flatMap((m) => (m.spec?.template?.spec?.volumes ?? []).flatMap((v: any) => (v.secret ? [v.secret.secretName as string] : []))),
    );
    expect([...referenced].sort()).toEqual(['hub-secrets', ...SUBGRAPHS.flatMap((s) => [`hub-db-${s}-owner`, `hub-db-${s}-runtime`])].sort());
  });

  describe.each(COMPONENTS)('%s', (name: Component) => {
    const deployment = find('Deployment', `hub-${name}`);
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    const port = DEFAULT_PORTS[name];

    it('runs the command docker-compose runs, whose file exists', () => {
      expect(pod.containers).toHaveLength(1);
      expect(container.command).toEqual(compose.services[name]!.command);
      expect(existsSync(join(ROOT, container.command.at(-1)))).toBe(true);
      expect(container.image).toBe('coordination-hub');
    });

    it('listens on its port, and its Service sends there', () => {
      expect(container.ports).toEqual([{ name: 'http', containerPort: port }]);
      const service = find('Service', `hub-${name}`);
      expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
      expect(service.spec.ports).toEqual([{ name: 'http', port, targetPort: 'http' }]);
    });

    it('is probed for readiness on /ready and liveness on /health, paths the server answers', () => {
      expect(container.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
      expect(container.livenessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
      const routes = getRoutes(name === 'gateway' ? 'gateway/src/server.ts' : 'services/shared/src/subgraph.ts');
      expect(routes).toEqual(expect.arrayContaining(['/ready', '/health']));
    });

    it('runs as a non-root user, without privileges, within resource bounds', () => {
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
      expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      expect(container.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      expect(container.resources.limits.memory).toEqual(expect.any(String));
      expect(pod.automountServiceAccountToken).toBe(false);
    });

    it('keeps one replica of two through voluntary disruptions', () => {
      expect(deployment.spec.replicas).toBe(2);
      const budget = find('PodDisruptionBudget', `hub-${name}`);
      expect(budget.spec).toEqual({ minAvailable: 1, selector: { matchLabels: deployment.spec.selector.matchLabels } });
      expect(deployment.spec.template.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels);
    });

    it('names only variables the code reads (secrets as X_FILE), and is a valid production configuration', () => {
      const known = name === 'gateway' ? vars.gateway : vars.subgraphs[name];
      for (const e of container.env as Array<{ name: string }>) {
        const plain = e.name.replace(/_FILE$/, '');
        expect(known, e.name).toContain(plain);
        if (e.name.endsWith('_FILE')) expect(secrets.has(plain), `${plain} may be read from a file`).toBe(true);
      }
      for (const s of ['HUB_GATEWAY_SECRET', 'HUB_PERSON_ID_SECRET']) {
        expect(container.env.map((e: { name: string }) => e.name)).not.toContain(s); // never a plain value in a manifest
      }
      const env = environment(container, pod);
      if (name === 'gateway') {
        const c = loadGatewayConfig(env);
        expect([c.mode, c.port]).toEqual(['production', port]);
        expect(c.subgraphUrls).toEqual(Object.fromEntries(SUBGRAPHS.map((s) => [s, `http://hub-${s}:${DEFAULT_PORTS[s]}/graphql`])));
        expect(container.env.map((e: { name: string }) => e.name)).not.toContain('HUB_PERSON_ID_SECRET_FILE');
      } else {
        const c = loadSubgraphConfig(name, env);
        expect([c.mode, c.port, c.migrateOnStart, c.runtimeRole]).toEqual(['production', port, false, null]);
        const url = new URL(c.databaseUrl);
        expect([url.username, decodeURIComponent(url.password), url.pathname]).toEqual([`hub_${name}_runtime`, 'p@ss/w#rd', `/hub_${name}`]);
        expect(c.linkedUrls).toEqual(Object.fromEntries(LINKED_SUBGRAPHS[name].map((s) => [s, `http://hub-${s}:${DEFAULT_PORTS[s]}/graphql`])));
        expect(c.witnessUrls).toEqual(Object.fromEntries(witnessesOf(name).map((s) => [s, `http://hub-${s}:${DEFAULT_PORTS[s]}/graphql`])));
        expect(c.auditWitnessIntervalMs).toBe(10_000);
        // no owner credentials in a running subgraph
        expect(Object.keys(env).filter((k) => k.includes('MIGRATION'))).toEqual([]);
      }
    });
  });

  it('migrates in a Job, with the command npm run migrate runs, as each owner role', () => {
    const job = find('Job', 'hub-migrate');
    const pod = job.spec.template.spec;
    const container = pod.containers[0];
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.migrate).toBe(`tsx ${container.command.at(-1)}`);
    expect(container.command).toEqual(['node', '--import', 'tsx', 'scripts/migrate.ts']);
    expect(pod.restartPolicy).toBe('OnFailure');
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
    const env = environment(container, pod);
    for (const s of SUBGRAPHS) {
      const db = loadDatabaseConfig(s, env);
      expect(db.runtimeRole).toBe(`hub_${s}_runtime`);
      const owner = new URL(db.migrationDatabaseUrl);
      expect([owner.username, decodeURIComponent(owner.password)]).toEqual([`hub_${s}`, 'p@ss/w#rd']);
    }
    // the Job needs no runtime password, keys or secrets
    expect(Object.keys(env).filter((k) => !/^[A-Z]+_(MIGRATION_)?DATABASE_(URL|PASSWORD_FILE)$/.test(k))).toEqual([]);
  });

  it('lets only the gateway and the other subgraphs (linked records, witnesses of audit heads) reach each subgraph', () => {
    const policies = manifests.filter((m) => m.kind === 'NetworkPolicy');
    const deny = policies.find((p) => p.metadata.name === 'hub-default-deny-ingress')!;
    expect(deny.spec).toEqual({ podSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'coordination-hub' } }, policyTypes: ['Ingress'] });
    for (const s of SUBGRAPHS) {
      const selecting = policies.filter(
        (p) => p.metadata.name !== deny.metadata.name && p.spec.podSelector.matchLabels['app.kubernetes.io/name'] === `hub-${s}`,
      );
      expect(selecting).toHaveLength(1);
      const [rule] = selecting[0]!.spec.ingress;
      const from = (rule.from as Array<{ podSelector: { matchLabels: Record<string, string> } }>).map(
        (f) => f.podSelector.matchLabels['app.kubernetes.io/name'],
      );
      const linkers = SUBGRAPHS.filter((o) => LINKED_SUBGRAPHS[o].includes(s));
      const witnessed = SUBGRAPHS.filter((o) => witnessesOf(o).includes(s));
      expect(witnessed).toEqual(witnessesOf(s));
      expect(from.sort()).toEqual(['hub-gateway', ...new Set([...linkers, ...witnessed].map((o) => `hub-${o}`))].sort());
      expect(rule.ports).toEqual([{ port: DEFAULT_PORTS[s], protocol: 'TCP' }]);
    }
    const gateway = policies.find((p) => p.spec.podSelector.matchLabels['app.kubernetes.io/name'] === 'hub-gateway')!;
    expect(gateway.spec.ingress).toEqual([{ ports: [{ port: DEFAULT_PORTS.gateway, protocol: 'TCP' }] }]);
  });
});
