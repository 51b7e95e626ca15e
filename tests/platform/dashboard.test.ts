/**
 * The dashboard's route (gateway/src/dashboard.ts): the page and its files
 * with strict headers, the development sign-in picker that mints only
 * COUNCIL_MEMBER tokens for organisations that can hold the role, and no
 * picker at all in a production-mode gateway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { loadGatewayConfig } from '../../services/shared/src/env.ts';
import { startGateway, type RunningGateway } from '../../gateway/src/server.ts';
import { gql, hub, tokenFor } from '../helpers/hub.ts';

const origin = () => new URL(hub().gatewayUrl).origin;
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

function expectStrictHeaders(res: Response) {
  expect(res.headers.get('content-security-policy')).toBe(CSP);
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  expect(res.headers.get('x-frame-options')).toBe('DENY');
}

const devToken = (body: string, contentType = 'application/json', base = origin()) =>
  fetch(`${base}/dashboard/dev-token`, { method: 'POST', headers: { 'content-type': contentType, 'accept-language': 'en' }, body });

describe('the dashboard page', () => {
  it('redirects /dashboard to /dashboard/ (relative, so it works behind a path prefix)', async () => {
    const res = await fetch(`${origin()}/dashboard`, { redirect: 'manual' });
    expect(res.status).toBe(308);
    expect(res.headers.get('location')).toBe('dashboard/');
    expectStrictHeaders(res);
  });

  it('serves the HTML with a Content-Security-Policy that allows no inline script', async () => {
    const res = await fetch(`${origin()}/dashboard/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expectStrictHeaders(res);
    const html = await res.text();
    expect(html).toContain('<script type="module" src="app.js"></script>');
    // Every script is a file of the page's own; no inline script, no inline style, nothing from elsewhere.
    expect(html.match(/<script\b[^>]*>/g)).toEqual(['<script type="module" src="app.js">']);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=|https?:\/\//i);
  });

  it.each([
    ['app.js', 'text/javascript; charset=utf-8'],
    ['charts.js', 'text/javascript; charset=utf-8'],
    ['dashboard.css', 'text/css; charset=utf-8'],
    ['icon.svg', 'image/svg+xml'],
  ])('serves %s as %s with the same headers', async (file, type) => {
    const res = await fetch(`${origin()}/dashboard/${file}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(type);
    expectStrictHeaders(res);
  });

  it.each(['tsconfig.json', 'nothing.js', '%2e%2e/src/dashboard.ts', '..%2fsrc%2fdashboard.ts', '.hidden.js'])(
    'serves nothing else: %s is 404',
    async (path) => {
      const res = await fetch(`${origin()}/dashboard/${path}`);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('dashboardRouter');
    },
  );

  it('the page imports only its own modules', () => {
    for (const file of ['app.js', 'api.js', 'charts.js', 'figures.js', 'i18n.js', 'periods.js']) {
      const source = readFileSync(new URL(`../../gateway/dashboard/${file}`, import.meta.url), 'utf8');
      for (const [, from] of source.matchAll(/^import .* from '([^']+)';$/gm)) expect(from).toMatch(/^\.\/[a-z0-9]+\.js$/);
      expect(source).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    }
  });
});

describe('the development sign-in picker', () => {
  it('lists the organisations whose staff can sit on councils', async () => {
    const res = await fetch(`${origin()}/dashboard/dev-members`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { members: Array<{ org: string; name: string }> };
    expect(body.members.map((m) => [m.org, m.name])).toEqual([
      ['municipality:1980', 'Samrådsledamot, Västerås stad, socialtjänsten'],
      ['municipality:1981', 'Samrådsledamot, Sala kommun, socialtjänsten'],
      ['municipality:0180', 'Samrådsledamot, Stockholms stad, socialtjänsten'],
      ['psychiatry:19', 'Samrådsledamot, Vuxenpsykiatri Västmanland, beroendesektionen'],
      ['psychiatry:01', 'Samrådsledamot, Beroendevården Region Stockholm'],
    ]);
  });

  it('mints a COUNCIL_MEMBER token (and nothing more) that the API accepts', async () => {
    // A role in the body is ignored: the picker only ever mints council members.
    const res = await devToken(JSON.stringify({ org: 'psychiatry:19', roles: ['PHYSICIAN', 'LOG_REVIEWER'] }));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { token: string; name: string; org: string };
    expect(body.name).toBe('Samrådsledamot, Vuxenpsykiatri Västmanland, beroendesektionen');
    const claims = decodeJwt(body.token);
    expect(claims).toMatchObject({
      sub: 'psychiatry:19:COUNCIL_MEMBER',
      org: 'psychiatry:19',
      agency: 'PSYCHIATRY',
      roles: ['COUNCIL_MEMBER'],
      name: 'Samrådsledamot, Vuxenpsykiatri Västmanland, beroendesektionen',
      iss: hub().env.HUB_JWT_ISSUER,
      aud: hub().env.HUB_JWT_AUDIENCE,
    });
    const councils = await gql('{ councils { id } }', {}, { as: body.token });
    expect(councils.data).toEqual({ councils: [{ id: 'council:local-1980' }, { id: 'council:regional-19' }] });
  });

  it.each([
    ['probation:vasteras', 400, 'Frivården Västerås has no council members.'],
    ['clinic:0180-kista', 400, 'Lokal integrerad mottagning Kista has no council members.'],
    ['municipality:9999', 404, 'There is no organisation municipality:9999.'],
  ])('refuses %s with %i', async (org, status, error) => {
    const res = await devToken(JSON.stringify({ org }));
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({ error });
  });

  it.each([
    ['no organisation', '{}', 'application/json'],
    ['an organisation that is not a string', '{"org":["municipality:1980"]}', 'application/json'],
    ['a body that is not JSON', '{"org":"municipality:1980"}', 'text/plain'],
    ['a form post', 'org=municipality%3A1980', 'application/x-www-form-urlencoded'],
  ])('refuses %s with 400', async (_case, body, contentType) => {
    const res = await devToken(body, contentType);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'Send { "org": "<organisation id>" } as application/json.' });
  });

  it('answers a GET of the token endpoint with 404', async () => {
    expect((await fetch(`${origin()}/dashboard/dev-token`)).status).toBe(404);
  });
});

describe('a production-mode gateway', () => {
  let gateway: RunningGateway;
  let base: string;
  beforeAll(async () => {
    const supergraph = readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');
    const urls = Object.fromEntries(Object.entries(hub().subgraphUrls).map(([k, v]) => [`${k.toUpperCase()}_URL`, v]));
    gateway = await startGateway(loadGatewayConfig({ ...hub().env, HUB_MODE: 'production', GATEWAY_PORT: '0', ...urls }), supergraph);
    base = new URL(gateway.url).origin;
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('serves the page (sign-in by pasted token) with the same headers', async () => {
    const res = await fetch(`${base}/dashboard/`);
    expect(res.status).toBe(200);
    expectStrictHeaders(res);
    expect(await res.text()).toContain('<textarea id="token"');
  });

  it('has no development picker: both endpoints are 404', async () => {
    const members = await fetch(`${base}/dashboard/dev-members`);
    expect(members.status).toBe(404);
    const token = await devToken(JSON.stringify({ org: 'municipality:1980' }), 'application/json', base);
    expect(token.status).toBe(404);
    expect(await token.text()).toBe('Not found');
  });

  it('refuses to start with a development token signer', async () => {
    const supergraph = readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');
    await expect(
      startGateway(loadGatewayConfig({ ...hub().env, HUB_MODE: 'production', GATEWAY_PORT: '0' }), supergraph, { devTokens: () => Promise.resolve('x') }),
    ).rejects.toThrow('a development token signer is refused outside development mode');
  });
});

describe("the page's operations where trusted documents are enforced", () => {
  // exactly what gateway/dashboard/api.js sends: the operation's name, its variables and the hash of its document, never its text
  const pageBody = (operationName: string, variables: Record<string, unknown>, hashes: Record<string, string>) =>
    JSON.stringify({ operationName, variables, extensions: { persistedQuery: { version: 1, sha256Hash: hashes[operationName] } } });
  const DOCUMENTS_DIR = new URL('../../gateway/dashboard/documents/', import.meta.url);
  const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
  let gateway: RunningGateway;
  let base: string;
  let manifests: string;
  let hashes: Record<string, string>;
  let token: string;
  const post = async (body: string, auth = token) => {
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${auth}` },
      body,
    });
    return { status: res.status, body: (await res.json()) as { data?: any; errors?: Array<{ message: string; extensions?: { code?: string } }> } };
  };

  beforeAll(async () => {
    // an enforcing production gateway with no partner document at all: only the hub's own are trusted
    manifests = mkdtempSync(join(tmpdir(), 'hub-dashboard-trusted-'));
    const supergraph = readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');
    const urls = Object.fromEntries(Object.entries(hub().subgraphUrls).map(([k, v]) => [`${k.toUpperCase()}_URL`, v]));
    gateway = await startGateway(
      loadGatewayConfig({
        ...hub().env,
        HUB_MODE: 'production',
        GATEWAY_PORT: '0',
        HUB_TRUSTED_DOCUMENTS: manifests,
        HUB_TRUSTED_DOCUMENTS_MODE: 'enforce',
        ...urls,
      }),
      supergraph,
    );
    base = new URL(gateway.url).origin;
    token = await tokenFor({ org: 'municipality:1980', roles: ['COUNCIL_MEMBER'], name: 'Vera Västerås' });
    const res = await fetch(`${base}/dashboard/operations.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expectStrictHeaders(res);
    const source = await res.text();
    hashes = JSON.parse(/export const DOCUMENTS = (\{[\s\S]*\});/.exec(source)![1]!) as Record<string, string>;
  });
  afterAll(async () => {
    await gateway?.close();
    rmSync(manifests, { recursive: true, force: true });
  });

  it('operations.js gives the SHA-256 of every document in gateway/dashboard/documents/, by operation name', () => {
    const files = readdirSync(DOCUMENTS_DIR).sort();
    expect(files).toEqual(['CouncilMonths.graphql', 'CouncilReport.graphql', 'Councils.graphql']);
    expect(hashes).toEqual(Object.fromEntries(files.map((f) => [f.replace(/\.graphql$/, ''), sha256(readFileSync(new URL(f, DOCUMENTS_DIR), 'utf8').trim())])));
  });

  it("answers the page's Councils by its hash", async () => {
    const res = await post(pageBody('Councils', {}, hashes));
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.councils.map((c: { id: string }) => c.id)).toEqual(['council:local-1980', 'council:regional-19']);
    expect(Object.keys(res.body.data.councils[0]).sort()).toEqual(['id', 'level', 'municipalityCodes', 'name', 'regionCode']);
  });

  it("answers the page's CouncilReport by its hash, with every section", async () => {
    const res = await post(pageBody('CouncilReport', { id: 'council:local-1980', from: '2043-01-01', to: '2043-03-31' }, hashes));
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    const council = res.body.data.council;
    expect(council.name).toBe('Lokalt samråd Västerås');
    expect([council.indicators.from, council.indicators.to]).toEqual(['2043-01-01', '2043-03-31']);
    expect(Object.keys(council.indicators).sort()).toEqual(['clinics', 'from', 'municipality', 'municipalityCodes', 'probation', 'psychiatry', 'to']);
    const drawnUp = (council.indicators.municipality as Array<{ key: string; value: number | null }>).find((i) => i.key === 'plans.drawnUp');
    expect(drawnUp?.value).toBe(0);
  });

  it("answers the page's CouncilMonths by its hash: the months asked for, and no others", async () => {
    const months = [
      ['2043-01-01', '2043-01-31'],
      ['2043-02-01', '2043-02-28'],
      ['2043-03-01', '2043-03-31'],
    ];
    const variables: Record<string, string | boolean> = { id: 'council:local-1980' };
    for (let j = 0; j < 12; j++) {
      const [from, to] = months[j] ?? months[0]!;
      variables[`f${j}`] = from!;
      variables[`t${j}`] = to!;
      if (j > 0) variables[`in${j}`] = j < months.length;
    }
    const res = await post(pageBody('CouncilMonths', variables, hashes));
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(Object.keys(res.body.data.council)).toEqual(['m0', 'm1', 'm2']);
    for (const m of ['m0', 'm1', 'm2']) expect(Object.keys(res.body.data.council[m]).sort()).toEqual(['clinics', 'municipality', 'probation', 'psychiatry']);
  });

  it('refuses an arbitrary query with PERSISTED_QUERY_REQUIRED, and an unknown hash with PERSISTED_QUERY_NOT_FOUND', async () => {
    const arbitrary = await post(JSON.stringify({ query: '{ councils { id name } }' }));
    expect(arbitrary.status).toBe(400);
    expect(arbitrary.body.errors?.map((e) => e.extensions?.code)).toEqual(['PERSISTED_QUERY_REQUIRED']);
    expect(arbitrary.body.data).toBeUndefined();
    const unknown = await post(pageBody('Councils', {}, { Councils: sha256('{ councils { id name } }') }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors?.map((e) => e.extensions?.code)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });

  it("accepts the text of the hub's own document too (it is trusted), as a partner's registered one is", async () => {
    const text = readFileSync(new URL('Councils.graphql', DOCUMENTS_DIR), 'utf8').trim();
    const res = await post(JSON.stringify({ query: text }));
    expect(res.status).toBe(200);
    expect(res.body.data.councils).toHaveLength(2);
  });
});

describe("the page's periods (gateway/dashboard/periods.js, run here under Node)", () => {
  type Periods = {
    presetPeriod: (preset: string, now: string) => { from: string; to: string };
    monthsOf: (from: string, to: string) => Array<{ month: string; from: string; to: string }>;
    isDate: (s: string) => boolean;
  };
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- widening the specifier keeps tsc from resolving the page's untyped browser module
  const periods = () => import('../../gateway/dashboard/periods.js' as string) as Promise<Periods>;

  it.each([
    ['thisYear', '2026-11-23', { from: '2026-01-01', to: '2026-11-30' }],
    ['last12', '2026-11-23', { from: '2025-12-01', to: '2026-11-30' }],
    ['last12', '2026-01-05', { from: '2025-02-01', to: '2026-01-31' }],
    ['thisQuarter', '2026-11-23', { from: '2026-10-01', to: '2026-12-31' }],
    ['lastQuarter', '2026-11-23', { from: '2026-07-01', to: '2026-09-30' }],
    ['lastQuarter', '2026-02-10', { from: '2025-10-01', to: '2025-12-31' }],
    ['lastQuarter', '2024-05-31', { from: '2024-01-01', to: '2024-03-31' }],
  ])('%s on %s is %o', async (preset, now, expected) => {
    expect((await periods()).presetPeriod(preset, now)).toEqual(expected);
  });

  it('cuts a period into calendar months, clipped to the period', async () => {
    const { monthsOf } = await periods();
    expect(monthsOf('2041-09-15', '2041-11-03')).toEqual([
      { month: '2041-09', from: '2041-09-15', to: '2041-09-30' },
      { month: '2041-10', from: '2041-10-01', to: '2041-10-31' },
      { month: '2041-11', from: '2041-11-01', to: '2041-11-03' },
    ]);
    expect(monthsOf('2024-02-01', '2024-02-29')).toEqual([{ month: '2024-02', from: '2024-02-01', to: '2024-02-29' }]);
    expect(monthsOf('2025-12-20', '2026-01-10').map((m) => m.month)).toEqual(['2025-12', '2026-01']);
    expect(monthsOf('2025-12-01', '2026-11-23')).toHaveLength(12);
  });

  it('knows a date from a non-date', async () => {
    const { isDate } = await periods();
    expect(['2024-02-29', '2026-11-23'].map(isDate)).toEqual([true, true]);
    expect(['2025-02-29', '2026-13-01', '2026-1-1', ''].map(isDate)).toEqual([false, false, false, false]);
  });
});
